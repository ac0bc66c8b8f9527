/**
 * Scale-out check (`npm run bench:scale-out`): Hookflow as a team grows into it, on real parts. Postgres
 * (BENCH_POSTGRES_URL, else HOOKFLOW_TEST_POSTGRES_URL), one Temporal dev server, two web processes
 * (`next start`) and two worker processes (`scripts/worker.ts`), each started the production way.
 *
 * SCALE_EVENTS events are posted round-robin to both web processes, to two flows on two integrations limited
 * to SCALE_FAST_RATE and SCALE_SLOW_RATE requests per second. SCALE_KILL_AFTER_MS after the first post, one
 * worker is killed with SIGKILL. It checks:
 * - every event reaches the receiver, and every run is completed exactly once in the database;
 * - no second at the receiver holds more requests to an integration than its limit;
 * - a request sent twice (a worker killed between sending and recording) carries the same
 *   TransactionalId both times, so the receiver can tell.
 * It prints a table and exits non-zero when a check fails. docs/benchmarks.md has a run.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { request } from 'undici';
import { createPrismaClient } from '../lib/server/db';
import { publishFlow } from '../lib/server/flows/publish';
import type { FlowGraph } from '../lib/domain/flow/graph';
import { buildIfNeeded } from '../scripts/build';
import { migrateDatabase } from '../scripts/migrate';
import { freePort } from '../scripts/ports';
import { signalGroup, stopGroup } from '../scripts/processes';
import { startReceiverProcess } from '../scripts/receiver-process';
import { startAppServer } from '../scripts/app-server';
import { CRASH_SAFE_PRAGMAS, devServerArgs, findTemporalCli, waitForTemporal } from '../scripts/temporal';
import { maxInAnySecond, startWorkerProcess, type WorkerProcess } from '../scripts/worker-process';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SERVER = process.env.BENCH_POSTGRES_URL ?? process.env.HOOKFLOW_TEST_POSTGRES_URL;
const EVENTS = setting('SCALE_EVENTS', 2000);
const FAST_RATE = setting('SCALE_FAST_RATE', 20);
const SLOW_RATE = setting('SCALE_SLOW_RATE', 5);
/** every n-th event goes to the slow integration, so that both take about as long */
const SLOW_EVERY = Math.max(1, Math.round((FAST_RATE + SLOW_RATE) / SLOW_RATE));
const KILL_AFTER_MS = setting('SCALE_KILL_AFTER_MS', 20_000);
const CONCURRENCY = setting('SCALE_CONCURRENCY', 16);
const KEY = 'bench-scale-out-ingest-key';
const SECRET_KEY = Buffer.alloc(32, 5).toString('base64');
const TASK_QUEUE = 'hookflow-scale-out';

const log = (message: string) => console.error(`[scale-out] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: (() => unknown)[] = [];

async function createDatabase(): Promise<string> {
  if (!SERVER) throw new Error('Set BENCH_POSTGRES_URL (or HOOKFLOW_TEST_POSTGRES_URL) to a Postgres server this bench may create a database on');
  const name = `hookflow_scale_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const migrated = migrateDatabase(url.toString());
  if (!migrated.ok) throw new Error(`migrations failed: ${migrated.stderr}`);
  return url.toString();
}

/** Two integrations on the receiver, one limited to FAST_RATE and one to SLOW_RATE, each with a webhook and a published flow. */
async function seed(databaseUrl: string, receiverUrl: string): Promise<void> {
  const prisma = createPrismaClient(databaseUrl);
  for (const [kind, rate] of [['fast', FAST_RATE], ['slow', SLOW_RATE]] as const) {
    const integration = await prisma.integration.create({ data: { name: `Scale ${kind}`, rootUrl: receiverUrl, rateLimitPerSecond: rate } });
    const webhook = await prisma.webhook.create({
      data: {
        integrationId: integration.id,
        name: `Scale ${kind}`,
        systemName: `scale_${kind}`,
        method: 'POST',
        path: `/${kind}`,
        headers: [],
        disabledHeaders: [],
        captureFields: [],
        bodyTemplate: '{"event": "${Event.Id}", "request_id": "${WebhookRequest.TransactionalId}"}',
      },
    });
    const graph: FlowGraph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: `scale.${kind}` } },
        { id: 'send', type: 'webhook', position: { x: 0, y: 150 }, data: { webhookId: webhook.id } },
      ],
      edges: [{ id: 'e1', source: 'trigger', target: 'send' }],
    };
    const flow = await prisma.flow.create({ data: { name: `Scale ${kind}`, triggerEventType: `scale.${kind}`, draftGraph: graph } });
    const published = await publishFlow(prisma, flow.id);
    if (!published.ok) throw new Error(`the ${kind} flow does not publish: ${JSON.stringify(published.problems)}`);
  }
  await prisma.$disconnect();
}

async function startWeb(env: Record<string, string>): Promise<string> {
  const web = await startAppServer(env);
  cleanups.push(() => web.stop());
  return web.url;
}

async function post(webs: string[], ids: string[]): Promise<number> {
  let next = 0;
  let refused = 0;
  const lane = async () => {
    while (next < ids.length) {
      const i = next++;
      const type = i % SLOW_EVERY === 0 ? 'scale.slow' : 'scale.fast';
      const response = await request(`${webs[i % webs.length]}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: ids[i], type, customer: { id: `c-${i % 50}` } }),
      });
      await response.body.text();
      if (response.statusCode !== 202) refused++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return refused;
}

async function main(): Promise<boolean> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-scale-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  const databaseUrl = await createDatabase();
  const cli = findTemporalCli({ install: true });
  const temporalPort = await freePort();
  const temporal = spawn(cli, devServerArgs({ cli, dbFile: path.join(scratch, 'temporal.db'), port: temporalPort, uiPort: 0, headless: true, pragmas: CRASH_SAFE_PRAGMAS }), { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  cleanups.push(() => stopGroup(temporal));
  const receiver = await startReceiverProcess();
  cleanups.push(() => receiver.close());
  const address = `127.0.0.1:${temporalPort}`;
  await waitForTemporal(address);
  await seed(databaseUrl, receiver.url);
  const problem = buildIfNeeded((line) => log(line));
  if (problem) throw new Error(problem);

  const env = {
    DATABASE_URL: databaseUrl,
    HOOKFLOW_DATA_DIR: scratch,
    HOOKFLOW_ALLOWED_NETWORKS: `127.0.0.1:${new URL(receiver.url).port}`,
    HOOKFLOW_INGEST_KEY: KEY,
    HOOKFLOW_SECRET_KEY: SECRET_KEY,
    TEMPORAL_ADDRESS: address,
    HOOKFLOW_TASK_QUEUE: TASK_QUEUE,
    HOOKFLOW_DISPATCH_INTERVAL_MS: '2000',
    // The slot's reserved jitter budget (docs/rate-limiting.md); unset, the product's default.
    ...(process.env.HOOKFLOW_RATE_LIMIT_JITTER_MS ? { HOOKFLOW_RATE_LIMIT_JITTER_MS: process.env.HOOKFLOW_RATE_LIMIT_JITTER_MS } : {}),
  };
  log('starting two web processes and two workers');
  const webs = [await startWeb(env), await startWeb(env)];
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < 2; i++) {
    const worker = await startWorkerProcess(env);
    cleanups.push(() => worker.stop());
    workers.push(worker);
  }

  const ids = Array.from({ length: EVENTS }, (_, i) => `scale-${i}`);
  log(`posting ${EVENTS} events round-robin to both web processes; killing a worker after ${KILL_AFTER_MS / 1000} s`);
  const startedAt = Date.now();
  const kill = sleep(KILL_AFTER_MS).then(() => {
    log('killing worker 1 with SIGKILL');
    signalGroup(workers[0]!.child, 'SIGKILL');
  });
  const refused = await post(webs, ids);
  await kill;

  const seen = new Map<string, { at: number; url: string; requestId: string }[]>();
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    seen.clear();
    for (const r of await receiver.requests()) {
      const body = JSON.parse(r.body) as { event: string; request_id: string };
      seen.set(body.event, [...(seen.get(body.event) ?? []), { at: r.at, url: r.url, requestId: body.request_id }]);
    }
    if (ids.every((id) => seen.has(id)) || Date.now() > deadline) break;
    await sleep(1000);
  }
  const elapsed = (Date.now() - startedAt) / 1000;
  await sleep(3000);
  const prisma = createPrismaClient(databaseUrl);
  const [runs, completed] = await Promise.all([prisma.run.count(), prisma.run.count({ where: { status: 'completed' } })]);
  await prisma.$disconnect();

  const all = [...seen.values()].flat();
  const times = (kind: string) => all.filter((r) => r.url === `/${kind}`).map((r) => r.at);
  const resent = [...seen.values()].filter((list) => list.length > 1);
  const resentWithOtherKey = resent.filter((list) => new Set(list.map((r) => r.requestId)).size > 1);
  const missing = ids.filter((id) => !seen.has(id)).length;
  const checks = [
    { name: 'events accepted', ok: refused === 0, value: `${EVENTS - refused} of ${EVENTS}` },
    { name: 'events delivered (distinct at the receiver)', ok: missing === 0, value: `${EVENTS - missing} of ${EVENTS}` },
    { name: 'runs in the database / completed', ok: runs === EVENTS && completed === EVENTS, value: `${runs} / ${completed}` },
    ...([['fast', FAST_RATE], ['slow', SLOW_RATE]] as const).map(([kind, rate]) => {
      const busiest = maxInAnySecond(times(kind));
      return { name: `busiest second, ${kind} integration (limit ${rate}/s)`, ok: busiest <= rate, value: String(busiest) };
    }),
    { name: 'requests sent twice after the kill, each with one TransactionalId', ok: resentWithOtherKey.length === 0, value: `${resent.length} sent twice, ${resentWithOtherKey.length} with another id` },
  ];
  console.log(`Scale-out check, ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores: Postgres, one Temporal dev server, 2 web and 2 worker processes`);
  console.log(`${EVENTS} events (every ${SLOW_EVERY}th to the ${SLOW_RATE}/s integration, the rest to the ${FAST_RATE}/s one), worker 1 killed after ${KILL_AFTER_MS / 1000} s; all delivered after ${elapsed.toFixed(0)} s; jitter budget ${process.env.HOOKFLOW_RATE_LIMIT_JITTER_MS ?? 'default'}\n`);
  console.log('| check | result | |\n| --- | --- | --- |');
  for (const check of checks) console.log(`| ${check.name} | ${check.value} | ${check.ok ? '✓' : '✗'} |`);
  return checks.every((c) => c.ok);
}

main()
  .then(
    (ok) => ok,
    (error) => {
      console.error(error);
      return false;
    },
  )
  .then(async (ok) => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    process.exit(ok ? 0 : 1);
  });
