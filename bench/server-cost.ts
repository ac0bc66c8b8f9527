/**
 * Which of the things a Hookflow run adds to the bare workflow cost the Temporal server CPU
 * (`npm run bench:server-cost`). The throughput bench measures a Hookflow event costing the server more
 * than a bare one with the same persistence operations and history tasks; this runs the bare workflow
 * (./server-cost/workflows.ts) with one feature at a time switched on, on one dev server, and reports the
 * server's CPU per run of each against the bare one measured in the same rounds.
 *
 * Variants: `bare`; `search` (Hookflow's six search attributes at start, the outcome upserted at the end);
 * `payload` (BENCH_PAD_BYTES, default 3000, more bytes in the start input and again in the activity input,
 * about what a Hookflow run's plan and template context add); `summaries` (a run summary and details at start,
 * an activity summary); `policies` (REJECT_DUPLICATE and a heartbeat timeout on the activity); `all`; and
 * `local`, the bare workflow sending from a local activity (not something Hookflow does: what it would save).
 * The worker and the starter run in this process; only the server's CPU (from /proc) is counted.
 *
 * Settings: BENCH_RUNS (runs per variant and round, 600), BENCH_ROUNDS (3), BENCH_CONCURRENCY (32),
 * BENCH_VARIANTS (comma-separated, all by default).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../lib/domain/flow/run';
import { freePort } from '../scripts/ports';
import { stopGroup } from '../scripts/processes';
import { startReceiverProcess } from '../scripts/receiver-process';
import { CRASH_SAFE_PRAGMAS, devServerArgs, findTemporalCli, pragmasFrom, waitForTemporal } from '../scripts/temporal';
import * as activities from './baseline/activities';
import { cpuSeconds } from './procfs';
import { readServerCounters, serverWork } from './server-work';
import type { VariantInput } from './server-cost/workflows';

const require = createRequire(import.meta.url);
const setting = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const RUNS = setting('BENCH_RUNS', 600);
const ROUNDS = setting('BENCH_ROUNDS', 3);
const CONCURRENCY = setting('BENCH_CONCURRENCY', 32);
const PAD_BYTES = setting('BENCH_PAD_BYTES', 3000);
const TASK_QUEUE = 'server-cost';

interface Variant {
  search: boolean;
  pad: boolean;
  summaries: boolean;
  policies: boolean;
  local?: boolean;
}
const VARIANTS: Record<string, Variant> = {
  bare: { search: false, pad: false, summaries: false, policies: false },
  search: { search: true, pad: false, summaries: false, policies: false },
  payload: { search: false, pad: true, summaries: false, policies: false },
  summaries: { search: false, pad: false, summaries: true, policies: false },
  policies: { search: false, pad: false, summaries: false, policies: true },
  all: { search: true, pad: true, summaries: true, policies: true },
  // not one of a Hookflow run's additions: what sending from a local activity would save
  local: { search: false, pad: false, summaries: false, policies: false, local: true },
};
const chosen = (process.env.BENCH_VARIANTS ?? Object.keys(VARIANTS).join(',')).split(',').map((name) => name.trim());
for (const name of chosen) if (!VARIANTS[name]) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
if (!chosen.includes('bare')) chosen.unshift('bare');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-server-cost-'));
  const cli = findTemporalCli({ install: true });
  const port = await freePort();
  const metricsPort = await freePort();
  const server = spawn(cli, devServerArgs({ cli, dbFile: path.join(scratch, 'temporal.db'), port, uiPort: 0, headless: true, pragmas: pragmasFrom(CRASH_SAFE_PRAGMAS.join(',')), metricsPort }), {
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const receiver = await startReceiverProcess();
  const address = `127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  try {
    await waitForTemporal(address);
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection: workerConnection, taskQueue: TASK_QUEUE, workflowsPath: require.resolve('./server-cost/workflows.ts'), activities });
    const running = worker.run();
    const results = new Map<string, { cpuMs: number[]; historyBytes: number[]; writes: number[] }>();
    let serial = 0;
    let arrived = 0;
    const runVariant = async (name: string, count: number) => {
      const variant = VARIANTS[name]!;
      const pad = variant.pad ? 'x'.repeat(PAD_BYTES) : '';
      let next = 0;
      const starter = async () => {
        while (next < count) {
          const i = next++;
          const id = `${name}-${serial}-${i}`;
          const input: VariantInput = { url: receiver.url, body: { customer: `c-${i}`, event: id }, pad, summaries: variant.summaries, heartbeat: variant.policies, upsert: variant.search, local: variant.local };
          await client.workflow.start('variantFlow', {
            taskQueue: TASK_QUEUE,
            workflowId: id,
            args: [input],
            ...(variant.policies ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
            ...(variant.summaries
              ? { staticSummary: `**bench.event** for customer \`c-${i}\` → flow **Bench flow** v1`, staticDetails: `Event \`${id}\` of type \`bench.event\`\n\n[Open the flow in Hookflow](http://localhost:3000/flows/bench-flow-id)` }
              : {}),
            ...(variant.search
              ? {
                  typedSearchAttributes: [
                    { key: SEARCH_ATTRIBUTES.flowId, value: 'bench-flow-id' },
                    { key: SEARCH_ATTRIBUTES.flowName, value: 'Bench flow' },
                    { key: SEARCH_ATTRIBUTES.flowVersion, value: 1 },
                    { key: SEARCH_ATTRIBUTES.customerId, value: `c-${i}` },
                    { key: SEARCH_ATTRIBUTES.eventId, value: id },
                    { key: SEARCH_ATTRIBUTES.eventType, value: 'bench.event' },
                  ],
                }
              : {}),
          });
        }
      };
      serial++;
      const expected = arrived + count;
      await Promise.all(Array.from({ length: CONCURRENCY }, starter));
      // Every request arrived, then every run closed (the visibility count lags the starts, so not first).
      for (const deadline = Date.now() + 300_000; arrived < expected; await sleep(100)) {
        arrived += (await receiver.arrivals(arrived, 'event')).length;
        if (Date.now() > deadline) throw new Error(`${name}: ${expected - arrived} requests did not arrive`);
      }
      for (;;) {
        const { count: open } = await client.workflow.count(`TaskQueue="${TASK_QUEUE}" AND ExecutionStatus="Running"`);
        if (open === 0) break;
        await sleep(250);
      }
    };
    console.error(`[server-cost] warm-up`);
    await runVariant('all', 300);
    await runVariant('bare', 300);
    for (let round = 1; round <= ROUNDS; round++) {
      // Every other round in reverse, so that no variant always runs on the larger database.
      for (const name of round % 2 === 1 ? chosen : [...chosen].reverse()) {
        console.error(`[server-cost] round ${round}: ${name}, ${RUNS} runs`);
        const before = cpuSeconds({ temporal: server.pid! }).temporal!;
        const countersBefore = await readServerCounters(metricsUrl);
        await runVariant(name, RUNS);
        const after = cpuSeconds({ temporal: server.pid! }).temporal!;
        const work = serverWork(countersBefore, await readServerCounters(metricsUrl), RUNS);
        const entry = results.get(name) ?? { cpuMs: [], historyBytes: [], writes: [] };
        entry.cpuMs.push(((after - before) * 1000) / RUNS);
        entry.historyBytes.push(work.historyBytesPerRun);
        entry.writes.push(work.persistenceWrites);
        results.set(name, entry);
      }
    }
    worker.shutdown();
    await running;
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const bare = mean(results.get('bare')!.cpuMs);
    console.log(`Temporal server CPU per run, ${ROUNDS} rounds of ${RUNS} runs per variant at concurrency ${CONCURRENCY} (payload: ${PAD_BYTES} bytes)\n`);
    console.log('| variant | server CPU per run (each round) | mean | / bare | persistence writes per run | history bytes per run |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const name of chosen) {
      const r = results.get(name)!;
      console.log(`| ${name} | ${r.cpuMs.map((ms) => ms.toFixed(2)).join(', ')} ms | ${mean(r.cpuMs).toFixed(2)} ms | ${(mean(r.cpuMs) / bare).toFixed(2)} | ${mean(r.writes).toFixed(2)} | ${mean(r.historyBytes).toFixed(0)} |`);
    }
    await connection.close();
    await workerConnection.close();
  } finally {
    await receiver.close();
    await stopGroup(server);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
