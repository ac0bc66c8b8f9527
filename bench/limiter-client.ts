/**
 * One "worker process" of the rate-limit matrix (bench/rate-limit.ts): it holds a SlotClient, as a Hookflow
 * worker process does, and asks it for slots at a steady pace, sleeping until each slot and then POSTing to
 * the receiver (or only recording the slot time). Several of these run side by side, each its own process.
 *
 * Environment: TEMPORAL_ADDRESS, HOOKFLOW_TASK_QUEUE. Prints `ready` once connected; then each stdin line is a
 * job (ClientJob, JSON) answered with one line on stdout (ClientResult, JSON).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { Agent, request } from 'undici';
import { SlotClient } from '../lib/server/ratelimit/client';

export interface ClientJob {
  integrationId: string;
  ratePerSecond: number;
  /** requests per second this process asks for */
  demandPerSecond: number;
  seconds: number;
  /** epoch ms of the first request, the same for every process of a cell */
  startAt: number;
  /** POST each request here at its slot; without it only the slot time is recorded */
  receiverUrl?: string;
  /** prefix of the request ids sent to the receiver */
  prefix: string;
}

export interface ClientResult {
  /** per request: [issued, acquire ms (all tries), slot it was sent on, woke up to send, tries], epoch ms */
  requests: [number, number, number, number, number][];
  failed: string[];
  /** update calls this process made to the limiter, and release signals */
  updates: number;
  signals: number;
  cpuMs: number;
  /** the jitter budget this process asked for at the end (its sends' lateness sets it) */
  jitterBudgetMs: number;
}

interface Trace {
  acquireMs: number;
  slot: number;
  tries: number;
}

const trace = new AsyncLocalStorage<Trace>();

async function main() {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection });
  let updates = 0;
  let signals = 0;
  // Count what reaches Temporal: every update call and every signal this process sends to the limiter.
  const workflow = client.workflow;
  const executeUpdateWithStart = workflow.executeUpdateWithStart.bind(workflow);
  workflow.executeUpdateWithStart = ((...args: Parameters<typeof executeUpdateWithStart>) => {
    updates++;
    return executeUpdateWithStart(...args);
  }) as typeof executeUpdateWithStart;
  const getHandle = workflow.getHandle.bind(workflow);
  workflow.getHandle = ((...args: Parameters<typeof getHandle>) => {
    const handle = getHandle(...args);
    const signal = handle.signal.bind(handle);
    handle.signal = ((...signalArgs: Parameters<typeof signal>) => {
      signals++;
      return signal(...signalArgs);
    }) as typeof signal;
    return handle;
  }) as typeof getHandle;

  const slots = new SlotClient({ client: async () => client, taskQueue: process.env.HOOKFLOW_TASK_QUEUE!, maxQueueWaitMs: 10 * 60_000 });
  // Every acquire a request makes (a late wake-up asks again) adds to that request's trace.
  const acquire = slots.acquire.bind(slots);
  slots.acquire = (async (...args: Parameters<typeof acquire>) => {
    const started = Date.now();
    const slot = await acquire(...args);
    const t = trace.getStore();
    if (t) {
      t.acquireMs += Date.now() - started;
      t.slot = slot;
      t.tries++;
    }
    return slot;
  }) as typeof acquire;
  const agent = new Agent({ connections: 32, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });

  async function one(job: ClientJob, i: number, out: ClientResult): Promise<void> {
    const issued = Date.now();
    const t: Trace = { acquireMs: 0, slot: 0, tries: 0 };
    try {
      const slotAt = await trace.run(t, () => slots.waitForTurn(job.integrationId, job.ratePerSecond, null, (ms) => new Promise((resolve) => setTimeout(resolve, ms))));
      const woke = Date.now();
      // As the webhook activity does right before it sends: how late this send is sizes the jitter budget.
      slots.observeLateness(woke - slotAt);
      out.requests.push([issued, t.acquireMs, t.slot, woke, t.tries]);
      if (job.receiverUrl) {
        const response = await request(`${job.receiverUrl}/limited`, { method: 'POST', body: JSON.stringify({ id: `${job.prefix}-${i}` }), headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await response.body.dump();
      }
    } catch (error) {
      out.failed.push((error as Error).message);
    }
  }

  async function run(job: ClientJob): Promise<ClientResult> {
    const out: ClientResult = { requests: [], failed: [], updates: 0, signals: 0, cpuMs: 0, jitterBudgetMs: 0 };
    const updatesBefore = updates;
    const signalsBefore = signals;
    const cpuBefore = process.cpuUsage();
    const total = Math.round(job.demandPerSecond * job.seconds);
    const gap = 1000 / job.demandPerSecond;
    const pending: Promise<void>[] = [];
    // Requests go out on an absolute schedule (startAt + i × gap); a late timer catches up at once.
    for (let i = 0; i < total; ) {
      const due = job.startAt + i * gap;
      const now = Date.now();
      if (due > now) {
        await new Promise((resolve) => setTimeout(resolve, due - now));
        continue;
      }
      for (; i < total && job.startAt + i * gap <= Date.now(); i++) pending.push(one(job, i, out));
    }
    await Promise.all(pending);
    const cpu = process.cpuUsage(cpuBefore);
    out.updates = updates - updatesBefore;
    out.signals = signals - signalsBefore;
    out.cpuMs = (cpu.user + cpu.system) / 1000;
    out.jitterBudgetMs = slots.jitterBudget();
    return out;
  }

  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    console.log(JSON.stringify(await run(JSON.parse(line) as ClientJob)));
  }
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
