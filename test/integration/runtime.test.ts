/**
 * The flow runtime on the time-skipping test server, a real worker, SQLite and loopback receivers that
 * answer scripted status sequences: the idempotency retry rule, failures routed by branches, captured
 * fields, JSON escaping end to end, and version pinning. The test server ignores `nextRetryDelay`, so
 * Retry-After's delay is checked on the real dev server (retry-after.test.ts).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTimeSkippingEnv, type TimeSkippingEnv } from '../support/time-skipping';
import { startReceiver, type Receiver, type ReceiverResponse } from '../../scripts/receiver';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { freePort } from '../../scripts/ports';
import { ingestEvent } from '../../lib/server/events/ingest';
import { publishFlow } from '../../lib/server/flows/publish';
import type { FlowGraph } from '../../lib/domain/flow/graph';

const KEY_HEADER = [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }];
let t: TimeSkippingEnv;
let receivers: Receiver[] = [];
let seq = 0;

beforeAll(async () => {
  t = await createTimeSkippingEnv('runtime');
});
const toRecord: [string, string][] = [];

afterAll(async () => {
  // HOOKFLOW_RECORD_HISTORIES=<label> saves these runs' histories for the replay test (test/replay/).
  const label = process.env.HOOKFLOW_RECORD_HISTORIES;
  if (label && t) {
    for (const [name, workflowId] of toRecord) {
      const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(path.join(import.meta.dirname, '../replay/histories', `${label}-${name}.json`), historyToJSON(history));
    }
  }
  await t?.close();
});
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function scriptedReceiver(responses: ReceiverResponse[]): Promise<Receiver> {
  const receiver = await startReceiver();
  receiver.respond = (_request, index) => responses[index] ?? { status: 200, body: '{}' };
  receivers.push(receiver);
  return receiver;
}

/** One integration + one webhook + a published trigger → webhook flow; returns the event type. */
async function singleWebhookFlow(rootUrl: string, webhook: Parameters<typeof createWebhook>[2], integration: { requestTimeoutMs?: number } = {}) {
  const eventType = `test.single.${++seq}`;
  const created = await createIntegration(t.prisma, { rootUrl, ...integration });
  const hook = await createWebhook(t.prisma, created.id, webhook);
  await createPublishedFlow(t.prisma, linearGraph(eventType, [hook.id]));
  return eventType;
}

async function attemptsOf(workflowId: string) {
  return t.prisma.webhookAttempt.findMany({ where: { run: { workflowId } }, orderBy: { attempt: 'asc' } });
}

const event = (type: string, extra: Record<string, unknown> = {}) => ({ id: `evt-${++seq}`, type, customer: { id: 'c-1', email: 'ada@example.com' }, ...extra });

describe('idempotency retry rule', () => {
  it('with the key: 503, 503, 503, 200 → 4 attempts, one TransactionalId, the last within 6 minutes, Ok', async () => {
    const receiver = await scriptedReceiver([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: '{"done":true}' }]);
    const type = await singleWebhookFlow(receiver.url, { systemName: `ok_after_retries_${seq}`, headers: KEY_HEADER, bodyTemplate: '{"id": "${WebhookRequest.TransactionalId}"}' });
    const [run] = await t.runEvent(event(type));
    const outcome = Object.values(run!.result.webhooks)[0]!;
    expect(outcome).toMatchObject({ Ok: true, Status: 200, Attempts: 4, Body: { done: true } });
    expect(receiver.requests).toHaveLength(4);
    const ids = new Set(receiver.requests.map((r) => r.headers['idempotency-key']));
    expect(ids.size).toBe(1);
    expect(receiver.requests.map((r) => JSON.parse(r.body).id)).toEqual(Array(4).fill([...ids][0]));
    const attempts = await attemptsOf(run!.workflowId);
    expect(attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([[1, 503], [2, 503], [3, 503], [4, 200]]);
    const span = attempts[3]!.scheduledAt!.getTime() - attempts[0]!.scheduledAt!.getTime();
    expect(span).toBeGreaterThan(0);
    expect(span).toBeLessThanOrEqual(6 * 60 * 1000);
    expect(new Set(attempts.map((a) => a.transactionalId)).size).toBe(1);
  });

  it('with the key: 503 four times → 4 attempts, Ok false, and the branch takes the failure path', async () => {
    const receiver = await scriptedReceiver([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    const notify = await scriptedReceiver([]);
    const eventType = `test.branch.${++seq}`;
    const integration = await createIntegration(t.prisma, { rootUrl: receiver.url });
    const failing = await createWebhook(t.prisma, integration.id, { systemName: `always_503_${seq}`, headers: KEY_HEADER });
    const notifyIntegration = await createIntegration(t.prisma, { rootUrl: notify.url });
    const onOk = await createWebhook(t.prisma, notifyIntegration.id, { systemName: `notify_ok_${seq}`, path: '/ok' });
    const onFail = await createWebhook(t.prisma, notifyIntegration.id, {
      systemName: `notify_fail_${seq}`,
      path: '/failed',
      bodyTemplate: `{"status": \${Webhooks.always_503_${seq}.Status}, "error": "\${Webhooks.always_503_${seq}.Error}", "attempts": \${Webhooks.always_503_${seq}.Attempts}}`,
    });
    const p = { x: 0, y: 0 };
    const graph: FlowGraph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: p, data: { eventType } },
        { id: 'send', type: 'webhook', position: p, data: { webhookId: failing.id } },
        { id: 'route', type: 'branch', position: p, data: { branches: [{ id: 'ok', label: 'Delivered', condition: { kind: 'webhook', webhook: failing.systemName, outcome: 'succeeded' } }] } },
        { id: 'ok', type: 'webhook', position: p, data: { webhookId: onOk.id } },
        { id: 'fail', type: 'webhook', position: p, data: { webhookId: onFail.id } },
      ],
      edges: [
        { id: 'a', source: 'trigger', target: 'send' },
        { id: 'b', source: 'send', target: 'route' },
        { id: 'c', source: 'route', sourceHandle: 'ok', target: 'ok' },
        { id: 'd', source: 'route', sourceHandle: 'else', target: 'fail' },
      ],
    };
    await createPublishedFlow(t.prisma, graph);
    const [run] = await t.runEvent(event(eventType));
    expect(receiver.requests).toHaveLength(4);
    expect(run!.result.webhooks[failing.systemName]).toMatchObject({ Ok: false, Status: 503, Attempts: 4 });
    expect(run!.result.path).toEqual(['send', 'route', 'fail']);
    toRecord.push(['retries-failure-branch', run!.workflowId]);
    expect(notify.requests.map((r) => r.url)).toEqual(['/failed']);
    expect(JSON.parse(notify.requests[0]!.body)).toMatchObject({ status: 503, attempts: 4, error: expect.stringContaining('503') });
    const stored = await t.prisma.run.findUniqueOrThrow({ where: { workflowId: run!.workflowId } });
    expect(stored.status).toBe('completed');
  });

  it('without the key: 503 → exactly 1 attempt', async () => {
    const receiver = await scriptedReceiver([{ status: 503 }, { status: 200 }]);
    const type = await singleWebhookFlow(receiver.url, { systemName: `no_key_${seq}`, bodyTemplate: '{"a": 1}' });
    const [run] = await t.runEvent(event(type));
    expect(Object.values(run!.result.webhooks)[0]).toMatchObject({ Ok: false, Status: 503, Attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('404 with the key → 1 attempt', async () => {
    const receiver = await scriptedReceiver([{ status: 404 }, { status: 200 }]);
    const type = await singleWebhookFlow(receiver.url, { systemName: `not_found_${seq}`, headers: KEY_HEADER });
    const [run] = await t.runEvent(event(type));
    expect(Object.values(run!.result.webhooks)[0]).toMatchObject({ Ok: false, Status: 404, Attempts: 1, Error: expect.stringContaining('404') });
    expect(receiver.requests).toHaveLength(1);
  });

  it('Retry-After past the retry window ends the retries with a clear error', async () => {
    const receiver = await scriptedReceiver([{ status: 503, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    const type = await singleWebhookFlow(receiver.url, { systemName: `retry_after_long_${seq}`, headers: KEY_HEADER });
    const [run] = await t.runEvent(event(type));
    expect(Object.values(run!.result.webhooks)[0]).toMatchObject({ Ok: false, Attempts: 1, Error: expect.stringContaining('past the end of the retry window') });
    expect(receiver.requests).toHaveLength(1);
  });

  it('connection refused: retried with the key, not without', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const withKey = await singleWebhookFlow(closed, { systemName: `refused_key_${seq}`, headers: KEY_HEADER });
    const [retried] = await t.runEvent(event(withKey));
    expect(Object.values(retried!.result.webhooks)[0]).toMatchObject({ Ok: false, Status: null, Attempts: 4, Error: expect.stringContaining('Connection refused') });
    expect((await attemptsOf(retried!.workflowId)).map((a) => a.errorClass)).toEqual(['connection', 'connection', 'connection', 'connection']);

    const withoutKey = await singleWebhookFlow(closed, { systemName: `refused_nokey_${seq}` });
    const [once] = await t.runEvent(event(withoutKey));
    expect(Object.values(once!.result.webhooks)[0]).toMatchObject({ Ok: false, Attempts: 1 });
    expect(await attemptsOf(once!.workflowId)).toHaveLength(1);
  });

  it('timeouts: retried with the key, not without', async () => {
    const slow = await scriptedReceiver(Array(8).fill({ status: 200, delayMs: 1500 }));
    const withKey = await singleWebhookFlow(slow.url, { systemName: `slow_key_${seq}`, headers: KEY_HEADER }, { requestTimeoutMs: 300 });
    const [retried] = await t.runEvent(event(withKey));
    expect(Object.values(retried!.result.webhooks)[0]).toMatchObject({ Ok: false, Attempts: 4, Error: expect.stringContaining('did not answer within 0.3 s') });
    expect((await attemptsOf(retried!.workflowId)).map((a) => a.errorClass)).toEqual(['timeout', 'timeout', 'timeout', 'timeout']);

    const withoutKey = await singleWebhookFlow(slow.url, { systemName: `slow_nokey_${seq}` }, { requestTimeoutMs: 300 });
    const [once] = await t.runEvent(event(withoutKey));
    expect(Object.values(once!.result.webhooks)[0]).toMatchObject({ Ok: false, Attempts: 1 });
  });

  it('per-webhook settings tighten the rule: 1 retry within 10 s', async () => {
    const receiver = await scriptedReceiver([{ status: 500 }, { status: 500 }, { status: 200 }]);
    const type = await singleWebhookFlow(receiver.url, { systemName: `tight_${seq}`, headers: KEY_HEADER, maxRetries: 1, retryWindowSeconds: 10 });
    const [run] = await t.runEvent(event(type));
    expect(Object.values(run!.result.webhooks)[0]).toMatchObject({ Ok: false, Attempts: 2 });
    const attempts = await attemptsOf(run!.workflowId);
    expect(attempts[1]!.scheduledAt!.getTime() - attempts[0]!.scheduledAt!.getTime()).toBeLessThanOrEqual(10_000);
  });

  it('a template error is not retried and the run goes on', async () => {
    const receiver = await scriptedReceiver([]);
    const type = await singleWebhookFlow(receiver.url, { systemName: `bad_template_${seq}`, headers: KEY_HEADER, bodyTemplate: '{"n": ${Event.Data.missing | nope}}' });
    const [run] = await t.runEvent(event(type));
    expect(Object.values(run!.result.webhooks)[0]).toMatchObject({ Ok: false, Attempts: 1, Error: expect.stringContaining('Template error in Body') });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('captured responses and escaping', () => {
  it('a captured field routes a branch and appears in the next webhook’s body', async () => {
    const crm = await scriptedReceiver([{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":{"tier":"gold","points":1200}}' }]);
    const next = await scriptedReceiver([]);
    const eventType = `test.capture.${++seq}`;
    const crmIntegration = await createIntegration(t.prisma, { rootUrl: crm.url });
    const lookup = await createWebhook(t.prisma, crmIntegration.id, { systemName: `crm_lookup_${seq}`, method: 'GET', path: '/customers/${Customer.Id}', captureFields: [{ name: 'tier', path: '$.data.tier' }, { name: 'points', path: 'data.points' }] });
    const nextIntegration = await createIntegration(t.prisma, { rootUrl: next.url });
    const gold = await createWebhook(t.prisma, nextIntegration.id, { systemName: `gold_offer_${seq}`, path: '/gold', bodyTemplate: `{"tier": "\${Webhooks.${lookup.systemName}.Fields.tier}", "points": \${Webhooks.${lookup.systemName}.Fields.points}}` });
    const other = await createWebhook(t.prisma, nextIntegration.id, { systemName: `other_offer_${seq}`, path: '/other' });
    const p = { x: 0, y: 0 };
    await createPublishedFlow(t.prisma, {
      nodes: [
        { id: 'trigger', type: 'trigger', position: p, data: { eventType } },
        { id: 'lookup', type: 'webhook', position: p, data: { webhookId: lookup.id } },
        { id: 'tier', type: 'branch', position: p, data: { branches: [{ id: 'gold', label: 'Gold', condition: { kind: 'field', path: `Webhooks.${lookup.systemName}.Fields.tier`, op: 'eq', value: 'gold' } }] } },
        { id: 'gold', type: 'webhook', position: p, data: { webhookId: gold.id } },
        { id: 'other', type: 'webhook', position: p, data: { webhookId: other.id } },
      ],
      edges: [
        { id: 'a', source: 'trigger', target: 'lookup' },
        { id: 'b', source: 'lookup', target: 'tier' },
        { id: 'c', source: 'tier', sourceHandle: 'gold', target: 'gold' },
        { id: 'd', source: 'tier', sourceHandle: 'else', target: 'other' },
      ],
    });
    const [run] = await t.runEvent({ id: `evt-${++seq}`, type: eventType, customer: { id: 'c/42' } });
    expect(crm.requests[0]!.url).toBe('/customers/c%2F42');
    expect(run!.result.path).toEqual(['lookup', 'tier', 'gold']);
    toRecord.push(['capture-branch', run!.workflowId]);
    expect(next.requests.map((r) => r.url)).toEqual(['/gold']);
    expect(JSON.parse(next.requests[0]!.body)).toEqual({ tier: 'gold', points: 1200 });
    expect(run!.result.webhooks[lookup.systemName]).toMatchObject({ Ok: true, Fields: { tier: 'gold', points: 1200 }, Body: { data: { tier: 'gold', points: 1200 } } });
  });

  it('customer data with quotes, backslashes, newlines, unicode and {{ }} arrives as valid JSON with the exact values', async () => {
    const receiver = await scriptedReceiver([]);
    const type = await singleWebhookFlow(receiver.url, {
      systemName: `escaping_${seq}`,
      bodyTemplate: '{"name": "${Customer.name}", "note": "Hi ${Customer.note}!", "tags": ${Customer.tags}, "raw": "{{ Event.Data.raw }}"}',
    });
    const nasty = 'Zoë "the \\ hacker"\n\t🚀 {{ 7*7 }} ${Customer.id} {% raw %}';
    await t.runEvent({ id: `evt-${++seq}`, type, customer: { id: 'c-9', name: nasty, note: '\u2028line\u2029', tags: ['a"b', '\\'] }, data: { raw: '</script>\u0000' } });
    expect(JSON.parse(receiver.requests[0]!.body)).toEqual({ name: nasty, note: 'Hi \u2028line\u2029!', tags: ['a"b', '\\'], raw: '</script>\u0000' });
  });
});

describe('waits', () => {
  it('a wait until 09:30 Europe/Berlin sends the next webhook at 09:30 there, on the server\'s clock', async () => {
    const receiver = await scriptedReceiver([]);
    const eventType = `test.time_of_day.${++seq}`;
    const integration = await createIntegration(t.prisma, { rootUrl: receiver.url });
    const hook = await createWebhook(t.prisma, integration.id, { systemName: `morning_${seq}`, path: '/morning' });
    const p = { x: 0, y: 0 };
    await createPublishedFlow(t.prisma, {
      nodes: [
        { id: 'trigger', type: 'trigger', position: p, data: { eventType } },
        { id: 'wait', type: 'wait', position: p, data: { mode: 'until', time: '09:30', timeZone: 'Europe/Berlin' } },
        { id: 'send', type: 'webhook', position: p, data: { webhookId: hook.id } },
      ],
      edges: [
        { id: 'a', source: 'trigger', target: 'wait' },
        { id: 'b', source: 'wait', target: 'send' },
      ],
    });
    const [run] = await t.runEvent(event(eventType));
    expect(run!.result.path).toEqual(['wait', 'send']);
    expect(receiver.requests.map((r) => r.url)).toEqual(['/morning']);
    toRecord.push(['wait-time-of-day', run!.workflowId]);
    // The time-skipping server moved its clock to the wait's end: the attempt was scheduled at 09:30 in Berlin,
    // at most a day (25 hours on the day clocks go back) after the run started. When the earlier tests of this
    // file ran first, the server's clock is far ahead (a run in 2126 was seen), at times on the eve of a
    // daylight-saving change: an offset taken from the start of the wait then ended it at 08:30.
    const [attempt] = await attemptsOf(run!.workflowId);
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(attempt!.scheduledAt!);
    expect(berlin).toBe('09:30');
    const started = (await t.env.client.workflow.getHandle(run!.workflowId).describe()).startTime.getTime();
    const waited = attempt!.scheduledAt!.getTime() - started;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(25 * 60 * 60 * 1000);
  });
});

describe('versions', () => {
  it('a run started on version 1 finishes on version 1 after version 2 is published', async () => {
    const receiver = await scriptedReceiver([]);
    const eventType = `test.version.${++seq}`;
    const integration = await createIntegration(t.prisma, { rootUrl: receiver.url });
    const v1Hook = await createWebhook(t.prisma, integration.id, { systemName: `v1_hook_${seq}`, path: '/v1' });
    const v2Hook = await createWebhook(t.prisma, integration.id, { systemName: `v2_hook_${seq}`, path: '/v2' });
    const p = { x: 0, y: 0 };
    const graph = (webhookId: string): FlowGraph => ({
      nodes: [
        { id: 'trigger', type: 'trigger', position: p, data: { eventType } },
        { id: 'wait', type: 'wait', position: p, data: { mode: 'duration', seconds: 3600 } },
        { id: 'send', type: 'webhook', position: p, data: { webhookId } },
      ],
      edges: [
        { id: 'a', source: 'trigger', target: 'wait' },
        { id: 'b', source: 'wait', target: 'send' },
      ],
    });
    const { flowId, versionId: v1 } = await createPublishedFlow(t.prisma, graph(v1Hook.id));
    const ingested = await ingestEvent({ prisma: t.prisma, client: async () => t.env.client, taskQueue: t.taskQueue, workflowUrl: (w) => w }, { id: `evt-${++seq}`, type: eventType, customer: { id: 'c-1' } });
    const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;

    await t.prisma.flow.update({ where: { id: flowId }, data: { draftGraph: graph(v2Hook.id) } });
    const v2 = await publishFlow(t.prisma, flowId);
    expect(v2).toMatchObject({ ok: true, version: 2 });

    await t.env.client.workflow.getHandle(workflowId).result();
    toRecord.push(['wait-webhook', workflowId]);
    expect(receiver.requests.map((r) => r.url)).toEqual(['/v1']);
    expect((await t.prisma.run.findUniqueOrThrow({ where: { workflowId } })).flowVersionId).toBe(v1);

    // New events run version 2.
    await t.runEvent({ id: `evt-${++seq}`, type: eventType, customer: { id: 'c-2' } });
    expect(receiver.requests.map((r) => r.url)).toEqual(['/v1', '/v2']);
  });
});
