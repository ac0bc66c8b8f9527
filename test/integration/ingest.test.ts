/**
 * Foundation, end to end on real parts: an event posted to the real /api/events handler starts a run on the
 * real Temporal dev server, whose worker delivers the rendered webhook to a loopback receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { seedDemo } from '../../lib/server/seed';
import { ingestEvent, ingestEventBatch } from '../../lib/server/events/ingest';
import { startPendingRuns } from '../../lib/server/runs/dispatch';
import { freePort } from '../../scripts/ports';
import { Client, Connection } from '@temporalio/client';
import { eventRequest } from '../support/events';

const KEY = 'test-ingest-key-0123456789';
let env: TestEnv;
let receiver: Receiver;
let flowId: string;
let POST: (request: Request) => Promise<Response>;
let POST_BATCH: (request: Request) => Promise<Response>;

const post = (body: unknown, key: string | null = KEY): Promise<Response> => POST(eventRequest(body, key));

beforeAll(async () => {
  env = await createTestEnv('ingest');
  receiver = await startReceiver();
  ({ flowId } = await seedDemo(env.prisma, receiver.url));
  Object.assign(process.env, {
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.address,
    HOOKFLOW_TASK_QUEUE: env.taskQueue,
    HOOKFLOW_INGEST_KEY: KEY,
  });
  ({ POST } = await import('../../app/api/events/route'));
  ({ POST: POST_BATCH } = await import('../../app/api/events/batch/route'));
  await env.startWorker();
});

afterAll(async () => {
  await env?.close();
  await receiver?.close();
});

describe('POST /api/events', () => {
  it('runs the flow: the receiver gets the rendered body and Temporal has the run under its readable id', async () => {
    const before = receiver.requests.length;
    const response = await post({
      id: 'evt-1',
      type: 'customer.signed_up',
      customer: { id: 'cust-1', email: 'ada"lovelace@example.com', first_name: 'Ada' },
      data: { plan: 'pro' },
    });
    expect(response.status).toBe(202);
    const body = await response.json();
    const workflowId = `flow/${flowId}/evt-1`;
    expect(body).toEqual({
      eventId: 'evt-1',
      runs: [{ flowId, workflowId, temporalUrl: expect.stringContaining(encodeURIComponent(workflowId)) }],
    });

    const request = (await receiver.waitFor(before + 1))[before];
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/deliveries/welcome');
    expect(request!.headers['content-type']).toBe('application/json');
    const delivered = JSON.parse(request!.body);
    expect(delivered).toMatchObject({ email: 'ada"lovelace@example.com', name: 'Ada', event: 'customer.signed_up' });
    expect(delivered.request_id).toMatch(/^[0-9a-f-]{36}$/);

    const handle = env.client.workflow.getHandle(workflowId);
    const result = await handle.result();
    expect(result.webhooks.welcome_email).toMatchObject({ Ok: true, Status: 200, Attempts: 1 });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const run = await env.prisma.run.findUniqueOrThrow({ where: { workflowId } });
    expect(run.status).toBe('completed');
    const attempts = await env.prisma.webhookAttempt.findMany({ where: { runId: run.id } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ responseStatus: 200, errorClass: null, transactionalId: delivered.request_id });
  });

  it('answers a repeated event id with the same runs and starts nothing new', async () => {
    const event = { id: 'evt-repeat', type: 'customer.signed_up', customer: { id: 'cust-repeat', email: 'ada@example.com' } };
    const workflowId = `flow/${flowId}/evt-repeat`;
    const before = receiver.requests.length;
    expect((await post(event)).status).toBe(202);
    await env.client.workflow.getHandle(workflowId).result();
    const again = await post({ ...event, customer: { id: 'cust-repeat', email: 'other@example.com' } });
    expect(again.status).toBe(202);
    const body = await again.json();
    expect(body.runs.map((r: { workflowId: string }) => r.workflowId)).toEqual([workflowId]);
    const executions = [];
    for await (const execution of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) executions.push(execution);
    expect(executions).toHaveLength(1);
    // Give a wrongly started second run time to deliver; none may arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.requests.length - before).toBe(1);
    expect(await env.prisma.run.count({ where: { eventId: 'evt-repeat' } })).toBe(1);
  });

  it('starts no run for an event type no flow listens to', async () => {
    const response = await post({ id: 'evt-other', type: 'order.placed', customer: { id: 'cust-2' } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ eventId: 'evt-other', runs: [] });
  });

  it.each([
    [{ type: 'customer.signed_up', customer: { id: 'c' } }, 'id'],
    [{ id: 'bad id with spaces', type: 'x', customer: { id: 'c' } }, 'id'],
    [{ id: 'e', customer: { id: 'c' } }, 'type'],
    [{ id: 'e', type: 'x' }, 'customer'],
    [{ id: 'e', type: 'x', customer: { email: 'a@b.c' } }, 'customer.id'],
    [{ id: 'e', type: 'x', customer: { id: 'c' }, data: [1, 2] }, 'data'],
    [{ id: 'e', type: 'x', customer: { id: 'c' }, occurredAt: 'yesterday' }, 'occurredAt'],
    [{ id: 'e', type: 'x', customer: { id: 'c' }, costumer: {} }, 'costumer'],
  ])('rejects %j with 400 naming "%s"', async (event, field) => {
    const response = await post(event);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.field).toBe(field);
    expect(body.message).toContain(field);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const response = await post('{"id": ');
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_json');
  });

  it('rejects a missing or wrong key with 401', async () => {
    const event = { id: 'evt-401', type: 'customer.signed_up', customer: { id: 'c' } };
    expect((await post(event, null)).status).toBe(401);
    const wrong = await post(event, 'not-the-key');
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toMatch(/Authorization: Bearer/);
    expect(await env.prisma.event.count({ where: { id: 'evt-401' } })).toBe(0);
  });
});

describe('POST /api/events/batch', () => {
  const postBatch = (body: unknown, key: string | null = KEY): Promise<Response> => POST_BATCH(eventRequest(body, key));
  const signup = (id: string, customer = `cust-${id}`) => ({ id, type: 'customer.signed_up', customer: { id: customer, email: `${id}@example.com` } });

  it('stores the valid events of a batch together, runs each flow once, and reports the others by index', async () => {
    await post(signup('batch-known'));
    await env.client.workflow.getHandle(`flow/${flowId}/batch-known`).result();
    const before = receiver.requests.length;
    const response = await postBatch({
      events: [
        signup('batch-1'),
        { id: 'batch-bad', type: 'customer.signed_up', customer: { email: 'no-id@example.com' } },
        signup('batch-2'),
        signup('batch-1'),
        signup('batch-known'),
        { id: 'batch-other', type: 'order.placed', customer: { id: 'cust-o' } },
      ],
    });
    expect(response.status).toBe(202);
    const body = await response.json();
    const run = (eventId: string) => ({ flowId, workflowId: `flow/${flowId}/${eventId}`, temporalUrl: expect.any(String) });
    expect(body).toEqual({
      accepted: 3,
      duplicates: 2,
      events: [
        { index: 0, eventId: 'batch-1', runs: [run('batch-1')] },
        { index: 2, eventId: 'batch-2', runs: [run('batch-2')] },
        { index: 3, eventId: 'batch-1', duplicate: true, runs: [run('batch-1')] },
        { index: 4, eventId: 'batch-known', duplicate: true, runs: [run('batch-known')] },
        { index: 5, eventId: 'batch-other', runs: [] },
      ],
      rejected: [{ index: 1, eventId: 'batch-bad', field: 'customer.id', message: expect.stringContaining('customer.id'), issues: expect.any(Array) }],
    });
    // Two new runs deliver, once each; the repeated and the earlier id start nothing.
    const delivered = await receiver.waitFor(before + 2);
    await env.client.workflow.getHandle(`flow/${flowId}/batch-2`).result();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests.length - before).toBe(2);
    expect(delivered.slice(before).map((r) => JSON.parse(r.body).email).sort()).toEqual(['batch-1@example.com', 'batch-2@example.com']);
    expect(await env.prisma.event.count({ where: { id: { in: ['batch-1', 'batch-2', 'batch-other', 'batch-bad'] } } })).toBe(3);
    expect(await env.prisma.run.count({ where: { eventId: 'batch-1' } })).toBe(1);
  });

  it('answers a batch sent again with its first runs as duplicates and starts nothing new', async () => {
    const batch = { events: [signup('batch-again-1'), signup('batch-again-2')] };
    expect((await (await postBatch(batch)).json()).accepted).toBe(2);
    const again = await (await postBatch(batch)).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: 2, rejected: [] });
    expect(again.events.map((e: { runs: unknown[]; duplicate?: boolean }) => [e.duplicate, e.runs.length])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(await env.prisma.run.count({ where: { eventId: { in: ['batch-again-1', 'batch-again-2'] } } })).toBe(2);
  });

  it.each([
    [[signup('x')], '(body)', /"events" array/],
    [{}, 'events', /is required/],
    [{ events: [] }, 'events', /no event/],
    [{ events: Array.from({ length: 501 }, (_, i) => signup(`too-many-${i}`)) }, 'events', /at most 500/],
    [{ events: [signup('extra')], event: {} }, 'event', /unknown field/],
  ])('refuses %#: not a batch, 400 naming "%s", nothing stored', async (body, field, message) => {
    const response = await postBatch(body);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer).toMatchObject({ error: 'invalid_event', field });
    expect(answer.message).toMatch(message);
    expect(await env.prisma.event.count({ where: { id: { in: ['x', 'extra', 'too-many-0'] } } })).toBe(0);
  });

  it('refuses a missing key with 401, a body that is not JSON with 400, and one over 4 MB with 413', async () => {
    expect((await postBatch({ events: [signup('batch-401')] }, null)).status).toBe(401);
    expect((await (await postBatch('{"events": [')).json()).error).toBe('invalid_json');
    const huge = await postBatch({ events: [{ ...signup('batch-huge'), data: { text: 'x'.repeat(4 * 1024 * 1024) } }] });
    expect(huge.status).toBe(413);
    expect((await huge.json()).message).toMatch(/at most 500 events and 4 MB/);
    expect(await env.prisma.event.count({ where: { id: { in: ['batch-401', 'batch-huge'] } } })).toBe(0);
  });

  it('refuses an event over the single-event limit (256 KB) and takes the rest of its batch', async () => {
    const big = { ...signup('batch-big'), data: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`part${i}`, 'x'.repeat(30 * 1024)])) };
    const body = await (await postBatch({ events: [big, signup('batch-small')] })).json();
    expect(body.rejected).toEqual([{ index: 0, eventId: 'batch-big', field: '(event)', message: 'The event is larger than 256 KB', issues: [{ field: '(event)', message: 'The event is larger than 256 KB' }] }]);
    expect(body.events.map((e: { eventId: string }) => e.eventId)).toEqual(['batch-small']);
    expect(await env.prisma.event.count({ where: { id: 'batch-big' } })).toBe(0);
  });
});

describe('while Temporal is unreachable', () => {
  it('stores the event, answers 202 pending, and starts the run exactly once when Temporal is back', async () => {
    const closedPort = await freePort();
    const unreachable = () => Connection.connect({ address: `127.0.0.1:${closedPort}`, connectTimeout: '1 second' }).then((c) => new Client({ connection: c }));
    const deps = { prisma: env.prisma, client: unreachable, taskQueue: env.taskQueue, workflowUrl: (id: string) => id };
    const event = { id: 'evt-offline', type: 'customer.signed_up', customer: { id: 'cust-9', email: 'grace@example.com' } };

    const first = await ingestEvent(deps, event);
    expect(first).toEqual({ status: 202, body: { eventId: 'evt-offline', runs: [], pending: true } });
    expect(await env.prisma.run.findMany({ where: { eventId: 'evt-offline' }, select: { status: true } })).toEqual([{ status: 'pending' }]);

    // Still down: a retry of the same event neither fails nor duplicates.
    expect((await ingestEvent(deps, event)).body).toMatchObject({ runs: [], pending: true });

    // Temporal is back: the dispatcher starts it; running the dispatcher again starts nothing more.
    const before = receiver.requests.length;
    const live = { ...deps, client: async () => env.client };
    expect(await startPendingRuns(live, 0)).toBe(1);
    expect(await startPendingRuns(live, 0)).toBe(0);
    const requests = await receiver.waitFor(before + 1);
    expect(JSON.parse(requests[before]!.body).email).toBe('grace@example.com');
    await env.client.workflow.getHandle(`flow/${flowId}/evt-offline`).result();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(before + 1);

    const replay = await ingestEvent(live, event);
    expect(replay.body).toMatchObject({ runs: [{ workflowId: `flow/${flowId}/evt-offline` }] });
    expect(replay.body).not.toHaveProperty('pending');
  });

  it('stores a batch, answers 202 pending, and a retry once Temporal is back starts its runs', async () => {
    const closedPort = await freePort();
    const unreachable = () => Connection.connect({ address: `127.0.0.1:${closedPort}`, connectTimeout: '1 second' }).then((c) => new Client({ connection: c }));
    const deps = { prisma: env.prisma, client: unreachable, taskQueue: env.taskQueue, workflowUrl: (id: string) => id };
    const batch = { events: ['evt-offline-b1', 'evt-offline-b2'].map((id) => ({ id, type: 'customer.signed_up', customer: { id: `cust-${id}`, email: `${id}@example.com` } })) };

    const first = await ingestEventBatch(deps, batch);
    expect(first).toEqual({
      status: 202,
      body: { accepted: 2, duplicates: 0, events: [{ index: 0, eventId: 'evt-offline-b1', runs: [] }, { index: 1, eventId: 'evt-offline-b2', runs: [] }], rejected: [], pending: true },
    });
    expect(await env.prisma.run.count({ where: { eventId: { in: ['evt-offline-b1', 'evt-offline-b2'] }, status: 'pending' } })).toBe(2);

    // The client's retry after Temporal is back starts the pending runs of its repeated ids, once each.
    const before = receiver.requests.length;
    const retry = await ingestEventBatch({ ...deps, client: async () => env.client }, batch);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 2, events: [{ duplicate: true, runs: [{ workflowId: `flow/${flowId}/evt-offline-b1` }] }, { duplicate: true, runs: [{ workflowId: `flow/${flowId}/evt-offline-b2` }] }] });
    expect(retry.body).not.toHaveProperty('pending');
    await receiver.waitFor(before + 2);
    await env.client.workflow.getHandle(`flow/${flowId}/evt-offline-b2`).result();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(before + 2);
  });
});
