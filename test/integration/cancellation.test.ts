/**
 * Cancelling a run aborts the request it is making: Temporal's cancellation reaches the activity with its
 * next heartbeat, the HTTP request is aborted, and the run ends cancelled instead of waiting for the
 * service. Real dev server, worker and a loopback service that answers only after a minute.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { seedDemo } from '../../lib/server/seed';
import { ingestEvent } from '../../lib/server/events/ingest';

let env: TestEnv;
let receiver: Receiver;

beforeAll(async () => {
  env = await createTestEnv('cancellation');
  receiver = await startReceiver();
  receiver.respond = () => ({ status: 200, body: '{}', delayMs: 60_000 });
  await seedDemo(env.prisma, receiver.url);
  await env.startWorker();
});

afterAll(async () => {
  await receiver?.close();
  await env?.close();
});

it('cancelling a run aborts its request in flight, and the run is recorded as cancelled', async () => {
  const ingested = await ingestEvent(
    { prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w },
    { id: 'cancel-1', type: 'customer.signed_up', customer: { id: 'c-1', email: 'ada@example.com' } },
  );
  const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
  const [request] = await receiver.waitFor(1);
  const handle = env.client.workflow.getHandle(workflowId);
  await handle.cancel();

  // The run waits for its request to be aborted (not for the service's answer a minute later).
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  expect(request!.abortedAt).toBeDefined();
  expect(request!.abortedAt! - request!.at).toBeLessThan(15_000);
  await expect.poll(async () => (await env.prisma.run.findFirstOrThrow({ where: { workflowId } })).status).toBe('cancelled');
  // Nothing was sent after the cancellation, and no attempt claims an answer.
  expect(receiver.requests).toHaveLength(1);
  expect(await env.prisma.webhookAttempt.count({ where: { responseStatus: { not: null } } })).toBe(0);
});
