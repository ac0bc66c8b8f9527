/**
 * The retry rule on the real Temporal dev server, read at the receiver: when the requests arrive, and when
 * they stop. (The time-skipping test server ignores the delay an activity asks for, so only a real server
 * shows the product's own spacing.) Each webhook carries the TransactionalId and a 12-second window.
 *
 * Temporal's fallback policy (used only when an attempt dies without deciding) would retry after 1, 2 and
 * 4 s and up to 4 attempts regardless of the window; the product's rule waits for Retry-After and stops at
 * the window's end, which is what these arrival times tell apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { startReceiver, type ReceiverResponse } from '../../scripts/receiver';
import { ingestEvent } from '../../lib/server/events/ingest';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

const WINDOW_SECONDS = 12;
let env: TestEnv;
let seq = 0;

beforeAll(async () => {
  env = await createTestEnv('retry-window');
  await env.startWorker();
});
afterAll(async () => {
  await env?.close();
});

/** One event through a one-webhook flow whose service always answers `response`; arrivals in seconds after the first. */
async function runAgainst(response: ReceiverResponse) {
  const receiver = await startReceiver();
  try {
    receiver.respond = () => response;
    const type = `retry.window.${++seq}`;
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const webhook = await createWebhook(env.prisma, integration.id, {
      systemName: `window_${seq}`,
      headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }],
      retryWindowSeconds: WINDOW_SECONDS,
    });
    await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]));
    const ingested = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w }, { id: `window-evt-${seq}`, type, customer: { id: 'c-1' } });
    const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
    const result = (await env.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult;
    const first = receiver.requests[0]!.at;
    return {
      outcome: result.webhooks[webhook.systemName]!,
      arrivals: receiver.requests.map((r) => (r.at - first) / 1000),
      keys: new Set(receiver.requests.map((r) => r.headers['idempotency-key'])),
    };
  } finally {
    await receiver.close();
  }
}

/** Gaps between arrivals: never sooner than the rule's delay, and not much later (a busy 2-core machine). */
function expectGaps(arrivals: number[], expected: number[]) {
  const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
  expect(gaps).toHaveLength(expected.length);
  gaps.forEach((gap, i) => {
    expect(gap, `gap ${i + 1} of ${JSON.stringify(gaps)}`).toBeGreaterThanOrEqual(expected[i]! - 0.05);
    expect(gap, `gap ${i + 1} of ${JSON.stringify(gaps)}`).toBeLessThan(expected[i]! + 1);
  });
}

describe(`the retry rule with a ${WINDOW_SECONDS}-second window, at the receiver`, () => {
  it('503 with Retry-After: 5 → requests 5 s apart, and no retry that would start after the window', async () => {
    const { outcome, arrivals, keys } = await runAgainst({ status: 503, headers: { 'retry-after': '5' } });
    // 0, 5, 10 s; a fourth at 15 s would be past the window's end at 12 s.
    expectGaps(arrivals, [5, 5]);
    expect(keys.size).toBe(1);
    expect(outcome).toEqual({
      Ok: false,
      Status: 503,
      Error: 'HTTP 503: the service had an error on its side; the service asked to retry after 5 s, past the end of the retry window',
      Attempts: 3,
    });
  }, 60_000);

  it('a slow 503 → the rule’s spacing (1/18, then 2/18 of the window after each answer), and it gives up at the window’s end', async () => {
    // Each answer takes 4 s: attempts start at 0, 4 + 0.67 and 8.67 + 1.33 = 10 s; the third answer comes
    // at 14 s, after the window, so there is no fourth attempt although the rule allows four.
    const { outcome, arrivals } = await runAgainst({ status: 503, delayMs: 4_000 });
    expectGaps(arrivals, [4 + WINDOW_SECONDS / 18, 4 + (2 * WINDOW_SECONDS) / 18]);
    expect(outcome).toEqual({
      Ok: false,
      Status: 503,
      Error: `HTTP 503: the service had an error on its side; gave up at the end of the ${WINDOW_SECONDS}-second retry window`,
      Attempts: 3,
    });
  }, 60_000);
});
