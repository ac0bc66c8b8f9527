/**
 * The events API answers quickly when it cannot do its work: Temporal unreachable (202 pending within 2 s),
 * and its database busy past the ingestion queue's limit (503 with Retry-After, nothing lost of what was
 * accepted). The real route, a real SQLite file locked by a second connection, and a closed port.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { freePort } from '../../scripts/ports';
import { seedDemo } from '../../lib/server/seed';
import { eventRequest } from '../support/events';

const KEY = 'test-backpressure-key-0123456789';
let env: TestEnv;
let POST: (request: Request) => Promise<Response>;

const post = (id: string) => POST(eventRequest({ id, type: 'customer.signed_up', customer: { id: `c-${id}`, email: `${id}@example.com` } }, KEY));

async function timed(request: Promise<Response>): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
}

beforeAll(async () => {
  env = await createTestEnv('backpressure');
  await seedDemo(env.prisma, 'http://127.0.0.1:9');
  // Temporal is "down": nothing listens on this port. The route's own client connects to it.
  Object.assign(process.env, {
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    HOOKFLOW_INGEST_KEY: KEY,
    HOOKFLOW_INGEST_QUEUE_LIMIT: '3',
  });
  delete (globalThis as { hookflowTemporal?: unknown }).hookflowTemporal;
  ({ POST } = await import('../../app/api/events/route'));
});

afterAll(async () => {
  await env?.close();
});

describe('while Temporal is unreachable', () => {
  it('stores the event and answers 202 pending within 2 s, and the next one at once', async () => {
    const first = await timed(post('down-1'));
    expect(first.response.status).toBe(202);
    expect(await first.response.json()).toEqual({ eventId: 'down-1', runs: [], pending: true });
    expect(first.ms).toBeLessThan(2_000);

    const second = await timed(post('down-2'));
    expect(await second.response.json()).toMatchObject({ runs: [], pending: true });
    expect(second.ms).toBeLessThan(500);
    const runs = await env.prisma.run.findMany({ where: { eventId: { in: ['down-1', 'down-2'] } }, select: { status: true } });
    expect(runs).toEqual([{ status: 'pending' }, { status: 'pending' }]);
  });
});

describe('while the database is busy', () => {
  it('answers 503 with Retry-After beyond the queue limit, and stores every event it accepted once the database frees up', async () => {
    // Another process holds SQLite's write lock: ingestion's writes wait (without blocking the process).
    const other = new Database(env.databaseUrl.replace(/^file:/, ''));
    other.exec('BEGIN IMMEDIATE');
    const accepted = ['busy-1', 'busy-2', 'busy-3', 'busy-4'].map((id) => post(id));
    // One write is under way and three wait: the limit. The next is refused at once.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await timed(post('busy-5'));
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get('retry-after')).toBe('1');
    expect((await refused.response.json()).error).toBe('busy');
    expect(refused.ms).toBeLessThan(500);

    other.exec('COMMIT');
    other.close();
    const answers = await Promise.all(accepted);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const stored = await env.prisma.event.findMany({ where: { id: { startsWith: 'busy-' } }, orderBy: { id: 'asc' }, select: { id: true } });
    expect(stored.map((e) => e.id)).toEqual(['busy-1', 'busy-2', 'busy-3', 'busy-4']);
  });
});
