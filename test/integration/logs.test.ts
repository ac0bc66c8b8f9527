/**
 * The webhook log on the time-skipping test server with a real worker, SQLite and a loopback receiver: what
 * each attempt records (filters, retry decisions, captured fields, the render context), the run's path and
 * the canvas counts written with its completion, every filter of the list with cursor pagination, the
 * detail's attempt chain, test sends, and a resend with the same TransactionalId.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createTimeSkippingEnv, type TimeSkippingEnv } from '../support/time-skipping';
import { startReceiver, type Receiver, type ReceiverResponse } from '../../scripts/receiver';
import { createIntegration, createPublishedFlow, createWebhook } from '../support/factory';
import { callerFor, userWithRole } from '../support/trpc';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import { FAILED_OUTCOMES } from '../../lib/domain/logs/outcome';

let t: TimeSkippingEnv;
let receiver: Receiver;
let developer: ReturnType<typeof callerFor>;
let marketer: ReturnType<typeof callerFor>;
let flowId: string;
let webhookId: string;
let integrationId: string;
let runId: string;
let failedRunId: string;
const TYPE = 'order.placed';

/** trigger → create_order (with the key, captures the order id) → branch on it → notify on success, End otherwise */
function graph(createId: string, notifyId: string): FlowGraph {
  return {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: TYPE } },
      { id: 'create', type: 'webhook', position: { x: 0, y: 100 }, data: { webhookId: createId } },
      { id: 'check', type: 'branch', position: { x: 0, y: 200 }, data: { branches: [{ id: 'made', label: 'Order made', condition: { kind: 'webhook', webhook: 'create_order', outcome: 'succeeded' } }] } },
      { id: 'notify', type: 'webhook', position: { x: 0, y: 300 }, data: { webhookId: notifyId } },
      { id: 'stop', type: 'end', position: { x: 200, y: 300 } },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'create' },
      { id: 'e2', source: 'create', target: 'check' },
      { id: 'e3', source: 'check', target: 'notify', sourceHandle: 'made' },
      { id: 'e4', source: 'check', target: 'stop', sourceHandle: 'else' },
    ],
  };
}

beforeAll(async () => {
  t = await createTimeSkippingEnv('logs');
  receiver = await startReceiver();
  const integration = await createIntegration(t.prisma, { rootUrl: receiver.url, headers: [{ name: 'Authorization', value: 'Bearer LOG-SECRET', secret: true }] });
  integrationId = integration.id;
  const create = await createWebhook(t.prisma, integration.id, {
    systemName: 'create_order',
    path: '/orders',
    headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }],
    bodyTemplate: '{"email": "${Customer.Email}"}',
    captureFields: [{ name: 'orderId', path: '$.order.id' }],
  });
  webhookId = create.id;
  const notify = await createWebhook(t.prisma, integration.id, { systemName: 'notify_team', path: '/notify' });
  flowId = (await createPublishedFlow(t.prisma, graph(create.id, notify.id), 'Orders')).flowId;
  developer = callerFor(t.prisma, await userWithRole(t.prisma, 'developer'));
  marketer = callerFor(t.prisma, await userWithRole(t.prisma, 'marketer'));
  // The two runs every test below reads, so that each test also runs alone: one succeeds after two 503s,
  // one fails with 500s and takes the else path.
  receiver.respond = (request, index): ReceiverResponse =>
    request.url === '/orders' && index < 2
      ? { status: 503, headers: { 'set-cookie': 'session=abc' }, body: 'busy' }
      : { status: 200, headers: { 'content-type': 'application/json' }, body: '{"order":{"id":"O-7"}}' };
  const [ok] = await t.runEvent({ id: 'evt-ok', type: TYPE, customer: { id: 'c-42', email: 'ada@example.com' } });
  runId = (await t.prisma.run.findFirstOrThrow({ where: { workflowId: ok!.workflowId } })).id;
  receiver.respond = () => ({ status: 500, body: 'down' });
  const [failed] = await t.runEvent({ id: 'evt-bad', type: TYPE, customer: { id: 'c-43' } });
  failedRunId = (await t.prisma.run.findFirstOrThrow({ where: { workflowId: failed!.workflowId } })).id;
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await t?.close();
});

describe('what a run records', () => {
  it('503, 503, 200: three attempts with their retry decisions, the capture, and the context on the first', async () => {
    const attempts = await t.prisma.webhookAttempt.findMany({ where: { runId }, orderBy: [{ nodeId: 'asc' }, { attempt: 'asc' }] });
    const create = attempts.filter((a) => a.nodeId === 'create');
    expect(create.map((a) => [a.attempt, a.outcome, a.maxAttempts])).toEqual([[1, '5xx', 4], [2, '5xx', 4], [3, '2xx', 4]]);
    expect(create.every((a) => a.flowId === flowId && a.customerExternalId === 'c-42' && a.eventId === 'evt-ok' && a.integrationId === integrationId && a.kind === null)).toBe(true);
    expect(create[0]!.retryDelayMs).toBe(20_000);
    expect(create[0]!.retryReason).toContain('backoff after attempt 1');
    expect(create[2]!.captured).toEqual({ orderId: 'O-7' });
    // The context is kept once per step, and holds no secret.
    expect(create.map((a) => a.context !== null)).toEqual([true, false, false]);
    expect(JSON.stringify(create[0]!.context)).not.toContain('LOG-SECRET');
    expect((create[0]!.context as { Customer: { Id: string } }).Customer.Id).toBe('c-42');
    // Secrets and cookies are masked in the log.
    expect(JSON.stringify(attempts)).not.toContain('LOG-SECRET');
    expect(create[0]!.responseHeaders).toMatchObject({ 'set-cookie': '••••••••' });
  });

  it('records the path with the completion, and adds it to the counts once', async () => {
    const run = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe('completed');
    expect(run.trace).toEqual({ path: ['create', 'check', 'notify'], outputs: { check: 'made' }, failed: [] });
    const failedRun = await t.prisma.run.findUniqueOrThrow({ where: { id: failedRunId } });
    // The failed webhook's branch and End ran after the last step with I/O: the activity walked them.
    expect(failedRun.trace).toEqual({ path: ['create', 'check', 'stop'], outputs: { check: 'else' }, failed: ['create'] });
    const counts = await marketer.logs.stepCounts({ flowId, range: '24h' });
    expect(counts.runs).toEqual({ entered: 2, succeeded: 2, failed: 0 });
    expect(counts.steps.create).toMatchObject({ entered: 2, succeeded: 1, failed: 1 });
    expect(counts.steps.check).toMatchObject({ entered: 2, outputs: { made: 1, else: 1 } });
    expect(counts.steps.notify).toMatchObject({ entered: 1, succeeded: 1 });
    expect(counts.steps.stop).toMatchObject({ entered: 1 });
    // A repeated completion (a retried local activity) does not count the run twice.
    const { recordRunStatus } = await import('../../lib/server/runs/attempts');
    await recordRunStatus(t.prisma, { runId, status: 'completed', flowId, trace: run.trace as never });
    expect((await marketer.logs.stepCounts({ flowId, range: '24h' })).runs.entered).toBe(2);
  });
});

describe('the path a run records when its last webhook step finishes it', () => {
  it('the activity walks the branches after it, as the workflow does', async () => {
    const integration = await createIntegration(t.prisma, { rootUrl: receiver.url });
    const hook = await createWebhook(t.prisma, integration.id, { systemName: 'tail_hook', path: '/tail' });
    const { flowId: tailFlow } = await createPublishedFlow(t.prisma, {
      nodes: [
        { id: 'tt', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'tail.test' } },
        { id: 'tw', type: 'webhook', position: { x: 0, y: 100 }, data: { webhookId: hook.id } },
        { id: 'tb', type: 'branch', position: { x: 0, y: 200 }, data: { branches: [{ id: 'sent', label: 'Sent', condition: { kind: 'webhook', webhook: 'tail_hook', outcome: 'succeeded' } }] } },
        { id: 'te1', type: 'end', position: { x: 0, y: 300 } },
        { id: 'te2', type: 'end', position: { x: 200, y: 300 } },
      ],
      edges: [
        { id: 'x1', source: 'tt', target: 'tw' },
        { id: 'x2', source: 'tw', target: 'tb' },
        { id: 'x3', source: 'tb', target: 'te1', sourceHandle: 'sent' },
        { id: 'x4', source: 'tb', target: 'te2', sourceHandle: 'else' },
      ],
    });
    const traceOf = async (id: string, status: number) => {
      receiver.respond = () => ({ status, body: '{}' });
      const [run] = await t.runEvent({ id, type: 'tail.test', customer: { id: 'c-tail' } });
      // The workflow's own path (its result) and the one recorded with the completion agree.
      const row = await t.prisma.run.findFirstOrThrow({ where: { workflowId: run!.workflowId } });
      expect(row.trace).toMatchObject({ path: run!.result.path });
      return row.trace;
    };
    expect(await traceOf('tail-ok', 200)).toEqual({ path: ['tw', 'tb', 'te1'], outputs: { tb: 'sent' }, failed: [] });
    expect(await traceOf('tail-bad', 400)).toEqual({ path: ['tw', 'tb', 'te2'], outputs: { tb: 'else' }, failed: ['tw'] });
    expect((await marketer.logs.stepCounts({ flowId: tailFlow, range: '24h' })).steps.tb).toMatchObject({ entered: 2, outputs: { sent: 1, else: 1 } });
    // These attempts are not the Orders flow's: the counts below are its own.
    await t.prisma.webhookAttempt.deleteMany({ where: { webhookId: hook.id } });
  });
});

describe('the counts over a range', () => {
  it('add up whole days from the daily rows and the hours at the ends from the hourly ones, exactly', async () => {
    const { stepCounts } = await import('../../lib/server/logs/counts');
    // 40 days of history, a different count every hour, written the way a finished run writes it.
    const base = Math.floor(Date.now() / 3_600_000) - 40 * 24;
    const hourly = Array.from({ length: 40 * 24 + 1 }, (_, i) => ({ hour: base + i, n: 1 + ((i * 7) % 5) }));
    const days = new Map<number, number>();
    for (const h of hourly) days.set(Math.floor(h.hour / 24), (days.get(Math.floor(h.hour / 24)) ?? 0) + h.n);
    await t.prisma.stepCount.createMany({
      data: [
        ...hourly.map((h) => ({ flowId: 'window', unit: 'h', bucket: h.hour, nodeId: 'x', entered: h.n })),
        ...[...days].map(([day, n]) => ({ flowId: 'window', unit: 'd', bucket: day, nodeId: 'x', entered: n })),
      ],
    });
    const last = hourly.at(-1)!.hour;
    // At the day's last hour, at its first, and in between; for each range.
    for (const now of [last, last - (last % 24), last - (last % 24) - 1, last - 5]) {
      for (const [range, hours] of [['24h', 24], ['7d', 168], ['30d', 720]] as const) {
        const expected = hourly.filter((h) => h.hour > now - hours && h.hour <= now).reduce((sum, h) => sum + h.n, 0);
        const counts = await stepCounts(t.prisma, 'window', range, now * 3_600_000 + 1_000);
        expect([now, range, counts.steps.x?.entered]).toEqual([now, range, expected]);
      }
    }
  });
});

describe('the list', () => {
  it('answers every filter, newest first', async () => {
    const all = await marketer.logs.list({});
    expect(all.rows.length).toBe(8); // 3 + 1 for the first run, 4 for the second (500 retried, then the else path)
    const times = all.rows.map((r) => r.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const ofCustomer = await marketer.logs.list({ customer: 'c-43' });
    expect(ofCustomer.rows.map((r) => [r.customerId, r.outcome, r.attempt, r.maxAttempts])).toEqual([
      ['c-43', '5xx', 4, 4],
      ['c-43', '5xx', 3, 4],
      ['c-43', '5xx', 2, 4],
      ['c-43', '5xx', 1, 4],
    ]);
    expect(ofCustomer.rows[0]).toMatchObject({ webhook: { name: 'create order', systemName: 'create_order' }, flow: { id: flowId, name: 'Orders', version: 1 }, integration: { id: integrationId } });
    expect(await ids({ outcome: '2xx' })).toHaveLength(2);
    expect(await ids({ outcome: FAILED_OUTCOMES.join(',') })).toHaveLength(6);
    expect(await ids({ webhook: 'notify_team' })).toHaveLength(1);
    expect(await ids({ webhook: webhookId })).toHaveLength(7);
    expect(await ids({ webhook: 'no_such_webhook' })).toEqual([]);
    expect(await ids({ integration: integrationId })).toHaveLength(8);
    expect(await ids({ flow: flowId, step: 'notify' })).toHaveLength(1);
    expect(await ids({ flow: flowId, passed: 'stop' })).toHaveLength(4);
    expect(await ids({ flow: flowId, passed: 'check', output: 'made' })).toHaveLength(4);
    expect(await ids({ event: 'evt-ok' })).toHaveLength(4);
    expect(await ids({ run: failedRunId })).toHaveLength(4);
    const tid = (await t.prisma.webhookAttempt.findFirstOrThrow({ where: { runId, nodeId: 'create' } })).transactionalId!;
    expect(await ids({ transactionalId: tid })).toHaveLength(3);
    expect(await ids({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await ids({ to: new Date(Date.now() + 60_000).toISOString() })).toHaveLength(8);
    expect(await ids({ test: 'true' })).toEqual([]);
  });

  it('pages with a cursor, without gaps or repeats, and refuses a cursor it did not make', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await marketer.logs.list({ limit: 4, cursor });
      seen.push(...result.rows.map((r) => r.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(await ids({}));
    await expect(marketer.logs.list({ cursor: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(marketer.logs.list({ outcome: '6xx' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('the detail, test sends and resend', () => {
  it('shows the step’s attempts in order with their retry decisions, and links', async () => {
    const [latest] = (await marketer.logs.list({ customer: 'c-42', step: 'create', flow: flowId })).rows;
    const detail = await marketer.logs.get({ id: latest!.id });
    expect(detail.chain.map((a) => [a.attempt, a.status])).toEqual([[1, 503], [2, 503], [3, 200]]);
    expect(detail.chain[0]!.retry).toMatchObject({ delayMs: 20_000 });
    expect(detail.entry.captured).toEqual({ orderId: 'O-7' });
    expect(detail.entry.request.headers).toEqual(expect.arrayContaining([{ name: 'Authorization', value: '••••••••', secret: true }]));
    expect(detail.entry.request.body).toBe('{"email": "ada@example.com"}');
    expect(detail.links).toMatchObject({ run: `/runs/${runId}`, flow: `/flows/${flowId}`, webhook: `/webhooks/${webhookId}`, temporal: expect.stringContaining('/workflows/') });
    expect(detail.resendBlocked).toMatch(/Only developers and admins/);
    expect((await developer.logs.get({ id: latest!.id })).resendBlocked).toBeNull();
  });

  it('a marketer cannot resend; a developer resends with the same TransactionalId, recorded as a manual resend', async () => {
    const [first] = (await marketer.logs.list({ customer: 'c-43' })).rows.slice(-1);
    await expect(marketer.logs.resend({ id: first!.id })).rejects.toBeInstanceOf(TRPCError);
    receiver.respond = () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"order":{"id":"O-8"}}' });
    const before = receiver.requests.length;
    const result = await developer.logs.resend({ id: first!.id });
    expect(result).toMatchObject({ status: 201, errorClass: null });
    const wire = receiver.requests[before]!;
    expect(wire.headers.authorization).toBe('Bearer LOG-SECRET');
    expect(wire.headers['idempotency-key']).toBe(first!.transactionalId);
    const resent = await t.prisma.webhookAttempt.findUniqueOrThrow({ where: { id: result.id } });
    expect(resent).toMatchObject({ kind: 'resend', resendOfId: first!.id, transactionalId: first!.transactionalId, actorEmail: expect.stringContaining('developer'), customerExternalId: 'c-43', outcome: '2xx', captured: { orderId: 'O-8' } });
    // It shows with the run it belongs to and in the step's chain, and can itself be resent.
    expect(await ids({ run: failedRunId })).toContain(result.id);
    const chain = (await marketer.logs.get({ id: result.id })).chain;
    expect(chain.map((a) => a.kind)).toEqual(['run', 'run', 'run', 'run', 'resend']);
    expect((await developer.logs.get({ id: result.id })).links.run).toBe(`/runs/${failedRunId}`);
    // The audit trail says who resent what.
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'attempt.resend', entityId: result.id } });
    expect(audit).toMatchObject({ entityType: 'attempt', entityName: 'create_order', actorLabel: expect.stringMatching(/^user .*developer/), details: { resendOf: first!.id, status: 201 } });
  });

  it('API keys made and revoked in Settings are in the audit trail, without the key', async () => {
    const { key, id } = await developer.apiKeys.create({ name: 'Audit me', scopes: ['logs:read'] });
    await developer.apiKeys.revoke({ id });
    const rows = await t.prisma.auditEvent.findMany({ where: { entityType: 'apikey', entityId: id }, orderBy: { at: 'asc' } });
    expect(rows.map((r) => [r.action, r.entityName])).toEqual([['apikey.create', 'Audit me'], ['apikey.revoke', 'Audit me']]);
    expect(rows.every((r) => r.actorLabel.startsWith('user ') && r.actorId !== null)).toBe(true);
    // hfk_<prefix>_<secret>: the secret is base64url, which may itself hold underscores.
    const secret = key.split('_').slice(2).join('_');
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('records test sends as tests, filterable', async () => {
    receiver.respond = () => ({ status: 200, body: '{}' });
    const webhook = await t.prisma.webhook.findUniqueOrThrow({ where: { id: webhookId } });
    await marketer.webhooks.testSend({
      webhookId,
      webhook: { ...webhook, method: 'POST', headers: webhook.headers as never, disabledHeaders: [], captureFields: [], captureEnabled: false, maxRetries: null, retryWindowSeconds: null },
      sample: { customer: { id: 'c-sample', email: 'x@example.com' }, event: { type: 'sample', data: {} }, webhooks: {} },
    });
    const tests = await marketer.logs.list({ test: 'true' });
    expect(tests.rows).toHaveLength(1);
    expect(tests.rows[0]).toMatchObject({ kind: 'test', customerId: 'c-sample', flow: null, actor: expect.stringContaining('marketer') });
    expect((await marketer.logs.list({ test: 'false' })).rows.every((r) => r.kind !== 'test')).toBe(true);
    expect((await developer.logs.get({ id: tests.rows[0]!.id })).resendBlocked).toBeNull();
  });
});

async function ids(filters: Parameters<typeof marketer.logs.list>[0]) {
  return (await marketer.logs.list(filters)).rows.map((r) => r.id);
}
