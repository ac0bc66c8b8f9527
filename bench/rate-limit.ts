/**
 * Rate-limit benchmark (`npm run bench:rate-limit`): the real dev server (SQLite, WAL), two real Hookflow
 * worker processes, and a receiver in its own process that timestamps every request. Three parts
 * (BENCH_PARTS, default all):
 *
 * - `matrix`: K separate processes holding a SlotClient share one limit R (bench/limiter-matrix.ts), for K in
 *   BENCH_LIMITER_WORKERS (2,4,10) and R in BENCH_RATES (10,200,1000), BENCH_CELL_SECONDS (30) per cell.
 * - `events`: events through Hookflow, three webhooks of one integration in three flows, for R in
 *   BENCH_EVENT_RATES (1,10,50,100): a backlog of events, the most requests in any one-second window at the
 *   receiver, and the sustained rate as a fraction of R.
 * - `taskqueue` (only when asked for): the baseline to beat, Temporal's server-side task-queue rate limit
 *   (bench/taskqueue-limit/matrix.ts), on the same K and R.
 * - `latency`: the latency the limiter adds to an uncontended request (event accepted → request at the
 *   receiver), with and without a limit, in the same run.
 *
 * Prints Markdown tables (docs/benchmarks.md holds the latest ones) and exits non-zero when a target is missed.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createPrismaClient } from '../lib/server/db';
import { ingestEvent } from '../lib/server/events/ingest';
import { publishFlow } from '../lib/server/flows/publish';
import { WORKFLOWS_PATH } from '../lib/plugin/worker';
import { CRASH_SAFE_PRAGMAS, findTemporalCli, spawnDevServer, waitForTemporal } from '../scripts/temporal';
import { maxInAnySecond, startWorkerProcess } from '../scripts/worker-process';
import { startReceiverProcess } from '../scripts/receiver-process';
import { freePort } from '../scripts/ports';
import type { FlowGraph } from '../lib/domain/flow/graph';
import { migrateDatabase } from '../scripts/migrate';
import { matrixTable, runMatrix, type MatrixSettings } from './limiter-matrix';
import { runTaskQueueMatrix } from './taskqueue-limit/matrix';

const list = (value: string) => value.split(',').map(Number);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'matrix,events,latency').split(','));
const EVENT_RATES = list(process.env.BENCH_EVENT_RATES ?? '1,10,50,100');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** events posted at a time; ingestion group-commits them */
const POST_CONCURRENCY = Number(process.env.BENCH_POST_CONCURRENCY ?? 100);
const MATRIX: MatrixSettings = {
  workers: list(process.env.BENCH_LIMITER_WORKERS ?? '2,4,10'),
  rates: list(process.env.BENCH_RATES ?? '10,200,1000'),
  seconds: Number(process.env.BENCH_CELL_SECONDS ?? 30),
  receiverMaxRate: Number(process.env.BENCH_RECEIVER_MAX_RATE ?? 200),
  leasePeriodMs: process.env.BENCH_LEASE_PERIOD_MS === 'none' ? null : Number(process.env.BENCH_LEASE_PERIOD_MS ?? 1000),
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

/** Stops everything the benchmark started, also when it failed half-way. */
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  }
}

interface Bench {
  client: Client;
  prisma: ReturnType<typeof createPrismaClient>;
  receiver: Awaited<ReturnType<typeof startReceiverProcess>>;
  deps: Parameters<typeof ingestEvent>[0];
  /** target misses; the run exits non-zero when there is any */
  misses: string[];
}

let seq = 0;

/** One integration with three webhooks, each in its own flow; returns the three event types. */
async function setup(bench: Bench, rate: number | null): Promise<string[]> {
  const { prisma, receiver } = bench;
  const integration = await prisma.integration.create({ data: { name: `bench ${rate} ${++seq}`, rootUrl: receiver.url, rateLimitPerSecond: rate } });
  const types: string[] = [];
  for (let i = 0; i < 3; i++) {
    const webhook = await prisma.webhook.create({
      data: { integrationId: integration.id, name: `w${i}`, systemName: `bench_${++seq}`, path: `/r${rate}/w${i}`, headers: [], disabledHeaders: [], captureFields: [], bodyTemplate: '{"c": "${Customer.Id}"}' },
    });
    const type = `bench.${seq}`;
    const graph: FlowGraph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: type } },
        { id: 'w', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: webhook.id } },
      ],
      edges: [{ id: 'e', source: 't', target: 'w' }],
    };
    const flow = await prisma.flow.create({ data: { name: type, triggerEventType: type, draftGraph: graph } });
    await publishFlow(prisma, flow.id);
    types.push(type);
  }
  return types;
}

async function postAll(bench: Bench, types: string[], count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += POST_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(POST_CONCURRENCY, count - i) }, async (_, j) => {
        const result = await ingestEvent(bench.deps, { id: `b-${++seq}`, type: types[(i + j) % 3]!, customer: { id: `c-${seq}` } });
        ids.push(...(result.body as { runs: { workflowId: string }[] }).runs.map((r) => r.workflowId));
      }),
    );
  }
  return ids;
}

/** A run's result; a busy dev server answers "Workflow is busy" now and then, so ask again. */
async function resultOf(bench: Bench, workflowId: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bench.client.workflow.getHandle(workflowId).result();
    } catch (error) {
      if (attempt >= 10 || !/RESOURCE_EXHAUSTED|busy/i.test(`${(error as Error).message} ${(error as { cause?: Error }).cause?.message ?? ''}`)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Events through Hookflow: a backlog of R × BENCH_SECONDS events per rate, timed at the receiver. */
async function eventRows(bench: Bench): Promise<string[]> {
  const rows: string[] = [];
  for (const rate of EVENT_RATES) {
    const types = await setup(bench, rate);
    const count = Math.max(10, Math.round(rate * SECONDS));
    const before = (await bench.receiver.requests()).length;
    const postStarted = performance.timeOrigin + performance.now();
    const ids = await postAll(bench, types, count);
    const postSeconds = (performance.timeOrigin + performance.now() - postStarted) / 1000;
    await Promise.all(ids.map((id) => resultOf(bench, id)));
    const times = (await bench.receiver.requests()).slice(before).map((r) => r.at);
    const sustained = (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
    const most = maxInAnySecond(times);
    rows.push(`| ${rate}/s | ${times.length} | ${most} | ${sustained.toFixed(2)}/s | ${((sustained / rate) * 100).toFixed(1)} % | ${(count / postSeconds).toFixed(0)}/s |`);
    if (most > rate) bench.misses.push(`events R=${rate}: ${most} requests in one second`);
    if (times.length !== count) bench.misses.push(`events R=${rate}: ${times.length} requests arrived, ${count} expected`);
    if (rate >= 50 && sustained < 0.95 * rate) bench.misses.push(`events R=${rate}: sustained ${(sustained / rate).toFixed(3)} R < 0.95 R`);
    const sortedTimes = [...times].sort((a, b) => a - b);
    console.error(`R=${rate}: ${rows.at(-1)} gaps(ms): ${sortedTimes.slice(1, 12).map((t, i) => Math.round(t - sortedTimes[i]!)).join(' ')}`);
  }
  return rows;
}

/** Added latency, uncontended: one event at a time, spaced so that no request queues. */
async function latencyRows(bench: Bench): Promise<string[]> {
  const latency = async (rate: number | null): Promise<number[]> => {
    const types = await setup(bench, rate);
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = (await bench.receiver.requests()).length;
      const started = performance.timeOrigin + performance.now();
      const [id] = await postAll(bench, [types[0]!, types[0]!, types[0]!], 1);
      await resultOf(bench, id!);
      const arrived = (await bench.receiver.requests())[before]!.at;
      samples.push(arrived - started);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return samples.slice(5); // the first few warm up connections and caches
  };
  const baseline = await latency(null);
  const limited = await latency(5);
  return [
    `| no limit (baseline) | ${percentile(baseline, 50).toFixed(0)} ms | ${percentile(baseline, 99).toFixed(0)} ms | |`,
    `| limit 5/s, uncontended | ${percentile(limited, 50).toFixed(0)} ms | ${percentile(limited, 99).toFixed(0)} ms | +${(percentile(limited, 50) - percentile(baseline, 50)).toFixed(0)} ms p50, ×${(percentile(limited, 50) / percentile(baseline, 50)).toFixed(2)} |`,
  ];
}

async function main() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-bench-'));
  cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  const databaseUrl = `file:${path.join(scratch, 'bench.db')}`;
  const migrate = migrateDatabase(databaseUrl);
  if (!migrate.ok) throw new Error(migrate.stderr);

  const port = await freePort();
  const server = spawnDevServer({ cli: findTemporalCli({ install: true }), dbFile: path.join(scratch, 'temporal.db'), port, uiPort: 0, pragmas: CRASH_SAFE_PRAGMAS, headless: true });
  children.push(server);
  const address = `127.0.0.1:${port}`;
  const [bundle] = await Promise.all([bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never }), waitForTemporal(address)]);
  const bundlePath = path.join(scratch, 'bundle.js');
  writeFileSync(bundlePath, bundle.code);

  const taskQueue = 'hookflow-bench';
  const jitter = process.env.BENCH_JITTER_MS ?? '40';
  // The receiver listens on loopback, which webhooks may only call when allowed.
  const workerEnv = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: address, HOOKFLOW_TASK_QUEUE: taskQueue, HOOKFLOW_WORKFLOW_BUNDLE: bundlePath, HOOKFLOW_RATE_LIMIT_JITTER_MS: jitter, HOOKFLOW_ALLOWED_NETWORKS: '127.0.0.0/8' };
  const workers = await Promise.all([startWorkerProcess(workerEnv), startWorkerProcess(workerEnv)]);
  cleanups.push(() => Promise.all(workers.map((w) => w.stop())));
  const receiver = await startReceiverProcess();
  cleanups.push(() => receiver.close());
  const prisma = createPrismaClient(databaseUrl);
  cleanups.push(() => prisma.$disconnect());
  const connection = await Connection.connect({ address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection });
  const bench: Bench = { client, prisma, receiver, deps: { prisma, client: async () => client, taskQueue, workflowUrl: (w: string) => w }, misses: [] };

  const out = [`Rate-limit benchmark, ${new Date().toISOString().slice(0, 10)}, jitter budget ${jitter} ms`];
  if (PARTS.has('events')) {
    const rows = await eventRows(bench);
    out.push('', `Events through Hookflow: ${SECONDS} s of backlog per rate, 2 worker processes, 3 webhooks`, '', '| limit R | requests | max in any 1 s window | sustained | of R | events accepted |', '| --- | --- | --- | --- | --- | --- |', ...rows);
  }
  if (PARTS.has('latency')) {
    out.push('', '| added latency (event accepted → request at receiver) | p50 | p99 | vs baseline |', '| --- | --- | --- | --- |', ...(await latencyRows(bench)));
  }
  if (PARTS.has('matrix')) {
    const servicePids = { temporal: server.pid!, worker0: workers[0]!.child.pid!, worker1: workers[1]!.child.pid!, receiver: receiver.pid };
    const cells = await runMatrix({ client, address, taskQueue, receiver, servicePids }, MATRIX);
    for (const cell of cells) bench.misses.push(...cell.misses.map((m) => `matrix K=${cell.k} R=${cell.rate}: ${m}`));
    out.push('', `Scale-out: K processes share one limit R, each asking for R/K per second for ${MATRIX.seconds} s`, '', ...matrixTable(cells));
  }
  if (PARTS.has('taskqueue')) {
    // The baseline to beat, on request only: Temporal's server-side task-queue rate limit.
    const servicePids = { temporal: server.pid!, worker0: workers[0]!.child.pid!, worker1: workers[1]!.child.pid!, receiver: receiver.pid };
    const cells = await runTaskQueueMatrix({ client, address, taskQueue, receiver, servicePids }, MATRIX);
    out.push('', `Baseline: Temporal's task-queue rate limit (maxTaskQueueActivitiesPerSecond = R), K activity worker processes, R sends per second scheduled for ${MATRIX.seconds} s; acquire = schedule-to-start, updates/s = activity + workflow tasks per second`, '', ...matrixTable(cells));
  }
  console.log(out.join('\n'));
  if (bench.misses.length > 0) {
    console.log(`\nMissed targets:\n${bench.misses.map((m) => `- ${m}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanUp();
    // A failed run may leave calls pending on a closed connection: do not wait for them.
    process.exit();
  });
