/**
 * hookflowWorkerPlugin on real parts: a worker made of nothing but the plugin, on a task queue of its own,
 * runs a flow end to end to a loopback receiver (secrets decrypted in the activity only); a worker with
 * workflows of its own gets Hookflow's next to them in one bundle; and the plugin refuses what it cannot do,
 * saying why. (The replay test replays through the plugin too: test/integration/replay.test.ts.)
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnection, Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { hookflowWorkerPlugin, loadHookflowSettings } from 'hookflow/temporal';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { ingestEvent } from '../../lib/server/events/ingest';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

const require = createRequire(import.meta.url);
const SECRET = 'Bearer plugin-secret-value-1234';
let env: TestEnv;
let receiver: Receiver;
let connection: NativeConnection;
let seq = 0;

beforeAll(async () => {
  env = await createTestEnv('plugin');
  receiver = await startReceiver();
  connection = await NativeConnection.connect({ address: env.address });
});
afterAll(async () => {
  await connection?.close();
  await receiver?.close();
  await env?.close();
});

/** A published flow (trigger → one webhook with a secret header) on an event type of its own. */
async function flowToReceiver(): Promise<string> {
  const eventType = `plugin.test.${++seq}`;
  const integration = await createIntegration(env.prisma, { rootUrl: receiver.url, headers: [{ name: 'Authorization', value: SECRET, secret: true }], secretKey: env.secretKey() });
  const webhook = await createWebhook(env.prisma, integration.id, { systemName: `notify_${seq}`, path: '/notify', bodyTemplate: '{"event":"${Event.Id}","customer":"${Customer.Id}"}' });
  await createPublishedFlow(env.prisma, linearGraph(eventType, [webhook.id]));
  return eventType;
}

/** Sends an event for Hookflow's runs to start on `taskQueue`; answers each run's workflow id and result. */
async function runEvent(taskQueue: string, eventType: string) {
  const id = `plugin-event-${seq}-${Date.now()}`;
  const ingested = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue, workflowUrl: (w) => w }, { id, type: eventType, customer: { id: 'c-plugin' } });
  expect(ingested.status).toBe(202);
  if (ingested.status !== 202) throw new Error('not accepted');
  expect(ingested.body.runs).toHaveLength(1);
  const workflowId = ingested.body.runs[0]!.workflowId;
  return { id, workflowId, result: (await env.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult };
}

describe('a worker made from scratch with only the plugin', () => {
  const taskQueue = () => `custom-${env.taskQueue}`;
  let worker: Worker;
  let run: Promise<void>;
  beforeAll(async () => {
    const settings = { ...loadHookflowSettings(), HOOKFLOW_DISPATCH_INTERVAL_MS: 300 };
    worker = await Worker.create({ connection, taskQueue: taskQueue(), plugins: [hookflowWorkerPlugin({ database: env.prisma, secretKey: env.secretKey, settings })] });
    run = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await run?.catch(() => undefined);
  });

  it('runs a flow end to end on its own task queue; the secret reaches the receiver and never the history', async () => {
    const eventType = await flowToReceiver();
    const before = receiver.requests.length;
    const { id, workflowId, result } = await runEvent(taskQueue(), eventType);
    expect(Object.values(result.webhooks)).toEqual([expect.objectContaining({ Ok: true, Status: 200 })]);
    const delivered = receiver.requests.slice(before);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]!.body)).toEqual({ event: id, customer: 'c-plugin' });
    expect(delivered[0]!.headers.authorization).toBe(SECRET);
    const history = historyToJSON(await env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history).toContain(id);
    expect(history).not.toContain('plugin-secret-value');
    const stored = await env.prisma.run.findUniqueOrThrow({ where: { workflowId } });
    expect(stored.status).toBe('completed');
  });

  it('starts a run stored while Temporal was unreachable', async () => {
    const eventType = await flowToReceiver();
    const unreachable = async (): Promise<never> => {
      throw new Error('Temporal is down');
    };
    const ingested = await ingestEvent({ prisma: env.prisma, client: unreachable, taskQueue: taskQueue(), workflowUrl: (w) => w }, { id: `pending-${seq}`, type: eventType, customer: { id: 'c-pending' } });
    expect(ingested.status === 202 && ingested.body.pending).toBe(true);
    await expect.poll(async () => (await env.prisma.run.findFirst({ where: { eventId: `pending-${seq}` } }))?.status).toBe('completed');
    expect(receiver.requests.filter((r) => r.body.includes(`pending-${seq}`))).toHaveLength(1);
  });
});

describe('a worker with workflows of its own', () => {
  it('bundles its workflows and Hookflow\'s together, and runs both', async () => {
    const taskQueue = `own-${env.taskQueue}`;
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('../support/own-workflows.ts'),
      plugins: [hookflowWorkerPlugin({ database: env.prisma, secretKey: env.secretKey, nexus: false, dispatchPendingRuns: false })],
    });
    const eventType = await flowToReceiver();
    await worker.runUntil(async () => {
      const greeting = await env.client.workflow.execute('greet', { taskQueue, workflowId: `greet-${env.taskQueue}`, args: ['team'] });
      expect(greeting).toBe('hello team');
      const { result } = await runEvent(taskQueue, eventType);
      expect(Object.values(result.webhooks)).toEqual([expect.objectContaining({ Ok: true })]);
    });
  });
});

describe('what the plugin refuses', () => {
  const plugin = () => hookflowWorkerPlugin({ database: env.prisma, secretKey: env.secretKey, workflowBundlePath: '/nonexistent/bundle.js' });

  it('a prebuilt Hookflow bundle on a worker that has workflows of its own', async () => {
    await expect(Worker.create({ connection, taskQueue: 'refused-1', workflowsPath: require.resolve('../support/own-workflows.ts'), plugins: [plugin()] })).rejects.toThrow(
      /has workflows of its own, so Hookflow cannot use its prebuilt bundle/,
    );
  });

  it('activities named like Hookflow\'s', async () => {
    await expect(
      Worker.create({ connection, taskQueue: 'refused-2', activities: { sendWebhook: async () => undefined }, plugins: [hookflowWorkerPlugin({ database: env.prisma, secretKey: env.secretKey })] }),
    ).rejects.toThrow(/already has activities named sendWebhook/);
  });
});
