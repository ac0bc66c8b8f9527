/**
 * Throughput benchmark (`npm run bench:throughput`, part of `npm run bench`): Hookflow against the smallest
 * Temporal program that does the same job ("bare Temporal": one workflow, one activity POSTing a small JSON
 * body), on one Temporal dev server started here, measured in the same run. docs/benchmarks.md describes
 * the method and the settings.
 *
 * Processes: the Temporal dev server, a receiver that timestamps every request on arrival
 * (scripts/receiver.ts), a load generator (bench/load-generator.ts), and per phase either the baseline
 * worker (bench/baseline/worker.ts) or Hookflow's worker and web app as `npm start` runs them.
 *
 * BENCH_MODE=throughput (default) measures both phases and compares them; BENCH_MODE=burst checks
 * exactly-once delivery of a large burst; BENCH_MODE=parked measures the worker's memory with thousands of
 * runs parked in a wait. Each prints Markdown tables and exits non-zero when a target is missed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadSettings } from '../lib/server/config';
import { createPrismaClient, type PrismaClient } from '../lib/server/db';
import { publishFlow } from '../lib/server/flows/publish';
import type { FlowGraph } from '../lib/domain/flow/graph';
import { buildIfNeeded } from '../scripts/build';
import { migrateDatabase } from '../scripts/migrate';
import { freePort } from '../scripts/ports';
import { stopGroup } from '../scripts/processes';
import { startReceiverProcess, type ReceiverProcess } from '../scripts/receiver-process';
import { startAppServer } from '../scripts/app-server';
import { CRASH_SAFE_PRAGMAS, devServerArgs, findTemporalCli, pragmasFrom, waitForTemporal } from '../scripts/temporal';
import { startWorkerProcess } from '../scripts/worker-process';
import type { BurstResult, LoadJob, LoadTarget, PacedResult } from './load-generator';
import { cpuSeconds, memoryMb, resetPeakMemory } from './procfs';
import { startBaselineWorker } from './baseline/process';
import { readServerCounters, serverWork, type ServerWork } from './server-work';

const ROOT = path.resolve(import.meta.dirname, '..');
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MODE = process.env.BENCH_MODE ?? 'throughput';
const EVENTS = setting('BENCH_EVENTS', 2000);
const CONCURRENCY = setting('BENCH_CONCURRENCY', 32);
const PACED = setting('BENCH_PACED', 200);
const PACED_GAP_MS = setting('BENCH_PACED_GAP_MS', 100);
const WARMUP = setting('BENCH_WARMUP', 300);
const ROUNDS = setting('BENCH_ROUNDS', 2);
const BURST = setting('BENCH_BURST', 10_000);
const PARKED = setting('BENCH_PARKED', 5000);
/** 1: also send the same events through the Segment-compatible API with the real @segment/analytics-node client */
const SEGMENT = setting('BENCH_SEGMENT', 1) === 1;
/** the Segment mode's delivered/s as a share of the native API's */
const SEGMENT_TARGET = setting('BENCH_SEGMENT_TARGET', 0.9);
/** N > 0: also send the same events to POST /api/events/batch, N per request (0: skip) */
const BATCH = setting('BENCH_BATCH', 0);
const PRAGMAS = process.env.BENCH_TEMPORAL_PRAGMAS ?? CRASH_SAFE_PRAGMAS.join(',');
const PARKED_RSS_LIMIT_MB = 400;
/** a directory for V8 CPU profiles of Hookflow's worker and web app (written when they stop); off when unset */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

const INGEST_KEY = 'bench-throughput-ingest-key';
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
const HOOKFLOW_QUEUE = 'hookflow-bench';
const BASELINE_QUEUE = 'baseline-bench';
const EVENT_TYPE = 'bench.event';

const LABELS = {
  temporal: 'Temporal server',
  baselineWorker: 'baseline worker',
  web: 'web app (next start)',
  worker: 'Hookflow worker',
  load: 'load generator',
  receiver: 'receiver',
};
type ProcessName = keyof typeof LABELS;
type Pids = Partial<Record<ProcessName, number>>;

const log = (message: string) => console.error(`[bench] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

const cleanups: (() => unknown)[] = [];

/** Stops everything the benchmark started, newest first, also when it failed half-way. */
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve().then(cleanup).catch(() => undefined);
}

function spawnTsx(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  cleanups.push(() => stopGroup(child));
  return child;
}

/** Everything the receiver got, polled incrementally: event id → arrival times. */
class Arrivals {
  count = 0;
  readonly times = new Map<string, number[]>();

  constructor(private readonly receiver: ReceiverProcess) {}

  async poll(): Promise<void> {
    const fresh = await this.receiver.arrivals(this.count, 'event');
    this.count += fresh.length;
    for (const { id, at } of fresh) {
      if (id === null) continue;
      const times = this.times.get(id);
      if (times) times.push(at);
      else this.times.set(id, [at]);
    }
  }

  /** Polls until every id has arrived; false once nothing new arrived for `stallMs`. */
  async waitFor(expected: string[], stallMs = 120_000): Promise<boolean> {
    let progressAt = Date.now();
    let seen = this.count;
    for (;;) {
      await this.poll();
      if (expected.every((id) => this.times.has(id))) return true;
      if (this.count > seen) [seen, progressAt] = [this.count, Date.now()];
      else if (Date.now() - progressAt > stallMs) return false;
      await sleep(200);
    }
  }

  /** When the last of `expected` first arrived. */
  last(expected: string[]): number {
    return expected.reduce((latest, id) => Math.max(latest, this.times.get(id)![0]!), 0);
  }
}

interface Base {
  scratch: string;
  address: string;
  /** the dev server's Prometheus metrics */
  serverMetricsUrl: string;
  client: Client;
  receiver: ReceiverProcess;
  arrivals: Arrivals;
  pids: Pids;
}

/** The parts both phases share: the Temporal dev server, the receiver and a Temporal client. */
async function startBase(): Promise<Base> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-throughput-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  const cli = findTemporalCli({ install: true });
  const port = await freePort();
  const metricsPort = await freePort();
  const server = spawn(cli, devServerArgs({ cli, dbFile: path.join(scratch, 'temporal.db'), port, uiPort: 0, headless: true, pragmas: pragmasFrom(PRAGMAS), metricsPort }), {
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  cleanups.push(() => stopGroup(server));
  const receiver = await startReceiverProcess();
  cleanups.push(() => receiver.close());
  const address = `127.0.0.1:${port}`;
  await waitForTemporal(address);
  const connection = await Connection.connect({ address });
  cleanups.push(() => connection.close());
  return { scratch, address, serverMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, client: new Client({ connection }), receiver, arrivals: new Arrivals(receiver), pids: { temporal: server.pid!, receiver: receiver.pid } };
}

/** Hookflow's worker and web app, as `npm start` runs them, on a fresh database with one flow. */
async function startHookflow(base: Base, withWait: boolean): Promise<{ prisma: PrismaClient; target: Extract<LoadTarget, { kind: 'hookflow' }>; pids: Pids }> {
  const databaseUrl = `file:${path.join(base.scratch, 'hookflow.db')}`;
  const migrate = migrateDatabase(databaseUrl);
  if (!migrate.ok) throw new Error(`migrations failed: ${migrate.stderr}`);
  const prisma = createPrismaClient(databaseUrl);
  cleanups.push(() => prisma.$disconnect());
  await seed(prisma, base.receiver.url, withWait);

  const env = {
    DATABASE_URL: databaseUrl,
    HOOKFLOW_DATA_DIR: base.scratch,
    // The receiver listens on loopback, which webhooks may only call when allowed.
    HOOKFLOW_ALLOWED_NETWORKS: `127.0.0.1:${new URL(base.receiver.url).port}`,
    HOOKFLOW_INGEST_KEY: INGEST_KEY,
    HOOKFLOW_SECRET_KEY: SECRET_KEY,
    TEMPORAL_ADDRESS: base.address,
    HOOKFLOW_TASK_QUEUE: HOOKFLOW_QUEUE,
    // startWorkerProcess sets the tests' dispatcher interval; npm start runs the configured one (default 5 s).
    HOOKFLOW_DISPATCH_INTERVAL_MS: String(loadSettings().HOOKFLOW_DISPATCH_INTERVAL_MS),
    // A profile roughly doubles the CPU it measures: read only the shares of a profiled run.
    ...(PROFILE_DIR ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(path.join(ROOT, 'bench/cpu-profile.mjs')).href}`.trim(), BENCH_PROFILE_DIR: path.resolve(PROFILE_DIR) } : {}),
  };
  log('starting the Hookflow worker and web app');
  const worker = await startWorkerProcess(env);
  cleanups.push(() => worker.stop());
  // As npm start runs it: `next start` on the production build.
  const web = await startAppServer(env);
  cleanups.push(() => web.stop());
  const url = web.url;
  return {
    prisma,
    target: { kind: 'hookflow', url, key: INGEST_KEY, eventType: EVENT_TYPE, receiverUrl: base.receiver.url },
    pids: { worker: worker.child.pid!, web: web.pid! },
  };
}

/** One integration pointing at the receiver, one webhook, one published flow trigger → (wait →) webhook. */
async function seed(prisma: PrismaClient, receiverUrl: string, withWait: boolean): Promise<void> {
  const integration = await prisma.integration.create({ data: { name: 'Bench receiver', rootUrl: receiverUrl } });
  const webhook = await prisma.webhook.create({
    data: {
      integrationId: integration.id,
      name: 'Bench call',
      systemName: 'bench_call',
      method: 'POST',
      path: '/hook',
      headers: [],
      disabledHeaders: [],
      captureFields: [],
      bodyTemplate: '{"customer": "${Customer.Id}", "event": "${Event.Id}"}',
    },
  });
  const nodes: FlowGraph['nodes'] = [{ id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: EVENT_TYPE } }];
  if (withWait) nodes.push({ id: 'wait', type: 'wait', position: { x: 0, y: 150 }, data: { mode: 'duration', seconds: 3600 } });
  nodes.push({ id: 'webhook', type: 'webhook', position: { x: 0, y: 300 }, data: { webhookId: webhook.id } });
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: node.id }));
  const graph: FlowGraph = { nodes, edges };
  const flow = await prisma.flow.create({ data: { name: 'Bench flow', triggerEventType: EVENT_TYPE, draftGraph: graph } });
  const published = await publishFlow(prisma, flow.id);
  if (!published.ok) throw new Error(`the bench flow does not publish: ${JSON.stringify(published.problems)}`);
}

interface LoadGenerator {
  pid: number;
  run<T>(job: LoadJob): Promise<T>;
  stop(): Promise<void>;
}

async function startLoadGenerator(target: LoadTarget): Promise<LoadGenerator> {
  const child = spawnTsx('bench/load-generator.ts', { LOAD_TARGET: JSON.stringify(target) });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the load generator exited');
    return line.value as string;
  };
  await nextLine(); // "ready"
  return {
    pid: child.pid!,
    run: async <T>(job: LoadJob) => {
      child.stdin!.write(`${JSON.stringify(job)}\n`);
      return JSON.parse(await nextLine()) as T;
    },
    stop: () => stopGroup(child),
  };
}

/** Resolves once `check` holds, polling; throws after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

const running = async (client: Client, taskQueue: string) => (await client.workflow.count(`TaskQueue="${taskQueue}" AND ExecutionStatus="Running"`)).count;

interface Phase {
  deliveredPerSecond: number;
  acceptedPerSecond: number;
  pending: number;
  /** paced: submission → arrival, ms */
  latencies: number[];
  /** CPU ms per event, per process */
  cpu: Partial<Record<ProcessName, number>>;
  /** what the Temporal server did per event */
  server: ServerWork;
  /** CPU ms per event of the other side's processes, idle but alive during the phase (not in the total) */
  idleCpu: number;
}

/**
 * Warm-up, then N events at concurrency C with CPU read before and after (once every run has finished, so
 * each event is charged its whole cost), then M paced events for latency.
 */
async function measurePhase(base: Base, name: string, load: LoadGenerator, pids: Pids, idlePids: Pids, taskQueue: string, warmup: number, pacedCount = PACED): Promise<Phase> {
  const burst = async (prefix: string, count: number) => {
    const result = await load.run<BurstResult>({ kind: 'burst', prefix, count, concurrency: CONCURRENCY });
    if (result.failed > 0) throw new Error(`${prefix}: ${result.failed} of ${count} submissions failed: ${result.errors.join('; ')}`);
    if (!(await base.arrivals.waitFor(ids(prefix, count)))) throw new Error(`${prefix}: events stopped arriving at the receiver`);
    await until(`${prefix}'s workflows to finish`, async () => (await running(base.client, taskQueue)) === 0);
    return result;
  };
  if (warmup > 0) {
    log(`${name}: ${warmup} warm-up events`);
    await burst(`${name}-warmup`, warmup);
  }
  log(`${name}: ${EVENTS} events at concurrency ${CONCURRENCY}`);
  const before = cpuSeconds(pids);
  const idleBefore = cpuSeconds(idlePids);
  const serverBefore = await readServerCounters(base.serverMetricsUrl);
  const result = await burst(name, EVENTS);
  const after = cpuSeconds(pids);
  const idleAfter = cpuSeconds(idlePids);
  const serverAfter = await readServerCounters(base.serverMetricsUrl);
  const delivered = EVENTS / ((base.arrivals.last(ids(name, EVENTS)) - result.startedAt) / 1000);
  log(`${name}: ${pacedCount} paced events`);
  const paced = pacedCount > 0 ? await load.run<PacedResult>({ kind: 'paced', prefix: `${name}-paced`, count: pacedCount, from: base.arrivals.count, gapMs: PACED_GAP_MS }) : { latencies: [] };
  return {
    deliveredPerSecond: delivered,
    acceptedPerSecond: EVENTS / ((result.finishedAt - result.startedAt) / 1000),
    pending: result.pending,
    latencies: paced.latencies,
    cpu: Object.fromEntries(Object.keys(pids).map((key) => [key, ((after[key]! - before[key]!) * 1000) / EVENTS])),
    server: serverWork(serverBefore, serverAfter, EVENTS),
    idleCpu: total(Object.fromEntries(Object.keys(idlePids).map((key) => [key, ((idleAfter[key]! - idleBefore[key]!) * 1000) / EVENTS]))),
  };
}

interface Report {
  lines: string[];
  ok: boolean;
}

const total = (cpu: Phase['cpu']) => Object.values(cpu).reduce((sum, ms) => sum + ms, 0);

interface Combined extends Omit<Phase, 'latencies'> {
  p50: number;
  p99: number;
}

/** The rounds of one side as one: mean rates and CPU, percentiles over every paced event. */
function combine(phases: Phase[]): Combined {
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const latencies = phases.flatMap((p) => p.latencies);
  const keys = [...new Set(phases.flatMap((p) => Object.keys(p.cpu)))] as ProcessName[];
  return {
    deliveredPerSecond: mean(phases.map((p) => p.deliveredPerSecond)),
    acceptedPerSecond: mean(phases.map((p) => p.acceptedPerSecond)),
    pending: phases.reduce((sum, p) => sum + p.pending, 0),
    idleCpu: mean(phases.map((p) => p.idleCpu)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpu: Object.fromEntries(keys.map((key) => [key, mean(phases.map((p) => p.cpu[key] ?? 0))])),
    server: {
      persistenceWrites: mean(phases.map((p) => p.server.persistenceWrites)),
      persistenceReads: mean(phases.map((p) => p.server.persistenceReads)),
      historyTasks: mean(phases.map((p) => p.server.historyTasks)),
      historyBytesPerRun: mean(phases.map((p) => p.server.historyBytesPerRun)),
    },
  };
}

function checks(targets: { name: string; value: number; goal: string; ok: boolean }[]): { lines: string[]; ok: boolean } {
  return {
    lines: targets.map((t) => `- ${t.ok ? '✓' : '✗'} ${t.name}: ${Number.isInteger(t.value) ? t.value : t.value.toFixed(2)} (target ${t.goal})`),
    ok: targets.every((t) => t.ok),
  };
}

async function throughputMode(base: Base): Promise<Report> {
  log('baseline: starting its worker');
  const baselineWorker = await startBaselineWorker(base.address, BASELINE_QUEUE);
  cleanups.push(() => stopGroup(baselineWorker));
  const baselineLoad = await startLoadGenerator({ kind: 'baseline', address: base.address, taskQueue: BASELINE_QUEUE, receiverUrl: base.receiver.url });
  const hookflow = await startHookflow(base, false);
  const load = await startLoadGenerator(hookflow.target);
  // Segment's client batches on its own schedule, so its events have no paced latency to compare.
  // Other ways into Hookflow, measured after its native phase in each round, with no paced latency (the
  // client's batching decides when an event leaves).
  const extras = [
    ...(SEGMENT ? [{ name: 'segment', label: 'Hookflow, Segment client (default batching)', column: 'Hookflow, Segment client', load: await startLoadGenerator({ ...hookflow.target, kind: 'segment' }) }] : []),
    ...(BATCH > 0 ? [{ name: 'batch', label: `Hookflow, POST /api/events/batch (${BATCH} per request)`, column: `Hookflow, batches of ${BATCH}`, load: await startLoadGenerator({ ...hookflow.target, kind: 'batch', batchSize: BATCH }) }] : []),
  ].map((extra) => ({ ...extra, phases: [] as Phase[] }));
  const phases: { baseline: Phase[]; hookflow: Phase[] } = { baseline: [], hookflow: [] };
  // The server costs more per run as its database grows, so odd rounds run the baseline first and even
  // rounds Hookflow first: over an even number of rounds, neither side runs on the larger database.
  const measureBaseline = async (round: number, warmup: number) =>
    phases.baseline.push(await measurePhase(base, `baseline-${round}`, baselineLoad, { ...base.pids, baselineWorker: baselineWorker.pid!, load: baselineLoad.pid }, hookflow.pids, BASELINE_QUEUE, warmup));
  const measureHookflow = async (round: number, warmup: number) => {
    phases.hookflow.push(await measurePhase(base, `hookflow-${round}`, load, { ...base.pids, ...hookflow.pids, load: load.pid }, { baselineWorker: baselineWorker.pid! }, HOOKFLOW_QUEUE, warmup));
    for (const extra of extras) {
      extra.phases.push(await measurePhase(base, `${extra.name}-${round}`, extra.load, { ...base.pids, ...hookflow.pids, load: extra.load.pid }, { baselineWorker: baselineWorker.pid! }, HOOKFLOW_QUEUE, warmup, 0));
    }
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const warmup = round === 1 ? WARMUP : 0;
    if (round % 2 === 1) {
      await measureBaseline(round, warmup);
      await measureHookflow(round, warmup);
    } else {
      await measureHookflow(round, warmup);
      await measureBaseline(round, warmup);
    }
  }
  for (const extra of extras) await extra.load.stop();
  await baselineLoad.stop();
  await stopGroup(baselineWorker);
  const baseline = combine(phases.baseline);
  const measured = combine(phases.hookflow);
  const others = extras.map((extra) => ({ ...extra, combined: combine(extra.phases) }));
  const segment = others.find((o) => o.name === 'segment')?.combined ?? null;

  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(0)} ms`);
  const row = (name: string, p: Combined) =>
    `| ${name} | ${p.deliveredPerSecond.toFixed(0)}/s | ${p.acceptedPerSecond.toFixed(0)}/s | ${ms(p.p50)} | ${ms(p.p99)} | ${total(p.cpu).toFixed(2)} ms |`;
  const cpuCell = (p: Combined, key: ProcessName) => (p.cpu[key] === undefined ? '—' : `${p.cpu[key].toFixed(2)} ms`);
  const result = checks([
    { name: 'delivered/s, Hookflow / baseline', value: measured.deliveredPerSecond / baseline.deliveredPerSecond, goal: '≥ 0.9', ok: measured.deliveredPerSecond / baseline.deliveredPerSecond >= 0.9 },
    { name: 'paced p50, Hookflow / baseline', value: measured.p50 / baseline.p50, goal: '≤ 1.2', ok: measured.p50 / baseline.p50 <= 1.2 },
    { name: 'paced p99, Hookflow / baseline', value: measured.p99 / baseline.p99, goal: '≤ 1.5', ok: measured.p99 / baseline.p99 <= 1.5 },
    { name: 'Hookflow accepted/s / delivered/s', value: measured.acceptedPerSecond / measured.deliveredPerSecond, goal: '≥ 2', ok: measured.acceptedPerSecond / measured.deliveredPerSecond >= 2 },
    ...(segment
      ? [{ name: 'delivered/s, Segment batches / native API', value: segment.deliveredPerSecond / measured.deliveredPerSecond, goal: `≥ ${SEGMENT_TARGET}`, ok: segment.deliveredPerSecond / measured.deliveredPerSecond >= SEGMENT_TARGET }]
      : []),
  ]);
  return {
    ok: result.ok,
    lines: [
      `${ROUNDS} rounds of ${EVENTS} events at concurrency ${CONCURRENCY} (after ${WARMUP} warm-up events) and ${PACED} paced events ${PACED_GAP_MS} ms apart, baseline and Hookflow in turn; Temporal SQLite pragmas: ${PRAGMAS}`,
      '',
      '| | delivered/s | accepted/s | paced p50 | paced p99 | CPU per event |',
      '| --- | --- | --- | --- | --- | --- |',
      row('bare Temporal (baseline)', baseline),
      row('Hookflow', measured),
      ...others.map((o) => row(o.label, o.combined)),
      `| Hookflow / baseline, each round | ${phases.hookflow.map((p, i) => ratio(p.deliveredPerSecond, phases.baseline[i]!.deliveredPerSecond)).join(', ')} | | | | |`,
      `| Hookflow / baseline | ${ratio(measured.deliveredPerSecond, baseline.deliveredPerSecond)} | ${ratio(measured.acceptedPerSecond, baseline.acceptedPerSecond)} | ${ratio(measured.p50, baseline.p50)} | ${ratio(measured.p99, baseline.p99)} | ${ratio(total(measured.cpu), total(baseline.cpu))} |`,
      '',
      `| CPU per event | bare Temporal | Hookflow |${others.map((o) => ` ${o.column} |`).join('')}`,
      `| --- | --- | --- |${others.map(() => ' --- |').join('')}`,
      ...(Object.keys(LABELS) as ProcessName[]).map((key) => `| ${LABELS[key]} | ${cpuCell(baseline, key)} | ${cpuCell(measured, key)} |${others.map((o) => ` ${cpuCell(o.combined, key)} |`).join('')}`),
      `| total | ${total(baseline.cpu).toFixed(2)} ms | ${total(measured.cpu).toFixed(2)} ms |${others.map((o) => ` ${total(o.combined.cpu).toFixed(2)} ms |`).join('')}`,
      `| the other side's processes, idle during the phase (not in the total) | ${baseline.idleCpu.toFixed(2)} ms | ${measured.idleCpu.toFixed(2)} ms |${others.map((o) => ` ${o.combined.idleCpu.toFixed(2)} ms |`).join('')}`,
      '',
      `| Temporal server, per event | bare Temporal | Hookflow |${others.map((o) => ` ${o.column} |`).join('')}`,
      `| --- | --- | --- |${others.map(() => ' --- |').join('')}`,
      ...SERVER_ROWS.map(([label, key, digits]) => `| ${label} | ${baseline.server[key].toFixed(digits)} | ${measured.server[key].toFixed(digits)} |${others.map((o) => ` ${o.combined.server[key].toFixed(digits)} |`).join('')}`),
      '',
      ...(measured.pending > 0 ? [`Hookflow answered ${measured.pending} of ${EVENTS} events with "pending": their runs were started by the worker's dispatcher.`, ''] : []),
      ...result.lines,
    ],
  };
}

const SERVER_ROWS: [string, keyof ServerWork, number][] = [
  ['persistence writes', 'persistenceWrites', 2],
  ['persistence reads', 'persistenceReads', 2],
  ['history tasks (transfer, timer, visibility)', 'historyTasks', 2],
  ['bytes of a finished run\'s history', 'historyBytesPerRun', 0],
];

const processNames = (pids: Pids) => (Object.keys(LABELS) as ProcessName[]).filter((key) => pids[key]);

/** Peaks from here on: what starting up took (the worker bundles its workflows, next loads) is not counted. */
const resetPeaks = (pids: Pids) => processNames(pids).forEach((key) => resetPeakMemory(pids[key]!));

const memoryRows = (pids: Pids) => processNames(pids).map((key) => `| ${LABELS[key]} | ${memoryMb(pids[key]!, 'VmHWM').toFixed(0)} MB |`);

/** A burst as fast as one client posts it: every event delivered exactly once, every run completed. */
async function burstMode(base: Base): Promise<Report> {
  const hookflow = await startHookflow(base, false);
  const load = await startLoadGenerator(hookflow.target);
  const pids = { ...base.pids, ...hookflow.pids, load: load.pid };
  resetPeaks(pids);
  log(`burst: ${BURST} events at concurrency ${CONCURRENCY}`);
  const result = await load.run<BurstResult>({ kind: 'burst', prefix: 'burst', count: BURST, concurrency: CONCURRENCY });
  const expected = ids('burst', BURST);
  // Whatever is missing or duplicated is counted and reported below, not thrown.
  await base.arrivals.waitFor(expected);
  const lastArrival = base.arrivals.last(expected.filter((id) => base.arrivals.times.has(id)));
  const completedRuns = () => hookflow.prisma.run.count({ where: { status: 'completed' } });
  await until('every run to complete', async () => (await completedRuns()) >= BURST).catch((error: Error) => log(error.message));
  // Late duplicates (a retried activity) would arrive after the run was first seen to complete.
  await sleep(2000);
  await base.arrivals.poll();
  const distinct = expected.filter((id) => base.arrivals.times.has(id)).length;
  const requests = expected.reduce((sum, id) => sum + (base.arrivals.times.get(id)?.length ?? 0), 0);
  const completed = await completedRuns();
  const verdict = checks([
    { name: 'submissions refused', value: result.failed, goal: '= 0', ok: result.failed === 0 },
    { name: 'duplicate deliveries', value: requests - distinct, goal: '= 0', ok: requests === distinct },
    { name: 'events never delivered', value: BURST - distinct, goal: '= 0', ok: distinct === BURST },
    { name: 'completed runs', value: completed, goal: `= ${BURST}`, ok: completed === BURST },
  ]);
  return {
    ok: verdict.ok,
    lines: [
      `Burst: ${BURST} events at concurrency ${CONCURRENCY}; Temporal SQLite pragmas: ${PRAGMAS}`,
      '',
      '| events | accepted/s | delivered/s | requests at receiver | distinct events | runs completed | answered "pending" |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      `| ${BURST} | ${(BURST / ((result.finishedAt - result.startedAt) / 1000)).toFixed(0)}/s | ${(distinct / ((lastArrival - result.startedAt) / 1000)).toFixed(0)}/s | ${requests} | ${distinct} | ${completed} | ${result.pending} |`,
      '',
      '| process | peak RSS |',
      '| --- | --- |',
      ...memoryRows(pids),
      '',
      ...(result.errors.length > 0 ? [`First refusals: ${result.errors.join('; ')}`, ''] : []),
      ...verdict.lines,
    ],
  };
}

/** Thousands of runs parked in a one-hour wait: what the worker holds in memory for them. */
async function parkedMode(base: Base): Promise<Report> {
  const hookflow = await startHookflow(base, true);
  const load = await startLoadGenerator(hookflow.target);
  const pids = { ...base.pids, ...hookflow.pids, load: load.pid };
  const worker = hookflow.pids.worker!;
  const idleRss = memoryMb(worker, 'VmRSS');
  resetPeaks(pids);
  log(`parked: ${PARKED} events at concurrency ${CONCURRENCY}`);
  const result = await load.run<BurstResult>({ kind: 'burst', prefix: 'parked', count: PARKED, concurrency: CONCURRENCY });
  if (result.failed > 0) throw new Error(`${result.failed} of ${PARKED} submissions failed: ${result.errors.join('; ')}`);
  await until(`${PARKED} running workflows`, async () => (await running(base.client, HOOKFLOW_QUEUE)) >= PARKED, 600_000, 1000);
  // Running in Temporal does not yet mean parked in the wait: that takes the worker's first workflow task
  // of each run. Once the worker has been idle (under 5 % of a core) for 3 s in a row, every run is waiting.
  let idleSeconds = 0;
  let cpu = cpuSeconds({ worker }).worker!;
  await until('the worker to become idle', () => {
    const now = cpuSeconds({ worker }).worker!;
    idleSeconds = now - cpu < 0.05 ? idleSeconds + 1 : 0;
    cpu = now;
    return idleSeconds >= 3;
  }, 600_000, 1000);
  const rss = memoryMb(worker, 'VmRSS');
  const verdict = checks([{ name: `Hookflow worker RSS with ${PARKED} parked runs, MB`, value: rss, goal: `≤ ${PARKED_RSS_LIMIT_MB}`, ok: rss <= PARKED_RSS_LIMIT_MB }]);
  return {
    ok: verdict.ok,
    lines: [
      `Parked: ${PARKED} runs waiting one hour; Temporal SQLite pragmas: ${PRAGMAS}`,
      '',
      '| parked runs | worker RSS before | worker RSS parked | worker peak RSS | accepted/s |',
      '| --- | --- | --- | --- | --- |',
      `| ${PARKED} | ${idleRss.toFixed(0)} MB | ${rss.toFixed(0)} MB | ${memoryMb(worker, 'VmHWM').toFixed(0)} MB | ${(PARKED / ((result.finishedAt - result.startedAt) / 1000)).toFixed(0)}/s |`,
      '',
      '| process | peak RSS |',
      '| --- | --- |',
      ...memoryRows(pids),
      '',
      ...verdict.lines,
    ],
  };
}

async function main() {
  const modes: Record<string, (base: Base) => Promise<Report>> = { throughput: throughputMode, burst: burstMode, parked: parkedMode };
  const mode = modes[MODE];
  if (!mode) throw new Error(`BENCH_MODE must be one of ${Object.keys(modes).join(', ')}`);
  const problem = buildIfNeeded();
  if (problem) throw new Error(problem);
  const base = await startBase();
  const report = await mode(base);
  console.log(
    [`Throughput benchmark (${MODE}), ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores, Node ${process.version}`, '', ...report.lines].join('\n'),
  );
  if (!report.ok) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(1)));

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
