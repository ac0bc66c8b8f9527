/**
 * Postgres, when DATABASE_URL says so: the same migrations runner `npm start` uses, then the paths that
 * touch the database hardest, on a real Postgres server: an event through /api/events delivered by a real
 * worker, the editors' handlers (unique system names, encrypted secrets, publishing, the flows list's
 * grouped run counts), and a flows-as-code import and export in one transaction.
 *
 * HOOKFLOW_TEST_POSTGRES_URL names a server and a role that may create databases (.ci/run sets it up).
 * Without it the file is skipped locally, and fails on CI, where Postgres must be tested.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { callerFor, TEST_SECRET_KEY, userWithRole } from '../support/trpc';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { seedDemo } from '../../lib/server/seed';
import { migrateDatabase } from '../../scripts/migrate';
import { decryptSecret } from '../../lib/server/crypto/secrets';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import { eventRequest } from '../support/events';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER = process.env.HOOKFLOW_TEST_POSTGRES_URL;
const KEY = 'test-ingest-key-postgres-0123';

if (!SERVER && process.env.CI) throw new Error('HOOKFLOW_TEST_POSTGRES_URL is not set: .ci/run starts Postgres and sets it');


describe.skipIf(!SERVER)('on Postgres', () => {
  const database = `hookflow_test_${randomUUID().slice(0, 8)}`;
  let url: string;
  let env: TestEnv;
  let receiver: Receiver;
  let POST: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const server = new URL(SERVER!);
    server.pathname = `/${database}`;
    url = server.toString();
    const migrated = migrateDatabase(url);
    if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stdout}${migrated.stderr}`);
    env = await createTestEnv('postgres', { databaseUrl: url });
    receiver = await startReceiver();
    Object.assign(process.env, { DATABASE_URL: url, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, HOOKFLOW_INGEST_KEY: KEY });
    ({ POST } = await import('../../app/api/events/route'));
    await env.startWorker();
  }, 120_000);

  afterAll(async () => {
    await env?.close();
    await receiver?.close();
    const { db } = await import('../../lib/server/db');
    await db().$disconnect();
    if (SERVER) {
      const admin = new pg.Client({ connectionString: SERVER });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('migrations apply once: a second run has nothing to do, and a changed migration is refused', async () => {
    const again = migrateDatabase(url);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No pending migrations');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE "_hookflow_migrations" SET "checksum" = 'tampered' WHERE "name" LIKE '%_init'`);
    await client.end();
    const refused = migrateDatabase(url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/_init was changed after it was applied/);
  });

  it('an event posted to /api/events is stored in Postgres and delivered by the worker', async () => {
    const { flowId } = await seedDemo(env.prisma, receiver.url);
    const response = await POST(eventRequest({ id: 'pg-evt-1', type: 'customer.signed_up', customer: { id: 'pg-cust-1', email: 'ada@example.com', first_name: 'Ada' } }, KEY));
    expect(response.status).toBe(202);
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    await env.client.workflow.getHandle(`flow/${flowId}/pg-evt-1`).result();
    await expect.poll(async () => (await env.prisma.run.findFirstOrThrow({ where: { eventId: 'pg-evt-1' } })).status).toBe('completed');
    expect(await env.prisma.webhookAttempt.count({ where: { run: { eventId: 'pg-evt-1' } } })).toBe(1);
    // A repeated id is the same event: Postgres's unique violation is recognised like SQLite's.
    const repeat = await POST(eventRequest({ id: 'pg-evt-1', type: 'customer.signed_up', customer: { id: 'pg-cust-1' } }, KEY));
    expect(repeat.status).toBe(202);
    expect(await env.prisma.run.count({ where: { eventId: 'pg-evt-1' } })).toBe(1);
  });

  it('the webhook log: the run’s path and counts written with its completion, every kind of filter, resend, retention', async () => {
    const marketer = callerFor(env.prisma, await userWithRole(env.prisma, 'marketer'));
    const developer = callerFor(env.prisma, await userWithRole(env.prisma, 'developer'));
    const run = await env.prisma.run.findFirstOrThrow({ where: { eventId: 'pg-evt-1' } });
    expect(run.trace).toEqual({ path: ['welcome', 'end'], outputs: {}, failed: [] });
    const counts = await marketer.logs.stepCounts({ flowId: run.flowId, range: '30d' });
    expect(counts.runs).toEqual({ entered: 1, succeeded: 1, failed: 0 });
    const { recordRunStatus } = await import('../../lib/server/runs/attempts');
    // Once only: a repeated completion changes no count.
    await recordRunStatus(env.prisma, { runId: run.id, status: 'completed', flowId: run.flowId, trace: run.trace as never });
    expect((await marketer.logs.stepCounts({ flowId: run.flowId, range: '24h' })).runs.entered).toBe(1);
    const [step] = (run.trace as { path: string[] }).path;
    const ids = async (filters: Parameters<typeof marketer.logs.list>[0]) => (await marketer.logs.list(filters)).rows.map((r) => r.id);
    const [attempt] = await ids({ customer: 'pg-cust-1' });
    expect(attempt).toBeDefined();
    for (const filters of [{ flow: run.flowId, step }, { flow: run.flowId, passed: step }, { outcome: '2xx' }, { outcome: '2xx,5xx' }, { event: 'pg-evt-1' }, { run: run.id }, { webhook: 'welcome_email' }]) {
      expect([filters, await ids(filters)]).toEqual([filters, [attempt]]);
    }
    expect(await ids({ outcome: '4xx,5xx' })).toEqual([]);
    expect(await ids({ flow: run.flowId, passed: step, output: 'else' })).toEqual([]);
    const detail = await marketer.logs.get({ id: attempt! });
    expect(detail.entry.flow).toMatchObject({ id: run.flowId, version: 1 });
    const resent = await developer.logs.resend({ id: attempt! });
    expect(resent.status).toBe(200);
    expect(await ids({ run: run.id })).toEqual([resent.id, attempt]);
    const { deleteAttemptsBefore } = await import('../../lib/server/logs/retention');
    expect(await deleteAttemptsBefore(env.prisma, new Date(Date.now() + 60_000), 1)).toBe(1);
    expect(await ids({ customer: 'pg-cust-1' })).toEqual([resent.id]);
  });

  it('the editors work: encrypted secrets, a clear error on a duplicate system name, publishing, grouped run counts', async () => {
    const developer = callerFor(env.prisma, await userWithRole(env.prisma, 'developer'));
    const { id: integrationId } = await developer.integrations.create({
      name: 'Helpdesk on Postgres',
      rootUrl: `${receiver.url}/api/`,
      rateLimitPerSecond: null,
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      headers: [{ name: 'Authorization', value: 'Bearer pg-SECRET', secret: true }],
    });
    const stored = await env.prisma.integrationHeader.findFirstOrThrow({ where: { integrationId } });
    expect(stored.value).not.toContain('pg-SECRET');
    expect(decryptSecret(stored.value, TEST_SECRET_KEY)).toBe('Bearer pg-SECRET');
    const webhook = { integrationId, name: 'Ticket', systemName: 'pg_ticket', description: '', method: 'POST' as const, path: '/tickets', headers: [], disabledHeaders: [], bodyTemplate: '{}', captureEnabled: false, captureFields: [], maxRetries: null, retryWindowSeconds: null };
    const { id: webhookId } = (await developer.webhooks.create(webhook))!;
    await expect(developer.webhooks.create(webhook)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('"pg_ticket" is already used') });

    const { id: flowId } = await developer.flows.create({ name: 'Tickets', triggerEventType: 'pg.ticket' });
    const graph: FlowGraph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'pg.ticket' } },
        { id: 'w', type: 'webhook', position: { x: 0, y: 100 }, data: { webhookId } },
      ],
      edges: [{ id: 'e', source: 't', target: 'w' }],
    };
    await developer.flows.saveDraft({ id: flowId, graph });
    expect(await developer.flows.publish({ id: flowId })).toMatchObject({ ok: true, version: 1 });
    expect((await developer.flows.list({ includeArchived: false })).find((f) => f.id === flowId)).toMatchObject({ status: 'active', version: 1, runs24h: {} });
    expect((await developer.flows.list({ includeArchived: false })).find((f) => f.name === 'Welcome new customers')!.runs24h).toEqual({ completed: 1 });
  });

  it('flows as code: an example imports in one transaction and exports the same document', async () => {
    const developer = callerFor(env.prisma, await userWithRole(env.prisma, 'developer'));
    const example = JSON.parse(readFileSync(path.join(ROOT, 'examples/loyalty-tier-helpdesk.json'), 'utf8')) as { integrations: { headers: { secretRef?: string }[] }[] };
    const secrets = Object.fromEntries(example.integrations.flatMap((i) => i.headers.flatMap((h) => (h.secretRef ? [[h.secretRef, 'Bearer from-test']] : []))));
    const text = JSON.stringify(example);
    const imported = await developer.flowsAsCode.import({ document: text, publish: true, dryRun: false, secrets });
    expect(imported).toMatchObject({ ok: true, changes: expect.arrayContaining([expect.objectContaining({ kind: 'flow', action: 'create', publishes: 1 })]) });
    // Re-importing changes nothing; the export carries what was imported, secrets by reference only.
    const again = await developer.flowsAsCode.import({ document: text, publish: true, dryRun: false, secrets });
    expect(again.ok && again.changes.every((c) => c.action === 'unchanged')).toBe(true);
    const exported = await developer.flowsAsCode.export();
    const document = JSON.parse(exported.text) as { flows: { name: string }[] };
    for (const flow of (example as unknown as { flows: { name: string }[] }).flows) expect(document.flows.map((f) => f.name)).toContain(flow.name);
    expect(exported.text).not.toContain('Bearer from-test');
    // A refused document writes nothing, also on Postgres.
    const before = await env.prisma.webhook.count();
    const refused = await developer.flowsAsCode.import({ document: '{"version": 99}', publish: false, dryRun: false, secrets: {} });
    expect(refused).toMatchObject({ ok: false });
    expect(await env.prisma.webhook.count()).toBe(before);
  });

  it('a batch posted to /api/events/batch is stored in one Postgres transaction; an invalid event and a repeat are answered by index', async () => {
    const { POST: postBatch } = await import('../../app/api/events/batch/route');
    // Last in the file: the runs it adds would change the counts the tests above check.
    const { flowId } = await env.prisma.run.findFirstOrThrow({ where: { eventId: 'pg-evt-1' } });
    const before = receiver.requests.length;
    const signup = (id: string) => ({ id, type: 'customer.signed_up', customer: { id: `cust-${id}`, email: `${id}@example.com` } });
    const response = await postBatch(eventRequest({ events: [signup('pg-batch-1'), { id: 'pg-batch-bad', type: 'customer.signed_up' }, signup('pg-batch-2'), signup('pg-evt-1')] }, KEY));
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: [{ index: 1, eventId: 'pg-batch-bad', field: 'customer' }] });
    expect(body.events.map((e: { index: number; duplicate?: boolean; runs: { workflowId: string }[] }) => [e.index, e.duplicate ?? false, e.runs.map((r) => r.workflowId)])).toEqual([
      [0, false, [`flow/${flowId}/pg-batch-1`]],
      [2, false, [`flow/${flowId}/pg-batch-2`]],
      [3, true, [`flow/${flowId}/pg-evt-1`]],
    ]);
    const delivered = await receiver.waitFor(before + 2);
    expect(delivered.slice(before).map((r) => JSON.parse(r.body).email).sort()).toEqual(['pg-batch-1@example.com', 'pg-batch-2@example.com']);
    expect(await env.prisma.event.count({ where: { id: { in: ['pg-batch-1', 'pg-batch-2', 'pg-batch-bad'] } } })).toBe(2);
  });
});
