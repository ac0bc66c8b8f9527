/**
 * The scale-out matrix of bench/rate-limit.ts: K separate "worker processes" (bench/limiter-client.ts, each
 * holding a SlotClient) share one integration's limit R. Each asks for R/K slots per second for
 * BENCH_CELL_SECONDS, so together they ask for R/s; the limiter workflow is hosted by real Hookflow workers.
 * Per cell: sustained grants, the most slots (and receiver arrivals) in any one-second window, acquire
 * latency, and how many updates reached the limiter workflow (counted in its history, all runs).
 */
import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { limiterWorkflowId } from '../lib/server/ratelimit/client';
import type { ReceiverProcess } from '../scripts/receiver-process';
import { maxInAnySecond } from '../scripts/worker-process';
import type { ClientJob, ClientResult } from './limiter-client';
import { startJobProcess } from './job-process';
import { cpuSeconds } from './procfs';


export interface MatrixSettings {
  workers: number[];
  rates: number[];
  seconds: number;
  /** arrivals at the receiver are checked up to this rate (above it the clients only record slot times) */
  receiverMaxRate: number;
  /** the lease period the design renews at (ms), for the updates/s bound; null: no bound (older designs) */
  leasePeriodMs: number | null;
}

export interface MatrixCell {
  k: number;
  rate: number;
  requests: number;
  failed: number;
  granted: number;
  /**
   * granted/s without the first and the last second of the cell: the sustained rate. A process measures no
   * demand before its first quarter second, and at the end slots are left that no request is coming for.
   */
  grantedSteady: number;
  /** the largest jitter budget a process asked for at the end: the grid is spaced for it */
  jitterBudgetMs: number;
  maxSlots: number;
  maxArrivals: number | null;
  duplicates: number;
  acquireP50: number;
  acquireP99: number;
  /** acquire p99 without the first second (the limiter's cold start) */
  acquireP99Warm: number;
  waitP50: number;
  updatesPerSecond: number;
  clientUpdatesPerSecond: number;
  signalsPerSecond: number;
  cpuMsPerGrant: number;
  misses: string[];
}

export interface LimiterClientProcess {
  child: ChildProcess;
  run(job: ClientJob): Promise<ClientResult>;
  stop(): Promise<void>;
}

export async function startLimiterClient(env: Record<string, string>): Promise<LimiterClientProcess> {
  const { child, send, stop } = await startJobProcess('bench/limiter-client.ts', env, 'limiter client');
  return { child, run: async (job) => JSON.parse(await send(job)) as ClientResult, stop };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** Updates accepted and signals received by every run of the limiter, from its history. */
async function limiterTraffic(client: Client, integrationId: string): Promise<{ updates: number; signals: number; runs: number }> {
  let updates = 0;
  let signals = 0;
  let runs = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = '${limiterWorkflowId(integrationId)}'` })) {
    runs++;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      if (event.workflowExecutionUpdateAcceptedEventAttributes) updates++;
      if (event.workflowExecutionSignaledEventAttributes) signals++;
    }
  }
  return { updates, signals, runs };
}

export interface MatrixContext {
  client: Client;
  address: string;
  taskQueue: string;
  receiver: ReceiverProcess;
  /** pids whose CPU counts toward a cell (Temporal server, Hookflow workers, receiver) */
  servicePids: Record<string, number>;
}

/** Runs every cell; K client processes are started once for the largest K and reused. */
export async function runMatrix(ctx: MatrixContext, settings: MatrixSettings): Promise<MatrixCell[]> {
  const clients: LimiterClientProcess[] = [];
  try {
    const most = Math.max(...settings.workers);
    clients.push(...(await Promise.all(Array.from({ length: most }, () => startLimiterClient({ TEMPORAL_ADDRESS: ctx.address, HOOKFLOW_TASK_QUEUE: ctx.taskQueue })))));
    const cells: MatrixCell[] = [];
    for (const k of settings.workers) {
      for (const rate of settings.rates) {
        const cell = await runCell(ctx, settings, clients.slice(0, k), rate);
        console.error(`matrix K=${k} R=${rate}: ${JSON.stringify(cell)}`);
        cells.push(cell);
      }
    }
    return cells;
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
  }
}

async function runCell(ctx: MatrixContext, settings: MatrixSettings, clients: LimiterClientProcess[], rate: number): Promise<MatrixCell> {
  const k = clients.length;
  const integrationId = `matrix-k${k}-r${rate}-${Date.now().toString(36)}`;
  const withReceiver = rate <= settings.receiverMaxRate;
  const from = (await ctx.receiver.requests()).length;
  const startAt = Date.now() + 1500;
  const pids = { ...ctx.servicePids, ...Object.fromEntries(clients.map((c, i) => [`client${i}`, c.child.pid!])) };
  const cpuBefore = cpuSeconds(pids);
  const results = await Promise.all(
    clients.map((c, i) =>
      c.run({
        integrationId,
        ratePerSecond: rate,
        demandPerSecond: rate / k,
        seconds: settings.seconds,
        startAt: startAt + (i * 1000) / rate, // the processes' requests interleave
        receiverUrl: withReceiver ? ctx.receiver.url : undefined,
        prefix: `${integrationId}-${i}`,
      }),
    ),
  );
  const cpuAfter = cpuSeconds(pids);
  const cpuSpent = Object.keys(pids).reduce((sum, name) => sum + (cpuAfter[name]! - cpuBefore[name]!), 0);
  const requests = results.flatMap((r) => r.requests);
  const slots = requests.map((r) => r[2]).sort((a, b) => a - b);
  const duplicates = slots.filter((t, i) => i > 0 && t === slots[i - 1]).length;
  const span = (slots.at(-1)! - slots[0]!) / 1000;
  const granted = (slots.length - 1) / span;
  const steady = slots.filter((t) => t >= startAt + 1000 && t <= slots.at(-1)! - 1000);
  const grantedSteady = (steady.length - 1) / ((steady.at(-1)! - steady[0]!) / 1000);
  const elapsed = (Math.max(...requests.map((r) => r[3])) - startAt) / 1000;
  let maxArrivals: number | null = null;
  if (withReceiver) {
    // Give the last POSTs a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const arrivals = (await ctx.receiver.arrivals(from, 'id')).filter((a) => a.id?.startsWith(integrationId));
    maxArrivals = maxInAnySecond(arrivals.map((a) => a.at));
  }
  const traffic = await limiterTraffic(ctx.client, integrationId);
  const acquire = requests.map((r) => r[1]);
  const warm = requests.filter((r) => r[0] >= startAt + 1000).map((r) => r[1]);
  const cell: MatrixCell = {
    k,
    rate,
    requests: requests.length,
    failed: results.reduce((sum, r) => sum + r.failed.length, 0),
    granted,
    grantedSteady,
    jitterBudgetMs: Math.max(...results.map((r) => r.jitterBudgetMs)),
    maxSlots: maxInAnySecond(slots),
    maxArrivals,
    duplicates,
    acquireP50: percentile(acquire, 50),
    acquireP99: percentile(acquire, 99),
    acquireP99Warm: percentile(warm, 99),
    waitP50: percentile(
      requests.map((r) => r[2] - r[0]),
      50,
    ),
    updatesPerSecond: traffic.updates / elapsed,
    clientUpdatesPerSecond: results.reduce((sum, r) => sum + r.updates, 0) / elapsed,
    signalsPerSecond: traffic.signals / elapsed,
    cpuMsPerGrant: (cpuSpent * 1000) / Math.max(1, requests.length),
    misses: [],
  };
  cell.misses = missesOf(cell, settings);
  if (results.some((r) => r.failed.length > 0)) console.error(`K=${k} R=${rate} failures: ${[...new Set(results.flatMap((r) => r.failed))].slice(0, 3).join(' | ')}`);
  return cell;
}

function missesOf(cell: MatrixCell, settings: MatrixSettings): string[] {
  const misses: string[] = [];
  if (cell.failed > 0) misses.push(`${cell.failed} requests failed`);
  if (cell.grantedSteady < 0.95 * cell.rate) misses.push(`sustained ${(cell.grantedSteady / cell.rate).toFixed(3)} R < 0.95 R`);
  if (cell.maxSlots > cell.rate) misses.push(`${cell.maxSlots} slots in one second > R`);
  if (cell.maxArrivals !== null && cell.maxArrivals > cell.rate) misses.push(`${cell.maxArrivals} arrivals in one second > R`);
  if (cell.duplicates > 0) misses.push(`${cell.duplicates} slot times handed out twice`);
  if (!(cell.acquireP99Warm <= 250)) misses.push(`acquire p99 ${cell.acquireP99Warm.toFixed(0)} ms > 250 ms`);
  if (settings.leasePeriodMs !== null) {
    const bound = 1.5 * cell.k * (1000 / settings.leasePeriodMs) + 1;
    if (cell.updatesPerSecond > bound) misses.push(`${cell.updatesPerSecond.toFixed(1)} updates/s > ${bound.toFixed(1)}`);
  }
  return misses;
}

export function matrixTable(cells: MatrixCell[]): string[] {
  return [
    '| K processes | R | requests | granted/s, whole cell (of R) | sustained: without its first and last second (of R) | jitter budget | max slots in 1 s | max arrivals in 1 s | acquire p50 | acquire p99 (after 1st s) | slot wait p50 | updates/s (history) | signals/s | CPU per grant | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...cells.map(
      (c) =>
        `| ${c.k} | ${c.rate}/s | ${c.requests} | ${c.granted.toFixed(1)} (${(c.granted / c.rate).toFixed(3)}) | ${c.grantedSteady.toFixed(1)} (${(c.grantedSteady / c.rate).toFixed(3)}) | ${c.jitterBudgetMs} ms | ${c.maxSlots} | ${c.maxArrivals ?? '—'} | ${c.acquireP50.toFixed(0)} ms | ${c.acquireP99.toFixed(0)} ms (${c.acquireP99Warm.toFixed(0)} ms) | ${c.waitP50.toFixed(0)} ms | ${c.updatesPerSecond.toFixed(1)} | ${c.signalsPerSecond.toFixed(1)} | ${c.cpuMsPerGrant.toFixed(2)} ms | ${c.misses.length === 0 ? 'ok' : c.misses.join('; ')} |`,
    ),
  ];
}
