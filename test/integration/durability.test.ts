/**
 * Losing nothing when parts fail, on real parts: a worker process killed in the middle of a request, and
 * an attempt log that cannot be written.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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

async function start(type: string, id: string): Promise<string> {
  const result = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w }, { id, type, customer: { id: 'c-1' } });
  return (result.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
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
      expect(result.webhooks.survives_crash).toMatchObject({ Ok: true, Status: 200, Attempts: 2 });
      expect(receiver.requests).toHaveLength(2);
      expect(receiver.requests[1]!.headers['idempotency-key']).toBe(receiver.requests[0]!.headers['idempotency-key']);
    } finally {
      await survivor.stop();
    }
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
      expect(result.webhooks.log_fails).toMatchObject({ Ok: true, Status: 201, Attempts: 1, Fields: { id: 'T-1' } });
      expect(receiver.requests.length - before).toBe(1);
      expect(await env.prisma.webhookAttempt.count({ where: { webhookId: webhook.id } })).toBe(0);
    } finally {
      await env.prisma.$executeRawUnsafe('DROP TRIGGER block_attempt_log');
    }
  }, 60_000);
});
