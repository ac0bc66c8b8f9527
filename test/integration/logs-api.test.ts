/**
 * The HTTP API with API keys, against the built app (`next start`) on a real database: exporting the log
 * through GET /api/logs as JSON and NDJSON with cursor pagination, 403 for a key without the scope, 401
 * for a missing or revoked key; POST /api/events with an events:write key next to the ingest key; and the
 * api-keys command line.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../scripts/app-server';
import { startAppFor } from '../support/app';
import { createTestEnv, type TestEnv } from '../support/env';
import { recordAttempt } from '../../lib/server/runs/attempts';
import { createApiKey, revokeApiKey } from '../../lib/server/auth/api-keys';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INGEST_KEY = 'ingest-key-for-the-logs-api-test';
let env: TestEnv;
let server: AppServer;

async function seed(customer: string, status: number, n: number) {
  for (let i = 0; i < n; i++) {
    await recordAttempt(env.prisma, {
      runId: null,
      nodeId: 'w1',
      webhookId: 'wh-api',
      transactionalId: `${customer}-tid`,
      attempt: i + 1,
      maxAttempts: 4,
      scheduledAt: null,
      durationMs: 12,
      requestMethod: 'POST',
      requestUrl: 'https://crm.example/api/contacts',
      requestHeaders: [{ name: 'Authorization', value: '••••••••', secret: true }],
      requestBody: '{"email":"ada@example.com"}',
      responseStatus: status,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: '{"ok":true}',
      responseTruncated: false,
      errorClass: status >= 500 ? 'http_5xx' : null,
      errorMessage: null,
      customerExternalId: customer,
      flowId: 'flow-api',
    });
  }
}

beforeAll(async () => {
  env = await createTestEnv('logs-api');
  await seed('c-1', 200, 3);
  await seed('c-2', 503, 2);
  ({ server } = await startAppFor(env, 'logs-api', { HOOKFLOW_INGEST_KEY: INGEST_KEY }));
}, 600_000);

afterAll(async () => {
  server?.stop();
  await env?.close();
});

const get = (query: string, key: string | null, accept = 'application/json') =>
  fetch(`${server.url}/api/logs${query}`, { headers: { accept, ...(key ? { authorization: `Bearer ${key}` } : {}) } });

describe('GET /api/logs', () => {
  it('exports with a logs:read key as JSON, a page at a time', async () => {
    const { key } = await createApiKey(env.prisma, { name: 'warehouse', scopes: ['logs:read'] });
    const all = await get('', key);
    expect(all.status).toBe(200);
    const body = (await all.json()) as { logs: { customerId: string; request: { body: string }; response: { status: number } }[]; nextCursor: string | null };
    expect(body.logs).toHaveLength(5);
    expect(body.nextCursor).toBeNull();
    expect(body.logs[0]).toMatchObject({ webhook: { id: 'wh-api' }, request: { body: '{"email":"ada@example.com"}', headers: [{ name: 'Authorization', value: '••••••••', secret: true }] }, response: { status: expect.any(Number) } });

    const failed = (await (await get('?customer=c-2&outcome=5xx', key)).json()) as { logs: { customerId: string; outcome: string }[] };
    expect(failed.logs.map((l) => [l.customerId, l.outcome])).toEqual([['c-2', '5xx'], ['c-2', '5xx']]);

    const seen: string[] = [];
    let query = '?limit=2';
    for (let page = 0; page < 5; page++) {
      const response = await get(query, key);
      const data = (await response.json()) as { logs: { id: string }[]; nextCursor: string | null };
      seen.push(...data.logs.map((l) => l.id));
      expect(response.headers.get('x-next-cursor')).toBe(data.nextCursor);
      if (!data.nextCursor) break;
      query = `?limit=2&cursor=${encodeURIComponent(data.nextCursor)}`;
    }
    expect(seen).toEqual((body.logs as unknown as { id: string }[]).map((l) => l.id));
    expect((await env.prisma.apiKey.findFirstOrThrow({ where: { name: 'warehouse' } })).lastUsedAt).not.toBeNull();
  });

  it('exports as NDJSON with Accept: application/x-ndjson', async () => {
    const { key } = await createApiKey(env.prisma, { name: 'ndjson', scopes: ['logs:read', 'events:write'] });
    const response = await get('?customer=c-1&limit=2', key, 'application/x-ndjson');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { customerId: string });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.customerId === 'c-1')).toBe(true);
    expect(response.headers.get('x-next-cursor')).toBeTruthy();
  });

  it('401 without a key or with a revoked one, 403 without the scope, 400 for a bad filter', async () => {
    expect((await get('', null)).status).toBe(401);
    expect((await get('', 'hfk_notarealkey0_' + 'x'.repeat(43))).status).toBe(401);
    expect((await get('', INGEST_KEY)).status).toBe(401);
    const eventsOnly = await createApiKey(env.prisma, { name: 'events only', scopes: ['events:write'] });
    const forbidden = await get('', eventsOnly.key);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('logs:read') });
    const revoked = await createApiKey(env.prisma, { name: 'revoked', scopes: ['logs:read'] });
    expect((await get('', revoked.key)).status).toBe(200);
    await revokeApiKey(env.prisma, revoked.apiKey.id);
    const gone = await get('', revoked.key);
    expect(gone.status).toBe(401);
    expect(await gone.json()).toMatchObject({ message: 'This API key was revoked' });
    const good = await createApiKey(env.prisma, { name: 'bad filters', scopes: ['logs:read'] });
    expect((await get('?outcome=7xx', good.key)).status).toBe(400);
    expect((await get('?custmer=c-1', good.key)).status).toBe(400);
    expect((await get('?cursor=nonsense', good.key)).status).toBe(400);
  });
});

describe('POST /api/events with API keys', () => {
  const post = (key: string) =>
    fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: `evt-${Math.random().toString(36).slice(2)}`, type: 'nobody.listens', customer: { id: 'c-9' } }),
    });

  it('takes an events:write key and the ingest key; refuses a key without the scope or revoked', async () => {
    const writer = await createApiKey(env.prisma, { name: 'writer', scopes: ['events:write'] });
    expect((await post(writer.key)).status).toBe(202);
    expect((await post(INGEST_KEY)).status).toBe(202);
    const reader = await createApiKey(env.prisma, { name: 'reader', scopes: ['logs:read'] });
    expect((await post(reader.key)).status).toBe(403);
    await revokeApiKey(env.prisma, writer.apiKey.id);
    expect((await post(writer.key)).status).toBe(401);
    expect((await post('wrong')).status).toBe(401);
  });
});

describe('the api-keys command line', () => {
  // Asynchronous, not spawnSync: a blocked event loop misses the app server closing an idle keep-alive
  // connection, and the next fetch then fails on the closed socket.
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'scripts/hookflow.ts'), 'api-keys', ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: env.databaseUrl }, encoding: 'utf8' },
        (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });

  it('creates a key printed once, lists it without its secret, and revokes it', async () => {
    const created = await cli('create', '--name', 'cli export', '--scopes', 'logs:read');
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^hfk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await get('?limit=1', key)).status).toBe(200);
    const listed = await cli('list');
    expect(listed.stdout).toContain('cli export');
    expect(listed.stdout).not.toContain(key);
    const id = listed.stdout.split('\n').find((line) => line.includes('cli export'))!.split(/\s+/)[0]!;
    expect((await cli('revoke', id)).status).toBe(0);
    expect((await get('?limit=1', key)).status).toBe(401);
    expect((await cli('revoke', 'no-such-key')).status).toBe(1);
    const bad = await cli('create', '--name', 'x', '--scopes', 'logs:write');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown scope logs:write; the scopes are events:write, logs:read');
    const audit = await env.prisma.auditEvent.findMany({ where: { entityId: id }, orderBy: { at: 'asc' } });
    expect(audit.map((r) => [r.action, r.actorLabel, r.entityName])).toEqual([['apikey.create', `cli (${userInfo().username})`, 'cli export'], ['apikey.revoke', `cli (${userInfo().username})`, 'cli export']]);
    expect(JSON.stringify(audit)).not.toContain(key);
  });
});
