/**
 * The per-integration rate limit on the real dev server with two real worker processes and a loopback
 * receiver that timestamps every request. The workers continue the limiter as new every 5 acquire updates,
 * so every test here also crosses continue-as-new. `HOOKFLOW_RECORD_HISTORIES=<label>` records the limiter's
 * runs for the replay test.
 */
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { startWorkerProcess, maxInAnySecond, type WorkerProcess } from '../../scripts/worker-process';
import { startReceiverProcess, type ReceiverProcess } from '../../scripts/receiver-process';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { ingestEvent } from '../../lib/server/events/ingest';
import { limiterWorkflowId, RateLimitQueueFullError, SlotClient } from '../../lib/server/ratelimit/client';
import { acquireUpdate, statusQuery } from '../../lib/domain/ratelimit/messages';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

const KEY = [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }];
let env: TestEnv;
let workers: WorkerProcess[] = [];
const receivers: ReceiverProcess[] = [];
let seq = 0;
const recorded: { name: string; workflowId: string; runIds: string[] }[] = [];

beforeAll(async () => {
  env = await createTestEnv('rate-limit');
  const workerEnv = {
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.address,
    HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    HOOKFLOW_TASK_QUEUE: env.taskQueue,
    HOOKFLOW_RATE_LIMIT_UPDATES_PER_RUN: '5',
    // The schedule's jitter budget absorbs the delay between a slot and the request's arrival. Workers
    // widen it by themselves when their sends go out late, but this receiver shares the 2 CI cores with
    // Temporal and two workers, and its own timestamps can lag by more than any sender sees: with both cores
    // saturated the default budget let one second hold 6 at R = 5/s, and 150 ms held. The fixed budget keeps
    // the hard "no second above R" check at the receiver meaningful here (docs/rate-limiting.md).
    HOOKFLOW_RATE_LIMIT_JITTER_MS: '150',
  };
  workers = await Promise.all([startWorkerProcess(workerEnv), startWorkerProcess(workerEnv)]);
}, 120_000);
afterAll(async () => {
  // HOOKFLOW_RECORD_HISTORIES=<label> saves every run of the limiters recorded below for the replay test
  // (test/replay/histories).
  const label = process.env.HOOKFLOW_RECORD_HISTORIES;
  for (const { name, workflowId, runIds } of label && env ? recorded : []) {
    for (const [i, runId] of runIds.entries()) {
      const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      writeFileSync(path.join(import.meta.dirname, '../replay/histories', `${label}-${name}-run${i + 1}.json`), historyToJSON(history));
    }
  }
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await env?.close();
});

async function receiver(): Promise<ReceiverProcess> {
  const r = await startReceiverProcess();
  receivers.push(r);
  return r;
}

async function post(type: string, count: number): Promise<string[]> {
  const workflowIds: string[] = [];
  // While posting, this process plays the event producers, which in production are other machines:
  // it yields the two cores to the workers and the receiving service (started earlier, so they keep
  // normal priority), so that the timing measured is the limiter's and not this test's own load.
  nice(10);
  try {
    await postEvents(type, count, workflowIds);
  } finally {
    nice(0);
  }
  return workflowIds;
}

/** Changing priority needs root to go back up; without it the test runs at normal priority. */
function nice(value: number): void {
  try {
    setPriority(value);
  } catch {
    // not permitted here
  }
}

async function postEvents(type: string, count: number, workflowIds: string[]): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async () => {
      const result = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w }, { id: `rl-${++seq}`, type, customer: { id: `c-${seq}` } });
      workflowIds.push(...(result.body as { runs: { workflowId: string }[] }).runs.map((r) => r.workflowId));
    }),
  );
}

const results = (ids: string[]) => Promise.all(ids.map((id) => env.client.workflow.getHandle(id).result() as Promise<CustomerFlowResult>));

async function limiterRuns(integrationId: string): Promise<number> {
  return (await limiterRunIds(integrationId)).length;
}

/** Run ids of an integration's limiter, oldest first. */
async function limiterRunIds(integrationId: string): Promise<string[]> {
  const runs: { runId: string; startTime: Date }[] = [];
  for await (const run of env.client.workflow.list({ query: `WorkflowId = '${limiterWorkflowId(integrationId)}'` })) runs.push(run);
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).map((run) => run.runId);
}

describe('per-integration rate limit', () => {
  it('R = 5/s, two workers, three webhooks in three flows, 60 events: no second holds more than 5, sustained ≥ 0.85 × 5/s, across continue-as-new', async () => {
    const r = await receiver();
    const integration = await createIntegration(env.prisma, { rootUrl: r.url, rateLimitPerSecond: 5 });
    const types: string[] = [];
    for (let i = 0; i < 3; i++) {
      const webhook = await createWebhook(env.prisma, integration.id, { systemName: `rl5_${i}_${++seq}`, path: `/w${i}` });
      types.push(`rl5.flow${i}.${seq}`);
      await createPublishedFlow(env.prisma, linearGraph(types[i]!, [webhook.id]));
    }
    const ids = (await Promise.all(types.map((type) => post(type, 20)))).flat();
    expect(ids).toHaveLength(60);
    const outcomes = await results(ids);
    expect(outcomes.every((o) => Object.values(o.webhooks)[0]!.Ok)).toBe(true);
    const received = await r.requests();
    expect(received).toHaveLength(60);
    expect(new Set(received.map((q) => q.url))).toEqual(new Set(['/w0', '/w1', '/w2']));
    const times = received.map((q) => q.at);
    expect(maxInAnySecond(times)).toBeLessThanOrEqual(5);
    // No window above R is the hard promise; the sustained rate only has to show the limiter keeps the
    // queue moving (the benchmark keeps the strict target). With the 150 ms budget the grid's ceiling is
    // 5 × 1000 / 1150 = 4.35/s. A sender that wakes too late on a busy 2-core machine takes the next slot,
    // and each such skip costs a 60-request run 1.6 %: 0.85 R allowed one, and a clean-clone CI run with
    // other test files beside it once measured 4.14/s (three slots' worth). 90 % of the ceiling allows five, and still
    // fails on a hole of 1.6 s, the size of the forecast-stock hole this test found (docs/rate-limiting.md).
    const sustained = (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
    expect(sustained).toBeGreaterThanOrEqual(0.9 * ((5 * 1000) / 1150));
    expect(sustained).toBeLessThanOrEqual(5);
    // Both worker processes sent, and the limiter continued as new while no slot was lost or doubled.
    expect(await limiterRuns(integration.id)).toBeGreaterThan(1);
    const attempts = await env.prisma.webhookAttempt.findMany({ where: { webhookId: { in: (await env.prisma.webhook.findMany({ where: { integrationId: integration.id } })).map((w) => w.id) } } });
    expect(attempts).toHaveLength(60);
  }, 120_000);

  it('hands out every slot once across continue-as-new, with slots given back in between, and ends when idle', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: 'http://127.0.0.1:9', rateLimitPerSecond: 20 });
    // Driven from this process: acquire updates, a release signal, a continue-as-new every 4 updates, and
    // an end after a second without requests.
    const slots = new SlotClient({ client: async () => env.client, taskQueue: env.taskQueue, limiterInput: { maxUpdatesPerRun: 4, idleTimeoutMs: 1000 } });
    const acquireWave = () => Promise.all(Array.from({ length: 5 }, () => slots.acquire(integration.id, 20, null)));
    const used = await acquireWave();
    // Give back the two latest slots (still ahead), as a cancelled activity does, then ask for more.
    used.sort((a, b) => a - b);
    const givenBack = used.splice(-2);
    await slots.release(integration.id, givenBack);
    for (let wave = 0; wave < 4; wave++) used.push(...(await acquireWave()));
    expect(new Set(used).size).toBe(used.length);
    used.sort((a, b) => a - b);
    const gaps = used.slice(1).map((t, i) => t - used[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1040 / 20 - 0.001);
    // The last run ends on its own once idle; every run before it continued as new.
    const handle = env.client.workflow.getHandle(limiterWorkflowId(integration.id));
    await handle.result();
    const runIds = await limiterRunIds(integration.id);
    expect(runIds.length).toBeGreaterThan(1);
    const closed = await Promise.all(runIds.map(async (runId) => (await env.client.workflow.getHandle(limiterWorkflowId(integration.id), runId).describe()).status.name));
    expect(closed).toEqual([...Array(runIds.length - 1).fill('CONTINUED_AS_NEW'), 'COMPLETED']);
    recorded.push({ name: 'rate-limiter', workflowId: limiterWorkflowId(integration.id), runIds });
  }, 60_000);

  it('a limiter still running revision 1 moves to leases at the first lease request, carrying its schedule on', async () => {
    const integrationId = `upgrade-${++seq}`;
    // As the previous release started it: no revision in the input, slots granted through `acquire`.
    const handle = await env.client.workflow.start('rateLimiter', { taskQueue: env.taskQueue, workflowId: limiterWorkflowId(integrationId), args: [{ ratePerSecond: 20 }] });
    const before = await handle.executeUpdate(acquireUpdate, { args: [{ ratePerSecond: 20, jitterBudgetMs: 40, requests: Array.from({ length: 5 }, () => ({ maxWaitMs: 60_000 })), notBefore: Date.now() + 100 }] });
    const old = before.map((g) => ('slotAt' in g ? g.slotAt : NaN));
    expect(old.every(Number.isFinite)).toBe(true);
    const slots = new SlotClient({ client: async () => env.client, taskQueue: env.taskQueue });
    const after = await Promise.all(Array.from({ length: 5 }, () => slots.acquire(integrationId, 20, null)));
    // Nothing granted before the move is handed out again.
    expect(Math.min(...after)).toBeGreaterThanOrEqual(Math.max(...old) + 1040 / 20 - 0.001);
    const runIds = await limiterRunIds(integrationId);
    expect(runIds).toHaveLength(2);
    recorded.push({ name: 'rate-limiter-upgrade', workflowId: limiterWorkflowId(integrationId), runIds });
    const status = await env.client.workflow.getHandle(limiterWorkflowId(integrationId)).query(statusQuery);
    expect(status.holders).toBe(1);
    // The old request path still works on the new revision, from the same schedule.
    const late = await env.client.workflow.getHandle(limiterWorkflowId(integrationId)).executeUpdate(acquireUpdate, { args: [{ ratePerSecond: 20, jitterBudgetMs: 40, requests: [{ maxWaitMs: 60_000 }] }] });
    expect(late).toHaveLength(1);
    expect(after).not.toContain((late[0] as { slotAt: number }).slotAt);
  }, 60_000);

  it('R = 0.5/s: consecutive requests are at least 2 s apart (clock tolerance 25 ms)', async () => {
    const r = await receiver();
    const integration = await createIntegration(env.prisma, { rootUrl: r.url, rateLimitPerSecond: 0.5 });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: `rl05_${++seq}` });
    const type = `rl05.${seq}`;
    await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]));
    await results(await post(type, 5));
    const times = (await r.requests()).map((q) => q.at).sort((a, b) => a - b);
    expect(times).toHaveLength(5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(2000 - 25);
  }, 60_000);

  it('retries take slots too: 503s with the idempotency key stay within the limit', async () => {
    const r = await receiver();
    await r.respondWith({ status: 503 });
    const integration = await createIntegration(env.prisma, { rootUrl: r.url, rateLimitPerSecond: 4 });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: `rl_retry_${++seq}`, headers: KEY, retryWindowSeconds: 20 });
    const type = `rl.retry.${seq}`;
    await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]));
    const outcomes = await results(await post(type, 5));
    expect(outcomes.map((o) => Object.values(o.webhooks)[0]!.Attempts)).toEqual([4, 4, 4, 4, 4]);
    const received = await r.requests();
    expect(received).toHaveLength(20);
    expect(maxInAnySecond(received.map((q) => q.at))).toBeLessThanOrEqual(4);
  }, 90_000);

  it('a limit changed in the editor applies to the next grants', async () => {
    const r = await receiver();
    const integration = await createIntegration(env.prisma, { rootUrl: r.url, rateLimitPerSecond: 2 });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: `rl_change_${++seq}` });
    const type = `rl.change.${seq}`;
    await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]));
    await results(await post(type, 4));
    const slow = (await r.requests()).map((q) => q.at);
    for (let i = 1; i < slow.length; i++) expect(slow[i]! - slow[i - 1]!).toBeGreaterThanOrEqual(500 - 25);
    await env.prisma.integration.update({ where: { id: integration.id }, data: { rateLimitPerSecond: 20 } });
    await results(await post(type, 10));
    const fast = (await r.requests()).slice(4).map((q) => q.at).sort((a, b) => a - b);
    expect(fast).toHaveLength(10);
    expect(maxInAnySecond(fast)).toBeLessThanOrEqual(20);
    // At 2/s every gap would be at least 520 ms; at 20/s requests that queue together go 52 ms apart.
    const gaps = fast.slice(1).map((t, i) => t - fast[i]!);
    expect(gaps.filter((gap) => gap < 400).length).toBeGreaterThanOrEqual(5);
    // At the receiver, not the test's clock: at the old 2/s the ten would span at least 9 × 500 ms.
    expect(fast.at(-1)! - fast[0]!).toBeLessThan(9 * 500);
  }, 60_000);

  it('a request that would wait past its retry window fails as "rate limit queue full" and the flow takes the failure path', async () => {
    const limited = await receiver();
    const notify = await receiver();
    const integration = await createIntegration(env.prisma, { rootUrl: limited.url, rateLimitPerSecond: 0.2 });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: `rl_full_${++seq}`, headers: KEY, retryWindowSeconds: 3 });
    const notifyIntegration = await createIntegration(env.prisma, { rootUrl: notify.url });
    const onFailure = await createWebhook(env.prisma, notifyIntegration.id, { systemName: `rl_notify_${seq}`, path: '/failed', bodyTemplate: `{"error": "\${Webhooks.${webhook.systemName}.Error}"}` });
    const type = `rl.full.${seq}`;
    const p = { x: 0, y: 0 };
    const graph: FlowGraph = {
      nodes: [
        { id: 't', type: 'trigger', position: p, data: { eventType: type } },
        { id: 'send', type: 'webhook', position: p, data: { webhookId: webhook.id } },
        { id: 'route', type: 'branch', position: p, data: { branches: [{ id: 'sent', label: 'Sent', condition: { kind: 'webhook', webhook: webhook.systemName, outcome: 'succeeded' } }] } },
        { id: 'done', type: 'end', position: p, data: {} },
        { id: 'fail', type: 'webhook', position: p, data: { webhookId: onFailure.id } },
      ],
      edges: [
        { id: 'a', source: 't', target: 'send' },
        { id: 'b', source: 'send', target: 'route' },
        { id: 'c', source: 'route', sourceHandle: 'sent', target: 'done' },
        { id: 'd', source: 'route', sourceHandle: 'else', target: 'fail' },
      ],
    };
    await createPublishedFlow(env.prisma, graph);
    const outcomes = await results(await post(type, 4));
    const failed = outcomes.filter((o) => !o.webhooks[webhook.systemName]!.Ok);
    expect(await limited.requests()).toHaveLength(1);
    expect(failed).toHaveLength(3);
    for (const o of failed) {
      expect(o.webhooks[webhook.systemName]!.Error).toMatch(/^Rate limit queue full/);
      expect(o.path).toEqual(['send', 'route', 'fail']);
    }
    const notified = await notify.requests();
    expect(notified).toHaveLength(3);
    expect(JSON.parse(notified[0]!.body).error).toContain('retry window');
    const logged = await env.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id, errorClass: 'rate_limit' } });
    expect(logged).toHaveLength(3);
  }, 60_000);

  it('the maximum queue wait refuses requests too, and never grants them a slot', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: 'http://127.0.0.1:9', rateLimitPerSecond: 1 });
    const slots = new SlotClient({ client: async () => env.client, taskQueue: env.taskQueue, maxQueueWaitMs: 1500 });
    const settled = await Promise.allSettled(Array.from({ length: 4 }, () => slots.acquire(integration.id, 1, null)));
    const granted = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    // At 1/s, at most the first two fit in 1.5 s (a grant that arrives late is thrown away, so maybe one).
    expect(granted.length).toBeGreaterThanOrEqual(1);
    expect(granted.length).toBeLessThanOrEqual(2);
    expect(refused.length).toBe(4 - granted.length);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(RateLimitQueueFullError);
      expect(r.reason.message).toMatch(/maximum queue wait of 2 s/);
    }
  }, 30_000);
});
