/**
 * No request to the events API, the Segment-compatible API or the tRPC API can make Hookflow answer 5xx or without a JSON body: random
 * and hostile bodies (fast-check), posted to the real route handlers on a real database, as a signed-in
 * admin for tRPC. Nesting, key counts and string lengths beyond the documented limits get a 400 naming them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../support/env';
import { createSession } from '../../lib/server/auth/session';
import { EVENT_LIMITS } from '../../lib/domain/events/schema';
import { eventRequest } from '../support/events';

const KEY = 'test-fuzz-ingest-key-0123456789';
let env: TestEnv;
let events: (request: Request) => Promise<Response>;
let trpc: (request: Request) => Promise<Response>;
let segment: (request: Request, context: { params: Promise<{ call: string }> }) => Promise<Response>;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  env = await createTestEnv('fuzz');
  Object.assign(process.env, { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, HOOKFLOW_INGEST_KEY: KEY });
  ({ POST: events } = await import('../../app/api/events/route'));
  ({ POST: trpc } = await import('../../app/api/trpc/[trpc]/route'));
  ({ POST: segment } = await import('../../app/api/segment/v1/[call]/route'));
  const admin = await env.prisma.user.create({ data: { email: 'fuzz-admin@example.com', name: 'Admin', role: 'admin' } });
  const session = await createSession(env.prisma, admin.id);
  cookie = `hookflow_session=${session.token}`;
  csrf = session.csrfToken;
});

afterAll(async () => {
  await env?.close();
});

/** Whatever came in, the answer is a 2xx or 4xx with a JSON body. */
async function expectOrderly(response: Response, sent: string): Promise<void> {
  const text = await response.text();
  expect(response.status, `answered ${response.status} to ${sent.slice(0, 300)}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(() => JSON.parse(text), `not JSON for ${sent.slice(0, 300)}: ${text.slice(0, 300)}`).not.toThrow();
}

const postEvent = (body: string) =>
  events(eventRequest(body, KEY));

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

/** JSON values with the strings that break naive code: prototype keys, templates, control characters. */
const hostileString = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', '{{ 7*7 }}', '${Customer.Id}', '\u0000\u2028\ud800', 'a'.repeat(5000)));
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.integer(), hostileString, fc.array(tie('value'), { maxLength: 5 }), fc.dictionary(hostileString, tie('value'), { maxKeys: 5 })),
})).value;

const eventShaped = fc.record(
  { id: fc.oneof(hostileString, fc.integer()), type: fc.oneof(hostileString, fc.constant('customer.signed_up')), customer: hostileJson, data: hostileJson, occurredAt: fc.oneof(hostileString, fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString()))) },
  { requiredKeys: [] },
);

describe('POST /api/events', () => {
  it('answers every random or hostile body with 2xx or 4xx and JSON', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileJson.map((v) => JSON.stringify(v) ?? 'null'), eventShaped.map((v) => JSON.stringify(v)), fc.string()), async (body) => {
        await expectOrderly(await postEvent(body), body);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['nesting', { id: 'deep-1', type: 'x', customer: { id: 'c' }, data: nested(300) }, `nests deeper than ${EVENT_LIMITS.depth} levels`],
    ['nesting in the customer', { id: 'deep-2', type: 'x', customer: { id: 'c', profile: nested(40) } }, `nests deeper than ${EVENT_LIMITS.depth} levels`],
    ['keys', { id: 'keys-1', type: 'x', customer: { id: 'c' }, data: Object.fromEntries(Array.from({ length: EVENT_LIMITS.keys + 1 }, (_, i) => [`k${i}`, i])) }, `more than ${EVENT_LIMITS.keys} keys`],
    ['string length', { id: 'long-1', type: 'x', customer: { id: 'c' }, data: { note: 'x'.repeat(EVENT_LIMITS.stringLength + 1) } }, `at most ${EVENT_LIMITS.stringLength}`],
  ])('refuses an event over the %s limit with a 400 naming it, and stores nothing', async (_limit, event, message) => {
    const response = await postEvent(JSON.stringify(event));
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(message);
    expect(await env.prisma.event.count({ where: { id: event.id } })).toBe(0);
  });

  it('refuses a body of 100,000 nested arrays with a 400, without running out of stack', async () => {
    const body = '['.repeat(100_000) + ']'.repeat(100_000);
    const response = await postEvent(body);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(`nests deeper than ${EVENT_LIMITS.depth} levels`);
  });
});

/** Segment-spec messages with hostile values in every field, and some that are almost right. */
const segmentShaped = fc.record(
  {
    type: fc.oneof(fc.constantFrom('track', 'identify', 'alias', 'page', 'group'), hostileString),
    userId: fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.constantFrom('fuzz-user', 'anonymous:fuzz-anon')),
    anonymousId: fc.oneof(hostileString, fc.constant(null), fc.constantFrom('fuzz-anon', '__proto__')),
    previousId: fc.oneof(hostileString, fc.constant('fuzz-anon')),
    event: fc.oneof(hostileString, fc.constant('Order Completed')),
    properties: hostileJson,
    traits: hostileJson,
    context: hostileJson,
    timestamp: fc.oneof(hostileString, fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString()))),
    messageId: fc.oneof(hostileString, fc.integer()),
  },
  { requiredKeys: [] },
);

describe('POST /api/segment/v1/{call}', () => {
  it('answers every random or hostile message and batch with 2xx or 4xx and JSON', { timeout: 300_000 }, async () => {
    const post = (call: string, body: string) =>
      segment(new Request(`http://localhost/api/segment/v1/${call}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body }), { params: Promise.resolve({ call }) });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('track', 'identify', 'alias', 'page', 'batch'),
        fc.oneof(segmentShaped.map((m) => JSON.stringify(m)), fc.array(segmentShaped, { maxLength: 8 }).map((batch) => JSON.stringify({ batch })), hostileJson.map((v) => JSON.stringify(v) ?? 'null'), fc.string()),
        async (call, body) => {
          await expectOrderly(await post(call, body), `${call}: ${body}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('POST /api/trpc', () => {
  const procedures = ['flows.create', 'flows.saveDraft', 'flows.validate', 'flows.publish', 'flows.rename', 'flows.testRun', 'webhooks.saveSample', 'integrations.create', 'integrations.update', 'webhooks.create', 'webhooks.check', 'webhooks.update', 'users.invite', 'users.updateRole', 'flowsAsCode.dryRun'];
  it('answers every random or hostile input with 2xx or 4xx and JSON', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), fc.oneof(hostileJson.map((v) => JSON.stringify(v) ?? 'null'), fc.string()), async (procedure, body) => {
        const response = await trpc(
          new Request(`http://localhost/api/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body }),
        );
        await expectOrderly(response, `${procedure} ${body}`);
      }),
      { numRuns: 200 },
    );
  });
});
