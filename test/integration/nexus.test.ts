/**
 * The `hookflow` Nexus service on the dev server, called by the example order workflow
 * (examples/order-workflow) on its own worker and task queue: the receiver gets the webhooks, the caller's
 * workflow gets the flow's result, and one event id through HTTP (ingestEvent, the body of POST
 * /api/events) and Nexus starts one run, whichever comes first. Every refusal reaches the caller as a
 * failed operation that says why.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { maxInAnySecond } from '../../scripts/worker-process';
import { ingestEvent } from '../../lib/server/events/ingest';
import { ensureNexusEndpoint } from '../../lib/server/temporal/nexus-endpoint';
import { createOrderWorker } from '../../examples/order-workflow/worker';
import type { OrderOutcome, orderWorkflow } from '../../examples/order-workflow/workflows';
import type { CallOutcome, callHookflow } from '../support/nexus-caller';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

const require = createRequire(import.meta.url);
let env: TestEnv;
let receiver: Receiver;
let connection: NativeConnection;
let orderWorker: Worker;
let callerWorker: Worker;
let running: Promise<void>[] = [];
const endpoint = `hookflow-test-${randomUUID().slice(0, 8)}`;
let endpointId: { id: string; version: unknown } | null = null;
const flows: Record<'paid' | 'followUp' | 'paused' | 'vip' | 'shared' | 'other' | 'limited' | 'once', string> = { paid: '', followUp: '', paused: '', vip: '', shared: '', other: '', limited: '', once: '' };
const ordersQueue = () => `orders-${env.taskQueue}`;
const callerQueue = () => `caller-${env.taskQueue}`;

beforeAll(async () => {
  env = await createTestEnv('nexus');
  receiver = await startReceiver();
  await env.startWorker();
  // The endpoint routes the caller's operations to Hookflow's worker (npm start and temporal:setup make `hookflow`).
  expect(await ensureNexusEndpoint(env.client.connection, { name: endpoint, namespace: 'default', taskQueue: env.taskQueue })).toBe('created');
  expect(await ensureNexusEndpoint(env.client.connection, { name: endpoint, namespace: 'default', taskQueue: env.taskQueue })).toBe('unchanged');
  const { endpoints } = await env.client.connection.operatorService.listNexusEndpoints({ name: endpoint });
  endpointId = { id: endpoints![0]!.id!, version: endpoints![0]!.version };

  const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
  const paid = await createWebhook(env.prisma, integration.id, { systemName: 'order_paid', path: '/paid', bodyTemplate: '{"event":"${Event.Id}","total":${Event.Data.total}}' });
  const followUp = await createWebhook(env.prisma, integration.id, { systemName: 'follow_up', path: '/follow-up', bodyTemplate: '{"event":"${Event.Id}"}' });
  flows.paid = (await createPublishedFlow(env.prisma, linearGraph('order.paid', [paid.id]), 'Order paid')).flowId;
  flows.followUp = (await createPublishedFlow(env.prisma, linearGraph('order.follow_up', [followUp.id]), 'Order follow-up')).flowId;
  flows.paused = (await createPublishedFlow(env.prisma, linearGraph('order.paused', [followUp.id]), 'Paused flow')).flowId;
  await env.prisma.flow.update({ where: { id: flows.paused }, data: { status: 'paused' } });
  const vipGraph = linearGraph('order.vip', [followUp.id]);
  vipGraph.nodes[0] = { ...vipGraph.nodes[0]!, data: { eventType: 'order.vip', filter: { kind: 'field', path: 'Customer.vip', op: 'eq', value: true } } } as (typeof vipGraph.nodes)[0];
  flows.vip = (await createPublishedFlow(env.prisma, vipGraph, 'VIP only')).flowId;
  flows.shared = (await createPublishedFlow(env.prisma, linearGraph('order.shared', [followUp.id]), 'Shared one')).flowId;
  flows.other = (await createPublishedFlow(env.prisma, linearGraph('order.shared', [followUp.id]), 'Shared other')).flowId;
  const limitedService = await createIntegration(env.prisma, { rootUrl: `${receiver.url}/limited`, rateLimitPerSecond: 1 });
  const limited = await createWebhook(env.prisma, limitedService.id, { systemName: 'limited', bodyTemplate: '{"event":"${Event.Id}"}' });
  flows.limited = (await createPublishedFlow(env.prisma, linearGraph('order.limited', [limited.id]), 'Limited')).flowId;
  const once = await createWebhook(env.prisma, integration.id, { systemName: 'once', path: '/once', bodyTemplate: '{"event":"${Event.Id}"}' });
  flows.once = (await createPublishedFlow(env.prisma, linearGraph('order.once', [once.id]), 'Sent once')).flowId;

  connection = await NativeConnection.connect({ address: env.address });
  orderWorker = await createOrderWorker({ connection, taskQueue: ordersQueue() });
  callerWorker = await Worker.create({ connection, taskQueue: callerQueue(), workflowsPath: require.resolve('../support/nexus-caller.ts') });
  running = [orderWorker.run(), callerWorker.run()];
});

afterAll(async () => {
  for (const worker of [orderWorker, callerWorker]) if (worker?.getState() === 'RUNNING') worker.shutdown();
  await Promise.all(running.map((r) => r.catch(() => undefined)));
  await connection?.close();
  if (endpointId) await env.client.connection.operatorService.deleteNexusEndpoint(endpointId as never).catch(() => undefined);
  await receiver?.close();
  await env?.close();
});

const placeOrder = (orderId: string, customer: { id: string }) =>
  env.client.workflow.execute<typeof orderWorkflow>('orderWorkflow', {
    taskQueue: ordersQueue(),
    workflowId: `order/${orderId}/${env.taskQueue}`,
    args: [{ orderId, customer, total: 42, followUpFlow: 'Order follow-up', endpoint }],
  }) as Promise<OrderOutcome>;

const call = (operation: Parameters<typeof callHookflow>[1], input: unknown) =>
  env.client.workflow.execute<typeof callHookflow>('callHookflow', { taskQueue: callerQueue(), workflowId: `call-${randomUUID()}`, args: [endpoint, operation, input] }) as Promise<CallOutcome>;

const delivered = (path: string, eventId: string) => receiver.requests.filter((r) => r.url === path && JSON.parse(r.body).event === eventId);
const httpDeps = () => ({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w: string) => w });

describe('the example order workflow through Nexus', () => {
  it('triggers order.paid, reads its run, runs the follow-up flow and gets its result', async () => {
    const outcome = await placeOrder('a1', { id: 'c-a1' });
    expect(outcome.paid.eventId).toBe('order-a1-paid');
    expect(outcome.paid.runs).toEqual([expect.objectContaining({ flowId: flows.paid, workflowId: `flow/${flows.paid}/order-a1-paid` })]);
    expect(outcome.paidRuns).toEqual([expect.objectContaining({ flow: expect.objectContaining({ id: flows.paid, name: 'Order paid' }), customerId: 'c-a1', eventId: 'order-a1-paid' })]);
    expect(['running', 'completed']).toContain(outcome.paidRuns[0]!.status);
    expect(outcome.followUp.webhooks.follow_up).toEqual(expect.objectContaining({ Ok: true, Status: 200, Attempts: 1 }));
    expect(outcome.followUp.path).toEqual(['w0']);
    await expect.poll(() => delivered('/paid', 'order-a1-paid').length).toBe(1);
    expect(JSON.parse(delivered('/paid', 'order-a1-paid')[0]!.body)).toEqual({ event: 'order-a1-paid', total: 42 });
    expect(delivered('/follow-up', 'order-a1-follow-up')).toHaveLength(1);
    // The run Nexus started is an ordinary Hookflow run: in the Run table, and readable by getRun.
    const run = await env.prisma.run.findUniqueOrThrow({ where: { workflowId: `flow/${flows.followUp}/order-a1-follow-up` } });
    expect(run.status).toBe('completed');
    await expect.poll(async () => ((await call('getRun', { workflowId: `flow/${flows.paid}/order-a1-paid` })) as { result: { status: string } }).result.status).toBe('completed');
    const read = await call('getRun', { workflowId: run.workflowId });
    expect(read).toEqual({ ok: true, result: expect.objectContaining({ status: 'completed', path: ['w0'], webhooks: { follow_up: { ok: true, status: 200, attempts: 1 } } }) });
  });

  it('an event id sent over HTTP first: the follow-up flow runs once, and Nexus answers that run\'s result', async () => {
    const http = await ingestEvent(httpDeps(), { id: 'order-b1-follow-up', type: 'order.follow_up', customer: { id: 'c-b1' } });
    expect(http.status).toBe(202);
    const outcome = await placeOrder('b1', { id: 'c-b1' });
    const workflowId = `flow/${flows.followUp}/order-b1-follow-up`;
    expect(outcome.followUp).toEqual((await env.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult);
    expect(await env.prisma.run.count({ where: { eventId: 'order-b1-follow-up' } })).toBe(1);
    expect(delivered('/follow-up', 'order-b1-follow-up')).toHaveLength(1);
  });

  it('an event id sent over HTTP while its run still runs: Nexus attaches to that run and completes when it ends', async () => {
    const slow = 'order-e1-follow-up';
    const answer = receiver.respond;
    receiver.respond = (request, index) => (JSON.parse(request.body || '{}').event === slow ? { status: 200, body: '{"slow":true}', delayMs: 1500 } : answer(request, index));
    try {
      const http = await ingestEvent(httpDeps(), { id: slow, type: 'order.follow_up', customer: { id: 'c-e1' } });
      expect(http.status === 202 && http.body.runs).toHaveLength(1);
      const outcome = await placeOrder('e1', { id: 'c-e1' });
      expect(outcome.followUp.webhooks.follow_up).toEqual(expect.objectContaining({ Ok: true, Body: { slow: true } }));
      expect(delivered('/follow-up', slow)).toHaveLength(1);
      expect(await env.prisma.run.count({ where: { eventId: slow } })).toBe(1);
      // startFlow was asynchronous (a NexusOperationStarted event): it waited on the HTTP-started run, not a run of its own.
      const history = await env.client.workflow.getHandle(`order/e1/${env.taskQueue}`).fetchHistory();
      expect(history.events!.filter((e) => e.nexusOperationStartedEventAttributes)).toHaveLength(1);
    } finally {
      receiver.respond = answer;
    }
  });

  it('an event id sent through Nexus first: HTTP answers the same run and starts nothing', async () => {
    const outcome = await placeOrder('c1', { id: 'c-c1' });
    const http = await ingestEvent(httpDeps(), { id: 'order-c1-paid', type: 'order.paid', customer: { id: 'c-c1' } });
    expect(http.status === 202 && http.body.runs.map((r) => r.workflowId)).toEqual(outcome.paid.runs.map((r) => r.workflowId));
    const again = await ingestEvent(httpDeps(), { id: 'order-c1-follow-up', type: 'order.follow_up', customer: { id: 'c-c1' } });
    expect(again.status === 202 && again.body.runs.map((r) => r.workflowId)).toEqual([`flow/${flows.followUp}/order-c1-follow-up`]);
    await env.client.workflow.getHandle(`flow/${flows.paid}/order-c1-paid`).result();
    expect(await env.prisma.run.count({ where: { eventId: { in: ['order-c1-paid', 'order-c1-follow-up'] } } })).toBe(2);
    expect(delivered('/paid', 'order-c1-paid')).toHaveLength(1);
    expect(delivered('/follow-up', 'order-c1-follow-up')).toHaveLength(1);
  });

  it('the same order placed twice starts nothing new', async () => {
    const first = await placeOrder('d1', { id: 'c-d1' });
    const second = await env.client.workflow.execute<typeof orderWorkflow>('orderWorkflow', {
      taskQueue: ordersQueue(),
      workflowId: `order/d1-again/${env.taskQueue}`,
      args: [{ orderId: 'd1', customer: { id: 'c-d1' }, total: 42, followUpFlow: flows.followUp, endpoint }],
    });
    expect(second.paid.runs).toEqual(first.paid.runs);
    expect(second.followUp).toEqual(first.followUp);
    expect(delivered('/follow-up', 'order-d1-follow-up')).toHaveLength(1);
    expect(delivered('/paid', 'order-d1-paid')).toHaveLength(1);
  });
});

describe('the guarantees hold through Nexus', () => {
  it('runs started through Nexus and HTTP share the integration\'s rate limit (1 request per second)', async () => {
    const event = (n: number) => ({ id: `limited-${n}`, customer: { id: `c-l${n}` } });
    await Promise.all([
      ingestEvent(httpDeps(), { ...event(1), type: 'order.limited' }),
      ingestEvent(httpDeps(), { ...event(2), type: 'order.limited' }),
      call('startFlow', { flow: 'Limited', event: event(3) }),
      call('startFlow', { flow: 'Limited', event: event(4) }),
    ]);
    await expect.poll(() => receiver.requests.filter((r) => r.url.startsWith('/limited')).length, { timeout: 30_000 }).toBe(4);
    expect(maxInAnySecond(receiver.requests.filter((r) => r.url.startsWith('/limited')).map((r) => r.at))).toBe(1);
  });

  it('the idempotency rule: a webhook without a TransactionalId is sent once, even when it fails', async () => {
    const answer = receiver.respond;
    receiver.respond = (request, index) => (request.url === '/once' ? { status: 503, body: 'down' } : answer(request, index));
    try {
      const outcome = await call('startFlow', { flow: 'Sent once', event: { id: 'once-1', customer: { id: 'c-once' } } });
      expect(outcome).toEqual({ ok: true, result: expect.objectContaining({ webhooks: { once: expect.objectContaining({ Ok: false, Status: 503, Attempts: 1 }) } }) });
      expect(receiver.requests.filter((r) => r.url === '/once')).toHaveLength(1);
    } finally {
      receiver.respond = answer;
    }
  });
});

describe('refusals through Nexus say why', () => {
  const customer = { id: 'c-bad' };
  it.each([
    ['triggerEvent', 'an event without a customer', () => ({ id: 'bad-1', type: 'order.paid' }), /customer: is required/],
    ['triggerEvent', 'an event nesting too deep', () => ({ id: 'bad-2', type: 'order.paid', customer, data: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }), /nests deeper than 32 levels/],
    ['startFlow', 'no flow', () => ({ event: { id: 'bad-3', customer } }), /Invalid startFlow input: flow/],
    ['startFlow', 'a flow that does not exist', () => ({ flow: 'No such flow', event: { id: 'bad-4', customer } }), /No flow has the id or name "No such flow"/],
    ['startFlow', 'a paused flow', () => ({ flow: 'Paused flow', event: { id: 'bad-5', customer } }), /Flow "Paused flow" is paused; only an active \(published\) flow can be started/],
    ['startFlow', 'an event of another type', () => ({ flow: 'Order follow-up', event: { id: 'bad-6', type: 'order.paid', customer } }), /starts on "order.follow_up"; leave type out/],
    ['startFlow', 'an event id stored before for another type', () => ({ flow: 'Order follow-up', event: { id: 'order-a1-paid', customer } }), /Event order-a1-paid is already stored and did not start flow/],
    ['startFlow', 'a customer the trigger filter does not let through', () => ({ flow: 'VIP only', event: { id: 'bad-7', customer: { id: 'c-7', vip: false } } }), /The trigger filter of flow .* does not hold for event bad-7/],
    ['startFlow', 'an invalid event', () => ({ flow: 'Order follow-up', event: { id: 'bad 8', customer } }), /event.id/],
    ['getRun', 'no workflow id', () => ({}), /Invalid getRun input: workflowId/],
    ['getRun', 'an unknown workflow id', () => ({ workflowId: 'flow/none/none' }), /No run has the workflow id "flow\/none\/none"/],
  ] as const)('%s refuses %s', async (operation, _what, input, message) => {
    const outcome = await call(operation, input());
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.messages.join(' | ')).toMatch(message);
  });

  it('startFlow starts the named flow only, not every flow on its event type', async () => {
    const outcome = await call('startFlow', { flow: 'Shared one', event: { id: 'shared-1', customer: { id: 'c-shared' } } });
    expect(outcome.ok).toBe(true);
    expect(await env.prisma.run.findMany({ where: { eventId: 'shared-1' }, select: { flowId: true } })).toEqual([{ flowId: flows.shared }]);
  });

  it('a VIP customer passes the trigger filter', async () => {
    const outcome = await call('startFlow', { flow: 'VIP only', event: { id: 'vip-1', customer: { id: 'c-vip', vip: true } } });
    expect(outcome).toEqual({ ok: true, result: expect.objectContaining({ path: ['w0'] }) });
  });
});
