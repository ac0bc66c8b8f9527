/**
 * Retry-After on the real dev server. The time-skipping test server ignores an activity's nextRetryDelay,
 * so this reads the schedule from Temporal itself: after a 429 with `Retry-After: 90`, Temporal's next
 * attempt is scheduled at least 90 s after the first request, and no second request arrives meanwhile.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { ingestEvent } from '../../lib/server/events/ingest';

let env: TestEnv;
let receiver: Receiver;

beforeAll(async () => {
  env = await createTestEnv('retry-after');
  receiver = await startReceiver();
  await env.startWorker();
});
afterAll(async () => {
  await env?.close();
  await receiver?.close();
});

it('429 with Retry-After: 90 → the next attempt is not before 90 s later', async () => {
  receiver.respond = (_r, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '90' } } : { status: 200 });
  const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
  const webhook = await createWebhook(env.prisma, integration.id, { systemName: 'rate_limited', headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }] });
  await createPublishedFlow(env.prisma, linearGraph('test.retry_after', [webhook.id]));
  const ingested = await ingestEvent(
    { prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w },
    { id: 'evt-retry-after', type: 'test.retry_after', customer: { id: 'c-1' } },
  );
  const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
  const handle = env.client.workflow.getHandle(workflowId);
  try {
    const [first] = await receiver.waitFor(1);
    // Waits as long as a busy machine needs for the failed attempt to be recorded and the next scheduled.
    const pending = await vi.waitFor(
      async () => {
        const activity = (await handle.describe()).raw.pendingActivities?.[0];
        if (activity?.attempt !== 2 || !activity.nextAttemptScheduleTime) throw new Error(`attempt 2 not scheduled yet (attempt ${activity?.attempt})`);
        return activity;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(pending.attempt).toBe(2);
    expect(pending.lastFailure?.message).toContain('429');
    const next = Number(pending.nextAttemptScheduleTime!.seconds) * 1000 + Math.floor((pending.nextAttemptScheduleTime!.nanos ?? 0) / 1e6);
    expect(next - first!.at).toBeGreaterThanOrEqual(90_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await handle.terminate('test done');
  }
});
