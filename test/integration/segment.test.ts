/**
 * The Segment-compatible API with the real client libraries (@segment/analytics-node and
 * @rudderstack/rudder-sdk-node) against the built app (`next start`), a real worker on the Temporal dev
 * server and a loopback receiver: identify, track and batch start the flows, traits land in the customer's
 * attributes, client retries never start a run twice, anonymous visitors start only the flows that opt in
 * and become known customers on identify, and bad input is answered per message.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import type { AppServer } from '../../scripts/app-server';
import { startAppFor } from '../support/app';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { createApiKey } from '../../lib/server/auth/api-keys';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { IDENTIFY_EVENT_TYPE } from '../../lib/domain/events/schema';
import { segmentAnswerSchema } from '../../lib/domain/events/segment';
import { callerFor, userWithRole } from '../support/trpc';

let env: TestEnv;
let receiver: Receiver;
let server: AppServer;
let writeKey: string;

/** The receiver's requests to one webhook path, bodies parsed. */
const deliveries = (webhookPath: string) => receiver.requests.filter((r) => r.url === webhookPath).map((r) => JSON.parse(r.body) as Record<string, unknown>);

/** Waits for exactly `count` deliveries to a webhook path that `about` picks, and answers them. */
async function waitForDeliveries(webhookPath: string, count: number, about: (delivery: Record<string, unknown>) => boolean) {
  await expect.poll(() => deliveries(webhookPath).filter(about).length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(count);
  return deliveries(webhookPath).filter(about);
}

async function attributesOf(externalId: string) {
  const customer = await env.prisma.customer.findUnique({ where: { externalId } });
  return customer?.attributes as Record<string, unknown> | undefined;
}

const segment = (call: string, body: unknown, headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` }) =>
  fetch(`${server.url}/api/segment/v1/${call}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body) });

beforeAll(async () => {
  env = await createTestEnv('segment');
  receiver = await startReceiver();
  const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
  const flows: [string, string, string, boolean?][] = [
    ['Order Completed', 'order_completed', '{"order":"${Event.Data.order_id}","plan":"${Event.Data.plan}","email":"${Customer.Email}","event":"${Event.Id}","page":"${Event.Context.page.url | default(\'none\')}"}'],
    [IDENTIFY_EVENT_TYPE, 'customer_identified', '{"customer":"${Customer.Id}","email":"${Customer.Email}","plan":"${Customer.Plan}"}'],
    ['Product Viewed', 'product_viewed', '{"customer":"${Customer.Id}"}'],
    ['Cart Viewed', 'cart_viewed', '{"customer":"${Customer.Id}"}', true],
  ];
  for (const [eventType, systemName, bodyTemplate, anonymous] of flows) {
    const webhook = await createWebhook(env.prisma, integration.id, { systemName, path: `/${systemName}`, bodyTemplate });
    const graph = linearGraph(eventType, [webhook.id]);
    if (anonymous) graph.nodes[0]!.data = { ...graph.nodes[0]!.data, anonymous: true } as never;
    await createPublishedFlow(env.prisma, graph, systemName);
  }
  ({ key: writeKey } = await createApiKey(env.prisma, { name: 'segment source', scopes: ['events:write'] }));
  ({ server } = await startAppFor(env, 'segment'));
  await env.startWorker();
}, 600_000);

afterAll(async () => {
  server?.stop();
  await receiver?.close();
  await env?.close();
});

/**
 * A proxy in front of the app that passes every request on but answers the first `failures` with 503, as a
 * load balancer dropping the answer would: the client must retry messages Hookflow already stored.
 */
async function flakyProxy(failures: number): Promise<{ url: string; seen: number; close(): Promise<void> }> {
  let seen = 0;
  const proxy: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const answer = await fetch(`${server.url}${request.url}`, { method: 'POST', headers: request.headers as Record<string, string>, body: Buffer.concat(chunks) });
      const text = await answer.text();
      seen++;
      if (seen <= failures) response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"dropped by the proxy"}');
      else response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    get seen() {
      return seen;
    },
    close: () => new Promise((resolve) => proxy.close(() => resolve())),
  };
}

describe('Segment-compatible API with @segment/analytics-node', () => {
  it('identify upserts the customer and starts "customer identified" flows; track starts the event\'s flows with properties, traits and context', async () => {
    const analytics = new Analytics({ writeKey, host: server.url, path: '/api/segment/v1/batch', flushInterval: 50, maxRetries: 3 });
    analytics.identify({ userId: 'seg-user-1', traits: { email: 'ada@example.com', plan: 'pro', id: 'ignored' } });
    analytics.track({ userId: 'seg-user-1', event: 'Order Completed', properties: { order_id: 'o-1001', plan: 'pro' }, context: { page: { url: 'https://shop.example/checkout' } } });
    await analytics.closeAndFlush();

    const [identified] = await waitForDeliveries('/customer_identified', 1, (d) => d.customer === 'seg-user-1');
    expect(identified).toEqual({ customer: 'seg-user-1', email: 'ada@example.com', plan: 'pro' });
    const [order] = await waitForDeliveries('/order_completed', 1, (d) => d.order === 'o-1001');
    expect(order).toMatchObject({ order: 'o-1001', plan: 'pro', email: 'ada@example.com', page: 'https://shop.example/checkout' });
    expect(order!.event).toMatch(/^node-next-/);
    expect(await attributesOf('seg-user-1')).toEqual({ email: 'ada@example.com', plan: 'pro' });
    const stored = await env.prisma.event.findUniqueOrThrow({ where: { id: String(order!.event) } });
    expect(stored.type).toBe('Order Completed');
    expect(stored.data).toEqual({ order_id: 'o-1001', plan: 'pro' });
    expect((stored.context as { library: { name: string } }).library.name).toBe('@segment/analytics-node');
  });

  it('retried batches start each run once: the proxy drops the first two answers after Hookflow stored the messages', async () => {
    const proxy = await flakyProxy(2);
    try {
      const analytics = new Analytics({ writeKey, host: proxy.url, path: '/api/segment/v1/batch', flushAt: 3, flushInterval: 50, maxRetries: 5 });
      for (const order of ['o-2001', 'o-2002', 'o-2003']) analytics.track({ userId: 'seg-user-2', event: 'Order Completed', properties: { order_id: order } });
      await analytics.closeAndFlush({ timeout: 30_000 });
      expect(proxy.seen).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.close();
    }
    const isRetried = (d: Record<string, unknown>) => String(d.order).startsWith('o-200');
    await waitForDeliveries('/order_completed', 3, isRetried);
    // Let any second run of a retried message arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const orders = deliveries('/order_completed').filter(isRetried).map((d) => d.order);
    expect(orders.sort()).toEqual(['o-2001', 'o-2002', 'o-2003']);
    expect(await env.prisma.event.count({ where: { customer: { externalId: 'seg-user-2' } } })).toBe(3);
    expect(await env.prisma.run.count({ where: { customer: { externalId: 'seg-user-2' } } })).toBe(3);
  });
});

describe('Segment-compatible API with @rudderstack/rudder-sdk-node (gzip bodies)', () => {
  it('identify, track and a batch of several arrive, once each', async () => {
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: `${server.url}/api/segment`, flushAt: 5, flushInterval: 50, logLevel: 'error' });
    client.identify({ userId: 'rudder-user-1', traits: { email: 'grace@example.com', plan: 'team' } });
    for (const order of ['r-1', 'r-2', 'r-3']) client.track({ userId: 'rudder-user-1', event: 'Order Completed', properties: { order_id: order, plan: 'team' } });
    await client.flush();

    const identified = await waitForDeliveries('/customer_identified', 1, (d) => d.customer === 'rudder-user-1');
    expect(identified).toEqual([{ customer: 'rudder-user-1', email: 'grace@example.com', plan: 'team' }]);
    const orders = await waitForDeliveries('/order_completed', 3, (d) => String(d.order).startsWith('r-'));
    expect(orders.map((d) => d.order).sort()).toEqual(['r-1', 'r-2', 'r-3']);
    expect(orders.every((d) => d.email === 'grace@example.com' && d.plan === 'team')).toBe(true);
    expect(await env.prisma.run.count({ where: { customer: { externalId: 'rudder-user-1' } } })).toBe(4);
    expect(await attributesOf('rudder-user-1')).toEqual({ email: 'grace@example.com', plan: 'team' });
  });
});

describe('anonymous visitors', () => {
  it('are stored, start only the flows that opt in, and become the known customer on identify', async () => {
    const analytics = new Analytics({ writeKey, host: server.url, path: '/api/segment/v1/batch', flushInterval: 50 });
    analytics.track({ anonymousId: 'anon-1', event: 'Product Viewed', properties: { sku: 'sku-1' } });
    analytics.track({ anonymousId: 'anon-1', event: 'Cart Viewed', properties: {} });
    await analytics.flush();
    const carts = await waitForDeliveries('/cart_viewed', 1, (d) => d.customer === 'anonymous:anon-1');
    expect(carts).toHaveLength(1);
    const anonymous = await env.prisma.customer.findUniqueOrThrow({ where: { externalId: 'anonymous:anon-1' }, include: { events: true } });
    expect(anonymous.anonymous).toBe(true);
    expect(anonymous.events.map((e) => e.type).sort()).toEqual(['Cart Viewed', 'Product Viewed']);

    analytics.identify({ userId: 'visitor-1', anonymousId: 'anon-1', traits: { email: 'visitor@example.com' } });
    analytics.track({ anonymousId: 'anon-1', event: 'Product Viewed', properties: { sku: 'sku-2' } });
    await analytics.closeAndFlush();
    // The anonymous customer is now the known one, with its earlier events; a later anonymous call is theirs.
    await expect.poll(() => deliveries('/product_viewed').length, { timeout: 30_000 }).toBe(1);
    expect(deliveries('/product_viewed')).toEqual([{ customer: 'visitor-1' }]);
    const known = await env.prisma.customer.findUniqueOrThrow({ where: { externalId: 'visitor-1' }, include: { events: true } });
    expect(known.id).toBe(anonymous.id);
    expect(known.anonymous).toBe(false);
    expect(known.events).toHaveLength(4);
    expect(await env.prisma.customer.findUnique({ where: { externalId: 'anonymous:anon-1' } })).toBeNull();
  });

  it('alias merges an anonymous visitor into a customer who already exists: events, runs and attributes move over', async () => {
    const first = await segment('identify', { userId: 'merge-user', traits: { email: 'merge@example.com', plan: 'pro' }, messageId: 'merge-identify' });
    expect(first.status).toBe(200);
    const anon = await segment('track', { anonymousId: 'anon-merge', event: 'Cart Viewed', properties: {}, messageId: 'merge-cart', context: { traits: { plan: 'free', coupon: 'WELCOME' } } });
    expect(await anon.json()).toMatchObject({ success: true, accepted: 1 });
    await waitForDeliveries('/cart_viewed', 1, (d) => d.customer === 'anonymous:anon-merge');
    const anonymousCustomer = await env.prisma.customer.findUniqueOrThrow({ where: { externalId: 'anonymous:anon-merge' } });

    const alias = await segment('alias', { previousId: 'anon-merge', userId: 'merge-user', messageId: 'merge-alias' });
    expect(alias.status).toBe(200);
    expect(await env.prisma.customer.findUnique({ where: { id: anonymousCustomer.id } })).toBeNull();
    const merged = await env.prisma.customer.findUniqueOrThrow({ where: { externalId: 'merge-user' }, include: { events: true, runs: true } });
    expect(merged.events.map((e) => e.id).sort()).toEqual(['merge-alias', 'merge-cart', 'merge-identify']);
    expect(merged.runs).toHaveLength(2);
    // The known customer's plan wins; what only the visitor had is kept.
    expect(merged.attributes).toEqual({ email: 'merge@example.com', plan: 'pro', coupon: 'WELCOME' });
  });
});

describe('bad input', () => {
  it('a batch with bad messages stores the good ones and reports each bad one by index', async () => {
    const response = await segment('batch', {
      batch: [
        { type: 'track', userId: 'batch-user', event: 'Order Completed', properties: { order_id: 'b-1' }, messageId: 'batch-good-1' },
        { type: 'track', userId: 'batch-user', properties: {}, messageId: 'batch-no-event' },
        { type: 'track', event: 'Order Completed', messageId: 'batch-nobody' },
        { type: 'page', userId: 'batch-user', name: 'Home' },
        { type: 'explode', userId: 'batch-user' },
        { type: 'track', userId: 'batch-user', event: 'Order Completed', properties: { order_id: 'b-2' }, messageId: 'batch-good-2', timestamp: 'yesterday' },
        { type: 'track', userId: 'batch-user', event: 'Order Completed', properties: { order_id: 'b-3' }, messageId: 'batch-good-3', timestamp: '2026-11-30T10:00:00Z' },
      ],
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(segmentAnswerSchema.safeParse(body).success).toBe(true);
    expect(body).toEqual({
      success: true,
      accepted: 2,
      duplicates: 0,
      ignored: 1,
      rejected: [
        { index: 1, messageId: 'batch-no-event', field: 'event', error: expect.stringContaining('is required') },
        { index: 2, messageId: 'batch-nobody', field: 'userId', error: 'userId or anonymousId is required' },
        { index: 4, field: 'type', error: expect.stringContaining('"explode" is not a Segment call') },
        { index: 5, messageId: 'batch-good-2', field: 'timestamp', error: expect.stringContaining('ISO 8601') },
      ],
    });
    // The Logs page lists each refused message with the problem and the message as sent.
    const marketer = callerFor(env.prisma, await userWithRole(env.prisma, 'marketer'));
    const { items } = await marketer.logs.refused({ limit: 50 });
    // (A single bad call is answered 400 and not kept; the other batch with bad messages is for unicode-user.)
    const refusedHere = items.filter((i) => i.call === 'batch' && !i.payload.includes('unicode-user'));
    expect(refusedHere.map((i) => [i.call, i.position, i.messageId, i.field]).sort()).toEqual([
      ['batch', 1, 'batch-no-event', 'event'],
      ['batch', 2, 'batch-nobody', 'userId'],
      ['batch', 4, null, 'type'],
      ['batch', 5, 'batch-good-2', 'timestamp'],
    ]);
    expect(JSON.parse(refusedHere.find((i) => i.position === 5)!.payload)).toMatchObject({ timestamp: 'yesterday', properties: { order_id: 'b-2' } });

    const stored = await env.prisma.event.findMany({ where: { customer: { externalId: 'batch-user' } } });
    expect(stored.map((e) => e.id).sort()).toEqual(['batch-good-1', 'batch-good-3']);
    expect(stored.find((e) => e.id === 'batch-good-3')!.occurredAt.toISOString()).toBe('2026-11-30T10:00:00.000Z');

    const again = await segment('batch', { batch: [{ type: 'track', userId: 'batch-user', event: 'Order Completed', messageId: 'batch-good-1' }] });
    expect(await again.json()).toMatchObject({ success: true, accepted: 0, duplicates: 1 });
  });

  it('keeps refused messages whose text is not valid Unicode, or is cut through a character', async () => {
    // A key with half a surrogate pair is named in the record's field; a too-long messageId is cut to 200
    // UTF-16 units for the record, which splits an emoji. The database refuses both as they are.
    const longId = `${'u'.repeat(199)}🚀🚀`;
    const response = await segment('batch', {
      batch: [
        { type: 'track', userId: 'unicode-user', event: 'Order Completed', properties: { ['bad\ud800key']: 1 }, messageId: 'unicode-bad-key' },
        { type: 'track', userId: 'unicode-user', event: 'Order Completed', messageId: longId },
        { type: 'track', userId: 'unicode-user', event: 'Order Completed', messageId: 'unicode-good' },
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, field: 'properties.bad\ud800key' }, { index: 1, field: 'messageId' }] });
    const records = await env.prisma.refusedEvent.findMany({ where: { call: 'batch', messageId: { in: ['unicode-bad-key', `${'u'.repeat(199)}\ufffd`] } } });
    expect(records.map((r) => [r.position, r.field]).sort()).toEqual([
      [0, 'properties.bad\ufffdkey'],
      [1, 'messageId'],
    ]);
  });

  it('answers 400, 401, 403, 404 and 413 with a message, and takes the key as Bearer or as writeKey in the body', async () => {
    const single = await segment('track', { userId: 'u', properties: {} });
    expect(single.status).toBe(400);
    expect(await single.json()).toMatchObject({ success: false, error: 'invalid_message', field: 'event' });
    const json = await segment('batch', '{"batch": [');
    expect(json.status).toBe(400);
    expect((await json.json()).message).toContain('not valid JSON');
    expect((await segment('batch', { messages: [] })).status).toBe(400);

    const none = await segment('track', { userId: 'u', event: 'Order Completed' }, {});
    expect(none.status).toBe(401);
    expect((await none.json()).message).toContain('write key');
    const wrong = await segment('track', { userId: 'u', event: 'Order Completed' }, { authorization: `Basic ${Buffer.from('hf_nope_nope:').toString('base64')}` });
    expect(wrong.status).toBe(401);
    const { key: logsOnly } = await createApiKey(env.prisma, { name: 'logs only', scopes: ['logs:read'] });
    const forbidden = await segment('track', { userId: 'u', event: 'Order Completed' }, { authorization: `Basic ${Buffer.from(`${logsOnly}:`).toString('base64')}` });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).message).toContain('events:write');

    const bearer = await segment('track', { userId: 'bearer-user', event: 'Signed Up', messageId: 'bearer-1' }, { authorization: `Bearer ${writeKey}` });
    expect(await bearer.json()).toMatchObject({ success: true, accepted: 1 });
    const inBody = await segment('batch', { writeKey, batch: [{ type: 'track', userId: 'body-user', event: 'Signed Up', messageId: 'body-1' }] }, {});
    expect(await inBody.json()).toMatchObject({ success: true, accepted: 1 });

    expect((await segment('unknown', {})).status).toBe(404);
    const big = await segment('track', { userId: 'u', event: 'Order Completed', properties: { blob: 'x'.repeat(40 * 1024) } });
    expect(big.status).toBe(413);
    const bomb = await segment('batch', gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20)), {
      authorization: `Bearer ${writeKey}`,
      'content-encoding': 'gzip',
    });
    expect(bomb.status).toBe(413);
  });
});
