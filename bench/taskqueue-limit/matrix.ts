/**
 * The baseline of the scale-out matrix: Temporal's server-side task-queue rate limit
 * (`maxTaskQueueActivitiesPerSecond`). K activity worker processes (./worker.ts) poll one task queue per cell
 * with the limit R; driver workflows (./workflows.ts, hosted here) schedule R sends each second for the
 * cell's seconds. The slot of a send is when its activity started; its "acquire" time is schedule-to-start.
 */
import { createRequire } from 'node:module';
import { NativeConnection, Worker } from '@temporalio/worker';
import { maxInAnySecond } from '../../scripts/worker-process';
import type { MatrixCell, MatrixContext, MatrixSettings } from '../limiter-matrix';
import { startJobProcess, type JobProcess } from '../job-process';
import { cpuSeconds } from '../procfs';
import type { TaskQueueWorkerResult } from './worker';

const require = createRequire(import.meta.url);

const startActivityWorker = (address: string): Promise<JobProcess> =>
  startJobProcess('bench/taskqueue-limit/worker.ts', { TEMPORAL_ADDRESS: address }, 'task-queue worker', 10_000);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;

export async function runTaskQueueMatrix(ctx: MatrixContext, settings: MatrixSettings): Promise<MatrixCell[]> {
  const connection = await NativeConnection.connect({ address: ctx.address });
  const driverQueue = `tq-driver-${Date.now().toString(36)}`;
  const driver = await Worker.create({ connection, taskQueue: driverQueue, workflowsPath: require.resolve('./workflows.ts') });
  const driving = driver.run();
  const workers = await Promise.all(Array.from({ length: Math.max(...settings.workers) }, () => startActivityWorker(ctx.address)));
  try {
    const cells: MatrixCell[] = [];
    for (const k of settings.workers) {
      for (const rate of settings.rates) {
        const cell = await runCell(ctx, settings, driverQueue, workers.slice(0, k), rate);
        console.error(`task-queue limit K=${k} R=${rate}: ${JSON.stringify(cell)}`);
        cells.push(cell);
      }
    }
    return cells;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    driver.shutdown();
    await driving;
    await connection.close();
  }
}

async function runCell(ctx: MatrixContext, settings: MatrixSettings, driverQueue: string, workers: JobProcess[], rate: number): Promise<MatrixCell> {
  const k = workers.length;
  const taskQueue = `tq-limited-k${k}-r${rate}-${Date.now().toString(36)}`;
  const withReceiver = rate <= settings.receiverMaxRate;
  const from = (await ctx.receiver.requests()).length;
  await Promise.all(workers.map((w) => w.send({ kind: 'start', taskQueue, rate, receiverUrl: withReceiver ? ctx.receiver.url : undefined })));
  const pids = { ...ctx.servicePids, self: process.pid, ...Object.fromEntries(workers.map((w, i) => [`tq${i}`, w.child.pid!])) };
  const cpuBefore = cpuSeconds(pids);
  // Drivers of at most 1,500 sends each keep every history far from Temporal's limits.
  const drivers = Math.max(1, Math.ceil((rate * settings.seconds) / 1500));
  const ticks = settings.seconds;
  const perTick = Math.max(1, Math.round(rate / drivers));
  const total = perTick * drivers * ticks;
  const started = Date.now();
  const handles = await Promise.all(
    Array.from({ length: drivers }, (_, d) =>
      ctx.client.workflow.start('taskQueueLimitedSends', {
        taskQueue: driverQueue,
        workflowId: `${taskQueue}-driver-${d}`,
        args: [{ taskQueue, ticks, perTick, prefix: `${taskQueue}-${d}` }],
      }),
    ),
  );
  await Promise.all(handles.map((h) => h.result()));
  const elapsed = (Date.now() - started) / 1000;
  const cpuAfter = cpuSeconds(pids);
  const results = (await Promise.all(workers.map((w) => w.send({ kind: 'stop' })))).map((line) => JSON.parse(line) as TaskQueueWorkerResult);
  const sends = results.flatMap((r) => r.sends);
  const slots = sends.map((s) => s[1]).sort((a, b) => a - b);
  let maxArrivals: number | null = null;
  if (withReceiver) {
    const arrivals = (await ctx.receiver.arrivals(from, 'id')).filter((a) => a.id?.startsWith(taskQueue));
    maxArrivals = maxInAnySecond(arrivals.map((a) => a.at));
  }
  let workflowTasks = 0;
  for (const h of handles) for (const e of (await h.fetchHistory()).events ?? []) if (e.workflowTaskCompletedEventAttributes) workflowTasks++;
  const waits = sends.map((s) => s[1] - s[0]);
  const cpuSpent = Object.keys(pids).reduce((sum, name) => sum + (cpuAfter[name]! - cpuBefore[name]!), 0);
  const granted = (slots.length - 1) / ((slots.at(-1)! - slots[0]!) / 1000);
  const cell: MatrixCell = {
    k,
    rate,
    requests: sends.length,
    failed: total - sends.length,
    granted,
    grantedSteady: granted,
    jitterBudgetMs: 0,
    maxSlots: maxInAnySecond(slots),
    maxArrivals,
    duplicates: 0,
    acquireP50: percentile(waits, 50),
    acquireP99: percentile(waits, 99),
    acquireP99Warm: percentile(
      sends.filter((s) => s[0] >= started + 1000).map((s) => s[1] - s[0]),
      99,
    ),
    waitP50: percentile(waits, 50),
    // what reaches the server per second: one activity task per send, plus the drivers' workflow tasks
    updatesPerSecond: (sends.length + workflowTasks) / elapsed,
    clientUpdatesPerSecond: 0,
    signalsPerSecond: 0,
    cpuMsPerGrant: (cpuSpent * 1000) / Math.max(1, sends.length),
    misses: [],
  };
  if (cell.granted < 0.95 * rate) cell.misses.push(`granted ${(cell.granted / rate).toFixed(3)} R`);
  if (cell.maxSlots > rate) cell.misses.push(`${cell.maxSlots} starts in one second > R`);
  if (maxArrivals !== null && maxArrivals > rate) cell.misses.push(`${maxArrivals} arrivals in one second > R`);
  if (!(cell.acquireP99Warm <= 250)) cell.misses.push(`schedule-to-start p99 ${cell.acquireP99Warm.toFixed(0)} ms`);
  return cell;
}
