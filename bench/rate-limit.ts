/**
 * Rate-limit benchmark (`npm run bench`): the real dev server, two real worker processes, three webhooks of
 * one integration in three flows, and a receiver in its own process that timestamps every request.
 *
 * For R in {1, 10, 50, 100}/s it posts a backlog of events and reports the most requests in any one-second
 * window at the receiver, and the sustained rate as a fraction of R. Then it measures the latency the
 * limiter adds to an uncontended request (event accepted → request at the receiver), with and without a
 * limit, in the same run. Prints a Markdown table; docs/benchmarks.md holds the latest one.
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
import { HOOKFLOW_WORKFLOWS_PATH } from '../lib/plugin';
import { CRASH_SAFE_PRAGMAS, findTemporalCli, pragmasFrom, spawnDevServer, waitForTemporal } from '../scripts/temporal';
import { maxInAnySecond, startWorkerProcess } from '../scripts/worker-process';
import { startReceiverProcess } from '../scripts/receiver-process';
import { freePort } from '../scripts/ports';
import { signalGroup } from '../scripts/processes';
import type { FlowGraph } from '../lib/domain/flow/graph';
import { migrateDatabase } from '../scripts/migrate';
import { startBaselineWorker } from './baseline/process';
import { matrixTable, runMatrix, type MatrixSettings } from './limiter-matrix';
import { runTaskQueueMatrix } from './taskqueue-limit/matrix';

const list = (value: string) => value.split(',').map(Number);
/** what to run: `matrix` (K processes sharing one limit), `events` (the event rows), `taskqueue` (Temporal's own limit) */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'matrix,events').split(','));
const RATES = list(process.env.BENCH_EVENT_RATES ?? '1,10,50,100');
const MATRIX: MatrixSettings = {
  workers: list(process.env.BENCH_LIMITER_WORKERS ?? '2,4,10'),
  rates: list(process.env.BENCH_RATES ?? '10,200,1000'),
  seconds: Number(process.env.BENCH_CELL_SECONDS ?? 30),
  receiverMaxRate: Number(process.env.BENCH_RECEIVER_MAX_RATE ?? 200),
  leasePeriodMs: process.env.BENCH_LEASE_PERIOD_MS === 'none' ? null : Number(process.env.BENCH_LEASE_PERIOD_MS ?? 1000),
};
/** the dev server's SQLite pragmas, as in bench/throughput.ts: comma-separated, `none` for SQLite's defaults */
const PRAGMAS = process.env.BENCH_TEMPORAL_PRAGMAS ?? CRASH_SAFE_PRAGMAS.join(',');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** the least sustained rate, as a share of R, for a row to pass */
const SUSTAINED_TARGET = 0.95;
/** runs of bare Temporal for the ceiling, posted like a row's events */
const CEILING_RUNS = Number(process.env.BENCH_CEILING_RUNS ?? 400);

/** One rate's result, as the verdicts check it. */
interface RowResult {
  rate: number;
  maxInSecond: number;
  sustained: number;
}

/** Requests per second between the first and the last arrival. */
const sustainedRate = (times: number[]) => (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

/** Stops everything the benchmark started, also when it failed half-way. */
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  for (const child of children) signalGroup(child, 'SIGTERM');
}

/** The limiter alone: how fast two clients get slots granted, without events, HTTP or the database. */
async function limiterCapacity(client: Client, taskQueue: string): Promise<string[]> {
  const { SlotClient } = await import('../lib/server/ratelimit/client');
  const capacityRows: string[] = [];
  for (const count of [200, 1000]) {
    const integrationId = `capacity-${count}`;
    const slotClients = [0, 1].map(() => new SlotClient({ client: async () => client, taskQueue, maxQueueWaitMs: 3_600_000 }));
    const started = performance.now();
    const slots = await Promise.all(Array.from({ length: count }, (_, i) => slotClients[i % 2]!.acquire(integrationId, 1000, null)));
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...slots].sort((a, b) => a - b);
    const duplicates = sorted.filter((t, i) => i > 0 && t === sorted[i - 1]).length;
    capacityRows.push(`| ${count} | ${seconds.toFixed(2)} s | ${(count / seconds).toFixed(0)}/s | ${duplicates} |`);
  }
  return capacityRows;
}

/**
 * Bare Temporal on the same server, with the same two cores shared the same way: the baseline workflow of
 * bench/throughput.ts (one workflow, one activity that POSTs with undici, a default worker), started 20 at a
 * time like a row's events, all to the receiver. Its sustained rate is what any workflow-based sender can
 * carry here: a row whose 0.95 R is above it cannot pass on this machine, whatever the limiter does.
 */
async function bareTemporalCeiling(client: Client, address: string, receiver: { url: string; requests(): Promise<{ at: number }[]> }): Promise<number> {
  const taskQueue = 'baseline-ceiling';
  const worker = await startBaselineWorker(address, taskQueue);
  children.push(worker);
  const before = (await receiver.requests()).length;
  const handles = [];
  for (let i = 0; i < CEILING_RUNS; i += 20) {
    const batch = Array.from({ length: Math.min(20, CEILING_RUNS - i) }, (_, j) =>
      client.workflow.start('baselineFlow', { taskQueue, workflowId: `ceiling-${i + j}`, args: [`${receiver.url}/ceiling`, { customer: `c-${i + j}`, event: `e-${i + j}` }] }),
    );
    handles.push(...(await Promise.all(batch)));
  }
  await Promise.all(handles.map((handle) => handle.result()));
  signalGroup(worker, 'SIGTERM');
  return sustainedRate((await receiver.requests()).slice(before).map((r) => r.at));
}

/**
 * For a row with more than R requests in a second: those requests, each with when its worker sent it (the
 * attempt log's start: recorded time minus duration) and when the receiver stamped it. A late stamp next to
 * on-time sends is the receiver (it shares the cores); sends closer than the schedule are the senders.
 */
async function explainOvershoot(prisma: ReturnType<typeof createPrismaClient>, rate: number, received: { body: string; at: number }[]): Promise<string> {
  const sorted = [...received].sort((a, b) => a.at - b.at);
  let start = 0;
  while (start + rate < sorted.length && sorted[start + rate]!.at - sorted[start]!.at >= 1000) start++;
  const window = sorted.slice(start, start + rate + 1);
  const customers = window.map((r) => (JSON.parse(r.body) as { c: string }).c);
  const attempts = await prisma.webhookAttempt.findMany({ where: { customerExternalId: { in: customers } }, select: { customerExternalId: true, startedAt: true, durationMs: true } });
  const sentAt = new Map(attempts.map((a) => [a.customerExternalId, a.startedAt.getTime() - (a.durationMs ?? 0)]));
  const first = window[0]!;
  const firstSent = sentAt.get(customers[0]!) ?? first.at;
  const lines = window.map((r, i) => {
    const sent = sentAt.get(customers[i]!);
    return `  ${customers[i]}: sent +${sent === undefined ? '?' : (sent - firstSent).toFixed(0)} ms, stamped +${(r.at - first.at).toFixed(0)} ms (${sent === undefined ? '?' : (r.at - sent).toFixed(0)} ms after sending)`;
  });
  return `R=${rate}: ${window.length} requests stamped within ${(window.at(-1)!.at - first.at).toFixed(0)} ms:\n${lines.join('\n')}`;
}

async function main() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-bench-'));
  cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  const databaseUrl = `file:${path.join(scratch, 'bench.db')}`;
  const migrate = migrateDatabase(databaseUrl);
  if (!migrate.ok) throw new Error(migrate.stderr);

  const port = await freePort();
  const server = spawnDevServer({ cli: findTemporalCli({ install: true }), dbFile: path.join(scratch, 'temporal.db'), port, uiPort: 0, pragmas: pragmasFrom(PRAGMAS), headless: true });
  children.push(server);
  const address = `127.0.0.1:${port}`;
  const [bundle] = await Promise.all([bundleWorkflowCode({ workflowsPath: HOOKFLOW_WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never }), waitForTemporal(address)]);
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
  const servicePids = { temporal: server.pid!, worker0: workers[0]!.child.pid!, worker1: workers[1]!.child.pid!, receiver: receiver.pid };
  if (!(await scaleOut({ client, address, taskQueue, receiver, servicePids }))) process.exitCode = 1;
  if (!PARTS.has('events')) return;
  const deps = { prisma, client: async () => client, taskQueue, workflowUrl: (w: string) => w };
  let seq = 0;

  async function setup(rate: number | null): Promise<string[]> {
    const integration = await prisma.integration.create({ data: { name: `bench ${rate}`, rootUrl: receiver.url, rateLimitPerSecond: rate } });
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

  async function postAll(types: string[], count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
          const result = await ingestEvent(deps, { id: `b-${++seq}`, type: types[(i + j) % 3]!, customer: { id: `c-${seq}` } });
          ids.push(...(result.body as { runs: { workflowId: string }[] }).runs.map((r) => r.workflowId));
        }),
      );
    }
    return ids;
  }

  const rows: string[] = [];
  const measured: RowResult[] = [];
  for (const rate of RATES) {
    const types = await setup(rate);
    const count = Math.max(10, Math.round(rate * SECONDS));
    const before = (await receiver.requests()).length;
    const postStarted = performance.timeOrigin + performance.now();
    const ids = await postAll(types, count);
    const postSeconds = (performance.timeOrigin + performance.now() - postStarted) / 1000;
    await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    const received = (await receiver.requests()).slice(before);
    const times = received.map((r) => r.at);
    const sustained = sustainedRate(times);
    const maxInSecond = maxInAnySecond(times);
    if (maxInSecond > rate) console.error(await explainOvershoot(prisma, rate, received));
    measured.push({ rate, maxInSecond, sustained });
    rows.push(
      `| ${rate}/s | ${times.length} | ${maxInSecond} | ${sustained.toFixed(2)}/s | ${((sustained / rate) * 100).toFixed(1)} % | ${(count / postSeconds).toFixed(0)}/s |`,
    );
    const sortedTimes = [...times].sort((a, b) => a - b);
    console.error(`R=${rate}: ${rows.at(-1)} gaps(ms): ${sortedTimes.slice(1, 12).map((t, i) => Math.round(t - sortedTimes[i]!)).join(' ')}`);
  }

  const capacityRows = await limiterCapacity(client, taskQueue);
  const ceiling = await bareTemporalCeiling(client, address, receiver);

  // Added latency, uncontended: one event at a time, spaced so that no request queues.
  const latency = async (rate: number | null): Promise<number[]> => {
    const types = await setup(rate);
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = (await receiver.requests()).length;
      const started = performance.timeOrigin + performance.now();
      const [id] = await postAll([types[0]!, types[0]!, types[0]!], 1);
      await client.workflow.getHandle(id!).result();
      const arrived = (await receiver.requests())[before]!.at;
      samples.push(arrived - started);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return samples.slice(5); // the first few warm up connections and caches
  };
  const baseline = await latency(null);
  const limited = await latency(5);
  const latencyRows = [
    `| no limit (baseline) | ${percentile(baseline, 50).toFixed(0)} ms | ${percentile(baseline, 99).toFixed(0)} ms | |`,
    `| limit 5/s, uncontended | ${percentile(limited, 50).toFixed(0)} ms | ${percentile(limited, 99).toFixed(0)} ms | +${(percentile(limited, 50) - percentile(baseline, 50)).toFixed(0)} ms p50, ×${(percentile(limited, 50) / percentile(baseline, 50)).toFixed(2)} |`,
  ];

  if (!printReport({ jitter, rows, measured, capacityRows, latencyRows, ceiling })) process.exitCode = 1;
}

/**
 * The scale-out matrix: K processes that each hold a SlotClient (as K worker processes do) share one limit
 * R, each asking for R/K slots per second for BENCH_CELL_SECONDS. Prints its table; true when every cell
 * met its targets. With `taskqueue` in BENCH_PARTS it also runs Temporal's task-queue rate limit, the
 * baseline the lease design was chosen over (docs/rate-limiting.md).
 */
async function scaleOut(ctx: Parameters<typeof runMatrix>[0]): Promise<boolean> {
  const lines: string[] = [];
  let ok = true;
  if (PARTS.has('matrix')) {
    const cells = await runMatrix(ctx, MATRIX);
    ok = cells.every((cell) => cell.misses.length === 0);
    lines.push(`Scale-out: K processes share one limit R, each asking for R/K per second for ${MATRIX.seconds} s`, '', ...matrixTable(cells), '');
  }
  if (PARTS.has('taskqueue')) {
    const cells = await runTaskQueueMatrix(ctx, MATRIX);
    lines.push(
      `Baseline: Temporal's task-queue rate limit (maxTaskQueueActivitiesPerSecond = R), K activity worker processes, R sends per second scheduled for ${MATRIX.seconds} s; acquire = schedule-to-start, updates/s = activity + workflow tasks per second`,
      '',
      ...matrixTable(cells),
      '',
    );
  }
  if (lines.length > 0) console.log(lines.join('\n'));
  return ok;
}

interface Report {
  jitter: string;
  rows: string[];
  measured: RowResult[];
  capacityRows: string[];
  latencyRows: string[];
  ceiling: number;
}

/** Prints the tables and the verdicts; true when every row met its targets. */
function printReport({ jitter, rows, measured, capacityRows, latencyRows, ceiling }: Report): boolean {
  const verdicts = rowVerdicts(measured, ceiling);
  console.log(
    [
      `Rate-limit benchmark, ${new Date().toISOString().slice(0, 10)}: ${SECONDS} s of backlog per rate, 2 worker processes, 3 webhooks, jitter budget ${jitter} ms; Temporal SQLite pragmas: ${PRAGMAS}`,
      '',
      '| limit R | requests | max in any 1 s window | sustained | of R | events accepted |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      '| slot requests (2 clients, R = 1000/s) | all granted after | grants per second | duplicate slots |',
      '| --- | --- | --- | --- |',
      ...capacityRows,
      '',
      '| added latency (event accepted → request at receiver) | p50 | p99 | vs baseline |',
      '| --- | --- | --- | --- |',
      ...latencyRows,
      '',
      `Bare Temporal on this server (${CEILING_RUNS} runs of the baseline workflow, started 20 at a time): ${ceiling.toFixed(2)} requests/s sustained.`,
      '',
      ...verdicts.lines,
    ].join('\n'),
  );
  return verdicts.ok;
}

/** Every row: no second above R, and at least 0.95 R sustained (noting a row that bare Temporal cannot carry here either). */
function rowVerdicts(rows: RowResult[], ceiling: number): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  for (const { rate, maxInSecond, sustained } of rows) {
    const overshoot = maxInSecond > rate;
    const slow = sustained < SUSTAINED_TARGET * rate;
    ok &&= !overshoot && !slow;
    lines.push(`- ${overshoot ? '✗' : '✓'} R = ${rate}/s: at most ${maxInSecond} request${maxInSecond === 1 ? '' : 's'} in any second (target ≤ ${rate})`);
    const beyond = SUSTAINED_TARGET * rate > ceiling ? `; bare Temporal sustains ${ceiling.toFixed(1)}/s on this server, under the target` : '';
    lines.push(`- ${slow ? '✗' : '✓'} R = ${rate}/s: ${((sustained / rate) * 100).toFixed(1)} % of R sustained (target ≥ ${SUSTAINED_TARGET * 100} %${beyond})`);
  }
  return { lines, ok };
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
