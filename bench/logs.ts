/**
 * `npm run bench:logs`: the webhook log at scale. Seeds BENCH_LOG_ROWS (1,000,000) attempts of 250,000 runs
 * over 30 days into a fresh SQLite database (and a fresh Postgres database when HOOKFLOW_TEST_POSTGRES_URL
 * or BENCH_POSTGRES_URL names a server whose role may create databases), with the canvas counts of a
 * 300-step flow for every hour of those 30 days. Then, through the app's own code (lib/server/logs), times
 * the first page (50 rows) of every filter and the canvas counts over 30 days: the median of 5 runs after
 * one warm-up. Budgets: a first page ≤ 300 ms, the counts ≤ 500 ms; exits 1 when one is missed.
 *
 * Rows are generated inside the database (a recursive CTE on SQLite, generate_series on Postgres), so
 * seeding takes seconds, not minutes. Take the bench lock first (docs/benchmarks.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { createPrismaClient, type PrismaClient } from '../lib/server/db';
import { migrateDatabase } from '../scripts/migrate';
import { listLogs } from '../lib/server/logs/query';
import { stepCounts } from '../lib/server/logs/counts';
import { FAILED_OUTCOMES } from '../lib/domain/logs/outcome';
import type { LogFilters } from '../lib/domain/logs/filters';

const ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);
const RUNS = Math.round(ROWS / 4);
const PAGE_BUDGET_MS = 300;
const COUNTS_BUDGET_MS = 500;
const STEPS = 300;
const DAYS = 30;
const NOW = Date.now();
const START = NOW - DAYS * 24 * 3_600_000;

/**
 * The generated data, as SQL expressions of the row number `i` (attempts) or `r` (runs): 50 integrations
 * with 10 webhooks each, 100 flows (flow 0 has 300 steps), 100,000 customers, 4 attempts per run, 1 in 200
 * attempts a test send. Outcomes: 85 % 2xx, then 5xx, 4xx, timeouts, connection, rate limits and the rest.
 */
const OUTCOME_CASE = (v: string) => `CASE WHEN ${v} < 85 THEN '2xx' WHEN ${v} < 90 THEN '5xx' WHEN ${v} < 93 THEN '4xx' WHEN ${v} < 95 THEN 'timeout'
  WHEN ${v} < 96 THEN 'connection' WHEN ${v} < 97 THEN 'rate-limit' WHEN ${v} < 98 THEN '3xx' WHEN ${v} < 99 THEN 'blocked' ELSE 'template' END`;

async function seedSqlite(file: string): Promise<void> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // Runs point at customers and events this benchmark does not need (the log reads neither).
  db.pragma('foreign_keys = OFF');
  const iso = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%f', (${ms}) / 1000.0, 'unixepoch') || '+00:00'`;
  db.exec('BEGIN');
  db.exec(`INSERT INTO "Integration" ("id", "name", "rootUrl", "updatedAt") WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 49)
    SELECT 'int-' || n, 'Integration ' || n, 'https://svc' || n || '.example', '2026-01-01T00:00:00.000+00:00' FROM s`);
  db.exec(`INSERT INTO "Webhook" ("id", "integrationId", "name", "systemName", "headers", "disabledHeaders", "captureFields", "updatedAt")
    WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 499)
    SELECT 'wh-' || n, 'int-' || (n / 10), 'Webhook ' || n, 'webhook_' || n, '[]', '[]', '[]', '2026-01-01T00:00:00.000+00:00' FROM s`);
  db.exec(`INSERT INTO "Flow" ("id", "name", "triggerEventType", "draftGraph", "status", "updatedAt") WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 99)
    SELECT 'flow-' || n, 'Flow ' || n, 'event.' || n, '{}', 'active', '2026-01-01T00:00:00.000+00:00' FROM s`);
  db.exec(`INSERT INTO "FlowVersion" ("id", "flowId", "version", "graph", "plan") SELECT 'fv-' || substr("id", 6), "id", 1, '{}', '{}' FROM "Flow"`);
  db.exec(`INSERT INTO "Run" ("id", "flowId", "flowVersionId", "workflowId", "customerId", "eventId", "status", "createdAt", "trace")
    WITH RECURSIVE s(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM s WHERE r < ${RUNS - 1})
    SELECT 'run-' || r, 'flow-' || (r % 100), 'fv-' || (r % 100), 'wf-' || r, 'cust-' || (r % 100000), 'evt-' || r, 'completed', ${iso(`${START} + r * ${(NOW - START) / RUNS}`)},
      json_object('path', json_array('s' || (r % 7), 'b1', 's' || (7 + r % 5)), 'outputs', json_object('b1', CASE WHEN r % 3 = 0 THEN 'else' ELSE 'yes' END), 'failed', json_array()) FROM s`);
  db.exec(`INSERT INTO "WebhookAttempt" ("id", "runId", "nodeId", "webhookId", "transactionalId", "attempt", "startedAt", "durationMs", "requestMethod", "requestUrl",
      "requestHeaders", "requestBody", "responseStatus", "responseHeaders", "responseBody", "errorClass", "outcome", "integrationId", "flowId", "customerExternalId",
      "eventId", "maxAttempts", "kind")
    WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS - 1}),
      a(i, r, w, v) AS (SELECT i, i / 4, (i * 7919) % 500, (i * 37) % 100 FROM s)
    SELECT 'att-' || i, CASE WHEN i % 200 = 0 THEN NULL ELSE 'run-' || r END, 's' || (i % 12), 'wh-' || w, 'tid-' || (i / 2), 1 + i % 2,
      ${iso(`${START} + i * ${(NOW - START) / ROWS}`)}, 20 + i % 300, 'POST', 'https://svc' || (w / 10) || '.example/api/' || w,
      '[{"name":"Content-Type","value":"application/json","secret":false}]', '{"customer":"c-' || (r % 100000) || '","n":' || i || '}',
      CASE WHEN v < 85 THEN 200 WHEN v < 90 THEN 503 WHEN v < 93 THEN 404 WHEN v < 97 THEN NULL ELSE 301 END, '{"content-type":"application/json"}', '{"ok":true}',
      CASE WHEN v < 85 THEN NULL ELSE 'other' END, ${OUTCOME_CASE('v')}, 'int-' || (w / 10), CASE WHEN i % 200 = 0 THEN NULL ELSE 'flow-' || (r % 100) END,
      'c-' || (r % 100000), 'evt-' || r, 4, CASE WHEN i % 200 = 0 THEN 'test' END
    FROM a`);
  const hour = Math.floor(NOW / 3_600_000);
  db.exec(`INSERT INTO "StepCount" ("flowId", "unit", "bucket", "nodeId", "output", "entered", "succeeded", "failed")
    WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < ${DAYS * 24 - 1}), st(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM st WHERE k < ${STEPS - 1}),
      o(o) AS (SELECT '' UNION ALL SELECT 'yes' UNION ALL SELECT 'else')
    SELECT 'flow-0', 'h', ${hour} - h.n, 'step-' || st.k, o.o, 40, 38, 2 FROM h, st, o WHERE o.o = '' OR st.k % 6 = 0
    UNION ALL SELECT 'flow-0', 'd', (${hour} - h.n) / 24, 'step-' || st.k, o.o, 960, 912, 48 FROM h, st, o WHERE h.n % 24 = 0 AND (o.o = '' OR st.k % 6 = 0)`);
  db.exec('COMMIT');
  db.close();
}

async function seedPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await seedPostgresRows(client);
  } finally {
    await client.end();
  }
}

async function seedPostgresRows(client: pg.Client): Promise<void> {
  const ts = (ms: string) => `to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC'`;
  await client.query(`INSERT INTO "Integration" ("id", "name", "rootUrl", "updatedAt") SELECT 'int-' || n, 'Integration ' || n, 'https://svc' || n || '.example', now() FROM generate_series(0, 49) n`);
  await client.query(`INSERT INTO "Webhook" ("id", "integrationId", "name", "systemName", "headers", "disabledHeaders", "captureFields", "updatedAt")
    SELECT 'wh-' || n, 'int-' || (n / 10), 'Webhook ' || n, 'webhook_' || n, '[]', '[]', '[]', now() FROM generate_series(0, 499) n`);
  await client.query(`INSERT INTO "Flow" ("id", "name", "triggerEventType", "draftGraph", "status", "updatedAt") SELECT 'flow-' || n, 'Flow ' || n, 'event.' || n, '{}', 'active', now() FROM generate_series(0, 99) n`);
  await client.query(`INSERT INTO "FlowVersion" ("id", "flowId", "version", "graph", "plan") SELECT 'fv-' || substr("id", 6), "id", 1, '{}', '{}' FROM "Flow"`);
  // Runs and attempts need parents on Postgres (foreign keys are enforced): one customer and event per run.
  await client.query(`INSERT INTO "Customer" ("id", "externalId", "attributes", "updatedAt") SELECT 'cust-' || n, 'c-' || n, '{}', now() FROM generate_series(0, 99999) n`);
  await client.query(`INSERT INTO "Event" ("id", "type", "customerId", "data", "occurredAt") SELECT 'evt-' || r, 'event.x', 'cust-' || (r % 100000), '{}', now() FROM generate_series(0::bigint, ${RUNS - 1}) r`);
  await client.query(`INSERT INTO "Run" ("id", "flowId", "flowVersionId", "workflowId", "customerId", "eventId", "status", "createdAt", "trace")
    SELECT 'run-' || r, 'flow-' || (r % 100), 'fv-' || (r % 100), 'wf-' || r, 'cust-' || (r % 100000), 'evt-' || r, 'completed', ${ts(`${START} + r * ${(NOW - START) / RUNS}`)},
      jsonb_build_object('path', jsonb_build_array('s' || (r % 7), 'b1', 's' || (7 + r % 5)), 'outputs', jsonb_build_object('b1', CASE WHEN r % 3 = 0 THEN 'else' ELSE 'yes' END), 'failed', '[]'::jsonb)
    FROM generate_series(0::bigint, ${RUNS - 1}) r`);
  await client.query(`INSERT INTO "WebhookAttempt" ("id", "runId", "nodeId", "webhookId", "transactionalId", "attempt", "startedAt", "durationMs", "requestMethod", "requestUrl",
      "requestHeaders", "requestBody", "responseStatus", "responseHeaders", "responseBody", "errorClass", "outcome", "integrationId", "flowId", "customerExternalId",
      "eventId", "maxAttempts", "kind")
    SELECT 'att-' || i, CASE WHEN i % 200 = 0 THEN NULL ELSE 'run-' || r END, 's' || (i % 12), 'wh-' || w, 'tid-' || (i / 2), 1 + i % 2,
      ${ts(`${START} + i * ${(NOW - START) / ROWS}`)}, 20 + i % 300, 'POST', 'https://svc' || (w / 10) || '.example/api/' || w,
      '[{"name":"Content-Type","value":"application/json","secret":false}]', '{"customer":"c-' || (r % 100000) || '","n":' || i || '}',
      CASE WHEN v < 85 THEN 200 WHEN v < 90 THEN 503 WHEN v < 93 THEN 404 WHEN v < 97 THEN NULL ELSE 301 END, '{"content-type":"application/json"}', '{"ok":true}',
      CASE WHEN v < 85 THEN NULL ELSE 'other' END, ${OUTCOME_CASE('v')}, 'int-' || (w / 10), CASE WHEN i % 200 = 0 THEN NULL ELSE 'flow-' || (r % 100) END,
      'c-' || (r % 100000), 'evt-' || r, 4, CASE WHEN i % 200 = 0 THEN 'test' END
    FROM (SELECT i, i / 4 AS r, (i * 7919) % 500 AS w, (i * 37) % 100 AS v FROM generate_series(0::bigint, ${ROWS - 1}) i) a`);
  const hour = Math.floor(NOW / 3_600_000);
  await client.query(`INSERT INTO "StepCount" ("flowId", "unit", "bucket", "nodeId", "output", "entered", "succeeded", "failed")
    SELECT 'flow-0', 'h', ${hour} - h, 'step-' || k, o, 40, 38, 2 FROM generate_series(0, ${DAYS * 24 - 1}) h, generate_series(0, ${STEPS - 1}) k, unnest(ARRAY['', 'yes', 'else']) o
      WHERE o = '' OR k % 6 = 0
    UNION ALL SELECT 'flow-0', 'd', (${hour} - h) / 24, 'step-' || k, o, 960, 912, 48 FROM generate_series(0, ${DAYS * 24 - 1}) h, generate_series(0, ${STEPS - 1}) k, unnest(ARRAY['', 'yes', 'else']) o
      WHERE h % 24 = 0 AND (o = '' OR k % 6 = 0)`);
  // What autovacuum does soon after a bulk load.
  await client.query('ANALYZE');
}

const FILTERS: [string, LogFilters][] = [
  ['no filter', {}],
  ['webhook', { webhook: 'webhook_123' }],
  ['integration', { integration: 'int-7' }],
  ['flow', { flow: 'flow-42' }],
  ['flow + step', { flow: 'flow-42', step: 's3' }],
  ['flow + passed step', { flow: 'flow-42', passed: 's9' }],
  ['flow + branch output', { flow: 'flow-42', passed: 'b1', output: 'else' }],
  ['outcome 5xx', { outcome: '5xx' }],
  ['outcome template (1 %)', { outcome: 'template' }],
  ['outcome failed (all but 2xx)', { outcome: FAILED_OUTCOMES.join(',') }],
  ['customer', { customer: 'c-31337' }],
  ['event', { event: 'evt-123456' }],
  ['TransactionalId', { transactionalId: 'tid-200000' }],
  ['run', { run: 'run-77777' }],
  ['test sends only', { test: 'true' }],
  ['time range (a day, 10 days ago)', { from: new Date(NOW - 10 * 86_400_000).toISOString(), to: new Date(NOW - 9 * 86_400_000).toISOString() }],
  ['customer + outcome 2xx', { customer: 'c-31337', outcome: '2xx' }],
  ['flow + outcome 4xx + last 7 days', { flow: 'flow-42', outcome: '4xx', from: new Date(NOW - 7 * 86_400_000).toISOString() }],
];

async function time(work: () => Promise<unknown>): Promise<number> {
  await work();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await work();
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

async function measure(label: string, prisma: PrismaClient): Promise<{ lines: string[]; ok: boolean }> {
  let ok = true;
  const lines = [`| ${label}: filter | rows | first page | second page |`, '| --- | --- | --- | --- |'];
  for (const [name, filters] of FILTERS) {
    const first = await listLogs(prisma, { ...filters, limit: 50 });
    const firstMs = await time(() => listLogs(prisma, { ...filters, limit: 50 }));
    const secondMs = first.nextCursor ? await time(() => listLogs(prisma, { ...filters, limit: 50, cursor: first.nextCursor! })) : null;
    const miss = firstMs > PAGE_BUDGET_MS || (secondMs ?? 0) > PAGE_BUDGET_MS;
    if (miss) ok = false;
    lines.push(`| ${name} | ${first.rows.length} | ${firstMs.toFixed(1)} ms${miss ? ' ✗' : ''} | ${secondMs === null ? '–' : `${secondMs.toFixed(1)} ms`} |`);
  }
  const counts = await stepCounts(prisma, 'flow-0', '30d', NOW);
  const countsMs = await time(() => stepCounts(prisma, 'flow-0', '30d', NOW));
  if (countsMs > COUNTS_BUDGET_MS || Object.keys(counts.steps).length !== STEPS) ok = false;
  lines.push('', `| ${label}: canvas counts | steps | hourly and daily rows | time |`, '| --- | --- | --- | --- |');
  lines.push(`| 300-step flow, 30 days | ${Object.keys(counts.steps).length} | ${(DAYS * 25 * STEPS * (1 + 2 / 6)).toLocaleString('en')} | ${countsMs.toFixed(1)} ms${countsMs > COUNTS_BUDGET_MS ? ' ✗' : ''} |`);
  return { lines, ok };
}

async function main() {
  let ok = true;
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-bench-logs-'));
  try {
    const file = path.join(scratch, 'logs.db');
    const migrated = migrateDatabase(`file:${file}`);
    if (!migrated.ok) throw new Error(`migrations failed: ${migrated.stderr}`);
    let started = performance.now();
    await seedSqlite(file);
    console.log(`SQLite: seeded ${ROWS.toLocaleString('en')} attempts of ${RUNS.toLocaleString('en')} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const sqlite = createPrismaClient(`file:${file}`);
    const result = await measure('SQLite', sqlite);
    await sqlite.$disconnect();
    console.log(`\n${result.lines.join('\n')}\n`);
    ok &&= result.ok;

    const server = process.env.BENCH_POSTGRES_URL ?? process.env.HOOKFLOW_TEST_POSTGRES_URL;
    if (server) {
      const database = `hookflow_bench_logs_${process.pid}`;
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(server);
      url.pathname = `/${database}`;
      try {
        const pgMigrated = migrateDatabase(url.toString());
        if (!pgMigrated.ok) throw new Error(`migrations failed: ${pgMigrated.stderr}`);
        started = performance.now();
        await seedPostgres(url.toString());
        console.log(`Postgres: seeded ${ROWS.toLocaleString('en')} attempts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        const postgres = createPrismaClient(url.toString());
        const pgResult = await measure('Postgres', postgres);
        await postgres.$disconnect();
        console.log(`\n${pgResult.lines.join('\n')}\n`);
        ok &&= pgResult.ok;
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
    } else {
      console.log('Postgres: skipped (set HOOKFLOW_TEST_POSTGRES_URL or BENCH_POSTGRES_URL to a server whose role may create databases)');
    }
  } finally {
    // BENCH_LOG_KEEP=1 keeps the SQLite database to look at query plans.
    if (process.env.BENCH_LOG_KEEP === '1') console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  console.log(ok ? `Every first page ≤ ${PAGE_BUDGET_MS} ms and the canvas counts ≤ ${COUNTS_BUDGET_MS} ms.` : 'A budget was missed (✗ above).');
  if (!ok) process.exitCode = 1;
}

await main();
