/**
 * Test runs from the canvas, on real parts: the draft (never published) compiled and run by the real
 * interpreter on the Temporal dev server, for one flow only. A dry run renders and records every request,
 * sends nothing, and follows branches on the sample responses; a live run reaches a loopback receiver while
 * another active flow on the same event type starts nothing. Test runs never count as customer runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { callerFor, userWithRole } from '../support/trpc';
import { startTestRun, TestRunRefused } from '../../lib/server/runs/test-run';
import { startPendingRuns, type DispatchDeps } from '../../lib/server/runs/dispatch';
import type { FlowGraph } from '../../lib/domain/flow/graph';

let env: TestEnv;
let receiver: Receiver;
let deps: DispatchDeps;
let lookup: { id: string };
let notify: { id: string };
let ping: { id: string };

const at = (y: number) => ({ x: 0, y });

/** trigger → lookup → branch (tier is gold → notify | else → end) */
function branchingGraph(eventType: string): FlowGraph {
  return {
    nodes: [
      { id: 'trigger', type: 'trigger', position: at(0), data: { eventType } },
      { id: 'lookup', type: 'webhook', position: at(100), data: { webhookId: lookup.id } },
      {
        id: 'route',
        type: 'branch',
        position: at(200),
        data: { branches: [{ id: 'gold', label: 'Gold', condition: { kind: 'field', path: 'Webhooks.crm_lookup.Fields.tier', op: 'eq', value: 'gold' } }] },
      },
      { id: 'notify', type: 'webhook', position: at(300), data: { webhookId: notify.id } },
      { id: 'stop', type: 'end', position: at(300) },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'lookup' },
      { id: 'e2', source: 'lookup', target: 'route' },
      { id: 'e3', source: 'route', target: 'notify', sourceHandle: 'gold' },
      { id: 'e4', source: 'route', target: 'stop', sourceHandle: 'else' },
    ],
  };
}

async function finished(runId: string) {
  await expect.poll(async () => (await env.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status, { timeout: 30_000 }).toMatch(/completed|failed/);
  return env.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { attempts: { orderBy: { startedAt: 'asc' } } } });
}

async function draftFlow(eventType: string, graph: FlowGraph) {
  return env.prisma.flow.create({ data: { name: `Draft ${eventType}`, triggerEventType: eventType, draftGraph: graph } });
}

beforeAll(async () => {
  env = await createTestEnv('test-runs');
  receiver = await startReceiver();
  deps = { prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue };
  const integration = await createIntegration(env.prisma, { rootUrl: receiver.url, headers: [{ name: 'Authorization', value: 'Bearer TOPSECRET-1', secret: true }], secretKey: env.secretKey() });
  lookup = await createWebhook(env.prisma, integration.id, { systemName: 'crm_lookup', path: '/lookup', bodyTemplate: '{"email": "${Customer.Email}"}', captureFields: [{ name: 'tier', path: '$.tier' }] });
  notify = await createWebhook(env.prisma, integration.id, { systemName: 'vip_notify', path: '/notify', bodyTemplate: '{"tier": "${Webhooks.crm_lookup.Fields.tier}"}' });
  ping = await createWebhook(env.prisma, integration.id, { systemName: 'ping', path: '/ping' });
  await env.startWorker();
});

afterAll(async () => {
  await env?.close();
  await receiver?.close();
});

describe('testing a draft', () => {
  it('a dry run renders every request with secrets masked, sends nothing, and follows the branch the sample responses pick', async () => {
    const flow = await draftFlow('dry.gold', branchingGraph('dry.gold'));
    const before = receiver.requests.length;
    const gold = await startTestRun(deps, {
      flowId: flow.id,
      source: 'draft',
      mode: 'dry',
      customerId: 'sample-1',
      attributes: { email: 'ada@example.com' },
      data: {},
      responses: { lookup: { status: 200, body: { tier: 'gold' } } },
    });
    const run = await finished(gold.runId);
    expect(run).toMatchObject({ status: 'completed', testMode: 'dry', flowVersionId: null });
    expect(run.attempts.map((a) => [a.nodeId, a.dryRun, a.responseStatus])).toEqual([
      ['lookup', true, 200],
      ['notify', true, 200],
    ]);
    expect(run.attempts[0]!.requestBody).toBe('{"email": "ada@example.com"}');
    expect(JSON.stringify(run.attempts[0]!.requestHeaders)).not.toContain('TOPSECRET');
    expect(JSON.stringify(run.attempts[0]!.requestHeaders)).toContain('Authorization');
    // The captured field from the sample response reached the next step's template.
    expect(run.attempts[1]!.requestBody).toBe('{"tier": "gold"}');
    const result = await env.client.workflow.getHandle(gold.workflowId).result();
    expect(result.path).toEqual(['lookup', 'route', 'notify']);
    expect(JSON.stringify(await env.client.workflow.getHandle(gold.workflowId).fetchHistory())).not.toContain('TOPSECRET');

    // Another sample answer takes the other output.
    const silver = await startTestRun(deps, { flowId: flow.id, source: 'draft', mode: 'dry', customerId: 'sample-1', attributes: {}, data: {}, responses: { lookup: { status: 200, body: { tier: 'silver' } } } });
    await finished(silver.runId);
    expect((await env.client.workflow.getHandle(silver.workflowId).result()).path).toEqual(['lookup', 'route', 'stop']);

    // A sample failure is a failed webhook the flow routes on, not a crash.
    const failing = await startTestRun(deps, { flowId: flow.id, source: 'draft', mode: 'dry', customerId: 'sample-1', attributes: {}, data: {}, responses: { lookup: { status: 503, body: 'down' } } });
    const failed = await finished(failing.runId);
    expect(failed.status).toBe('completed');
    expect(failed.attempts).toHaveLength(1);
    expect(failed.attempts[0]).toMatchObject({ dryRun: true, errorClass: 'http_5xx', responseStatus: 503 });
    // The log's filters see a dry run's attempt like any other; its path is kept, but no test run adds to the canvas counts.
    expect(failed.attempts[0]).toMatchObject({ outcome: '5xx', flowId: flow.id, customerExternalId: 'sample-1' });
    expect(failed.trace).toMatchObject({ path: ['lookup', 'route', 'stop'], failed: ['lookup'] });
    expect(await env.prisma.stepCount.count({ where: { flowId: flow.id } })).toBe(0);
    expect(receiver.requests.length).toBe(before);
  });

  it('a dry run shows the signature headers a signing integration would send, and a sample body no field can be read from sets the capture error', async () => {
    const developer = callerFor(env.prisma, await userWithRole(env.prisma, 'developer'));
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const { secret } = await developer.integrations.enableSigning({ id: integration.id });
    const signed = await createWebhook(env.prisma, integration.id, { systemName: 'signed_lookup', path: '/signed', bodyTemplate: '{"email": "${Customer.Email}"}', captureFields: [{ name: 'tier', path: '$.tier' }] });
    const flow = await draftFlow('dry.signed', linearGraph('dry.signed', [signed.id]));
    const before = receiver.requests.length;
    const started = await startTestRun(deps, { flowId: flow.id, source: 'draft', mode: 'dry', customerId: 'sig-1', attributes: { email: 'ada@example.com' }, data: {}, responses: { w0: { status: 200, body: 'not json' } } });
    const run = await finished(started.runId);
    expect(run.status).toBe('completed');
    const attempt = run.attempts[0]!;
    const headers = Object.fromEntries((attempt.requestHeaders as { name: string; value: string }[]).map((h) => [h.name.toLowerCase(), h.value]));
    expect(new Webhook(secret).verify(attempt.requestBody!, headers)).toEqual({ email: 'ada@example.com' });
    expect(attempt).toMatchObject({ dryRun: true, captureError: 'The response is not JSON, so no field could be read from it' });
    expect(receiver.requests.length).toBe(before);
  });

  it('a live test of the draft reaches the receiver, and another active flow on the same event starts nothing', async () => {
    const other = await createPublishedFlow(env.prisma, linearGraph('live.test', [ping.id]), 'Published on live.test');
    const flow = await draftFlow('live.test', { ...linearGraph('live.test', [lookup.id]) });
    receiver.respond = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"tier": "gold"}' });
    const before = receiver.requests.length;
    const started = await startTestRun(deps, { flowId: flow.id, source: 'draft', mode: 'live', customerId: 'live-1', attributes: { email: 'grace@example.com' }, data: {} });
    const run = await finished(started.runId);
    expect(run).toMatchObject({ status: 'completed', testMode: 'live' });
    const sent = receiver.requests.slice(before);
    expect(sent.map((r) => r.url)).toEqual(['/lookup']);
    expect(sent[0]!.headers.authorization).toBe('Bearer TOPSECRET-1');
    expect(run.attempts[0]).toMatchObject({ dryRun: false, responseStatus: 200 });
    expect(run.trace).toMatchObject({ path: ['w0'], failed: [] });
    expect(await env.prisma.stepCount.count({ where: { flowId: flow.id } })).toBe(0);
    expect(await env.prisma.run.count({ where: { flowId: other.flowId } })).toBe(0);
    // A pending test run is never started by the dispatcher loop, and test runs do not count as customer runs.
    expect(await startPendingRuns(deps, 0)).toBe(0);
    const marketer = callerFor(env.prisma, await userWithRole(env.prisma, 'marketer'));
    const row = (await marketer.flows.list({ includeArchived: false })).find((f) => f.id === flow.id)!;
    expect(row.runs24h).toEqual({});
    expect((await marketer.overview.flows()).find((f) => f.id === flow.id)?.runCount).toBe(0);
    expect((await marketer.flows.runs({ id: flow.id }))[0]).toMatchObject({ testMode: 'live', version: null });
    expect(await marketer.runs.progress({ id: started.runId })).toMatchObject({ version: null, testMode: 'live', path: ['w0'] });
  });

  it('the published version can be tested too, and only that flow runs', async () => {
    const published = await createPublishedFlow(env.prisma, linearGraph('published.test', [lookup.id]), 'Published test');
    const sibling = await createPublishedFlow(env.prisma, linearGraph('published.test', [ping.id]), 'Sibling');
    const started = await startTestRun(deps, { flowId: published.flowId, source: 'published', mode: 'dry', customerId: 'p-1', attributes: {}, data: {} });
    const run = await finished(started.runId);
    expect(run).toMatchObject({ status: 'completed', flowVersionId: published.versionId, testMode: 'dry' });
    expect(await env.prisma.run.count({ where: { flowId: sibling.flowId } })).toBe(0);
  });

  it('refuses a draft with problems, a filter the sample does not pass, and an unknown flow, in words', async () => {
    const broken = await draftFlow('broken.test', { nodes: [{ id: 'trigger', type: 'trigger', position: at(0), data: { eventType: 'broken.test' } }, { id: 'w', type: 'webhook', position: at(100), data: { webhookId: '' } }], edges: [{ id: 'e', source: 'trigger', target: 'w' }] });
    const attempt = startTestRun(deps, { flowId: broken.id, source: 'draft', mode: 'dry', customerId: 'x', attributes: {}, data: {} });
    await expect(attempt).rejects.toBeInstanceOf(TestRunRefused);
    await expect(attempt).rejects.toThrow(/1 problem to fix before it can run: Choose which webhook this step sends/);
    const filtered = await draftFlow('filtered.test', {
      nodes: [
        { id: 'trigger', type: 'trigger', position: at(0), data: { eventType: 'filtered.test', filter: { kind: 'field', path: 'Customer.Tier', op: 'eq', value: 'gold' } } },
        { id: 'stop', type: 'end', position: at(100) },
      ],
      edges: [{ id: 'e', source: 'trigger', target: 'stop' }],
    });
    await expect(startTestRun(deps, { flowId: filtered.id, source: 'draft', mode: 'dry', customerId: 'x', attributes: { tier: 'silver' }, data: {} })).rejects.toThrow(/do not pass the trigger's filter/);
    await expect(startTestRun(deps, { flowId: 'nope', source: 'draft', mode: 'dry', customerId: 'x', attributes: {}, data: {} })).rejects.toThrow('This flow no longer exists');
  });
});
