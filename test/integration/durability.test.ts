/**
 * Losing nothing and sending nothing twice when parts fail, on real parts: a worker process killed in the
 * middle of a request, one killed after its request got through but before Temporal heard of it, and an
 * attempt log that cannot be written.
 */
import { afterAll, beforeAll, describe, expect, inject, it, type ExpectStatic } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { startWorkerProcess } from '../../scripts/worker-process';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { ingestEvent } from '../../lib/server/events/ingest';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

const KEY = [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }];
let env: TestEnv;
let receiver: Receiver;

beforeAll(async () => {
  env = await createTestEnv('durability');
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await env?.close();
});

async function start(type: string, id: string, on: TestEnv = env): Promise<string> {
  const result = await ingestEvent({ prisma: on.prisma, client: async () => on.client, taskQueue: on.taskQueue, workflowUrl: (w) => w }, { id, type, customer: { id: 'c-1' } });
  return (result.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
}

/**
 * Sends one event to a one-webhook flow on a worker that stops right after `sendWebhook` returned (the
 * request answered, the attempt row written, Temporal not told), kills that worker with SIGKILL, and lets
 * an ordinary worker finish the run. Each call has its own database, task queue and receiver, so no
 * other worker can take the attempt, and the two kill tests run side by side (each waits out Temporal's
 * 30 s heartbeat timeout).
 */
async function killAfterDelivery(expect: ExpectStatic, name: string, headers: { name: string; value: string }[]) {
  const own = await createTestEnv(`kill-${name}`);
  const service = await startReceiver();
  try {
    const integration = await createIntegration(own.prisma, { rootUrl: service.url });
    // A 60 s window: Temporal's own fallback retry after a lost attempt then starts 3 s after the timeout.
    const webhook = await createWebhook(own.prisma, integration.id, { systemName: name, headers, retryWindowSeconds: 60 });
    await createPublishedFlow(own.prisma, linearGraph(`test.${name}`, [webhook.id]));
    const doomed = await startWorkerProcess(
      { DATABASE_URL: own.databaseUrl, TEMPORAL_ADDRESS: own.address, HOOKFLOW_TASK_QUEUE: own.taskQueue, HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath') },
      'test/support/paused-worker.ts',
    );
    const workflowId = await start(`test.${name}`, `evt-${name}`, own);
    await expect.poll(() => doomed.output(), { timeout: 30_000 }).toContain('sendWebhook returned');
    // The success is on record before the kill: only the report to Temporal is lost.
    const rows = await own.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id }, select: { attempt: true, responseStatus: true, errorClass: true } });
    expect(rows).toEqual([{ attempt: 1, responseStatus: 200, errorClass: null }]);
    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.stop();

    await own.startWorker();
    const result = (await own.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult;
    const attempts = await own.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id }, orderBy: { attempt: 'asc' }, select: { attempt: true, responseStatus: true, errorClass: true } });
    return { outcome: result.webhooks[name], received: service.requests, attempts };
  } finally {
    await service.close();
    await own.close();
  }
}

describe('durability', () => {
  it('a worker killed mid-request: another worker retries with the same TransactionalId and the run completes', async () => {
    receiver.respond = (_r, index) => (index === 0 ? { status: 200, delayMs: 60_000 } : { status: 200, body: '{"ok":true}' });
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: 'survives_crash', headers: KEY });
    await createPublishedFlow(env.prisma, linearGraph('test.crash', [webhook.id]));
    const workerEnv = { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath') };
    const doomed = await startWorkerProcess(workerEnv);
    const workflowId = await start('test.crash', 'evt-crash');
    await receiver.waitFor(1);
    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.stop();

    const survivor = await startWorkerProcess(workerEnv);
    try {
      const result = (await env.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult;
      expect(result.webhooks.survives_crash).toEqual({ Ok: true, Status: 200, Body: { ok: true }, Fields: {}, Attempts: 2 });
      expect(receiver.requests).toHaveLength(2);
      expect(receiver.requests[1]!.headers['idempotency-key']).toBe(receiver.requests[0]!.headers['idempotency-key']);
    } finally {
      await survivor.stop();
    }
  }, 120_000);

  it.concurrent('a worker killed after its request got through, before Temporal heard: with the TransactionalId the retry answers from the log and nothing is sent twice', async ({ expect }) => {
    const { outcome, received, attempts } = await killAfterDelivery(expect, 'sent_once_keyed', KEY);
    expect(received).toHaveLength(1);
    expect(outcome).toEqual({ Ok: true, Status: 200, Body: { ok: true }, Fields: {}, Attempts: 1 });
    // The retry wrote no row of its own: it neither sent nor failed.
    expect(attempts).toEqual([{ attempt: 1, responseStatus: 200, errorClass: null }]);
  }, 120_000);

  it.concurrent('a worker killed after its request got through, without the TransactionalId: never a second request, and the step fails saying why', async ({ expect }) => {
    const { outcome, received, attempts } = await killAfterDelivery(expect, 'sent_once_plain', []);
    expect(received).toHaveLength(1);
    expect(outcome).toEqual({
      Ok: false,
      Status: null,
      Error:
        "The worker stopped before the attempt's result was known (activity Heartbeat timeout); not retried, because the webhook does not carry ${WebhookRequest.TransactionalId}: the request may have been delivered",
      Attempts: 1,
    });
    expect(attempts).toEqual([{ attempt: 1, responseStatus: 200, errorClass: null }]);
  }, 120_000);

  it('an attempt log that cannot be written never causes a resend: the send counts as delivered', async () => {
    await env.startWorker();
    receiver.respond = () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"T-1"}' });
    const before = receiver.requests.length;
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: 'log_fails', headers: KEY, captureFields: [{ name: 'id', path: '$.id' }] });
    await createPublishedFlow(env.prisma, linearGraph('test.logfail', [webhook.id]));
    // A real write failure in SQLite: every insert into the attempt log aborts.
    await env.prisma.$executeRawUnsafe(`CREATE TRIGGER block_attempt_log BEFORE INSERT ON "WebhookAttempt" BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    try {
      const workflowId = await start('test.logfail', 'evt-logfail');
      const result = (await env.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult;
      expect(result.webhooks.log_fails).toEqual({ Ok: true, Status: 201, Body: { id: 'T-1' }, Fields: { id: 'T-1' }, Attempts: 1 });
      expect(receiver.requests.length - before).toBe(1);
      expect(await env.prisma.webhookAttempt.count({ where: { webhookId: webhook.id } })).toBe(0);
    } finally {
      await env.prisma.$executeRawUnsafe('DROP TRIGGER block_attempt_log');
    }
  }, 60_000);
});
