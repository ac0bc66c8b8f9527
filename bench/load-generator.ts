/**
 * The load generator of bench/throughput.ts, in its own process so that its CPU is accounted apart and its
 * event loop is not shared with the orchestrator. It submits events to Hookflow (`POST /api/events` with
 * undici, or the Segment-compatible API through the real @segment/analytics-node client with its default
 * batching) or, for the baseline, as workflow starts with @temporalio/client.
 *
 * LOAD_TARGET (JSON) says where: { kind: 'hookflow' | 'segment', url, key, eventType, receiverUrl }, the same
 * with kind 'batch' and `batchSize` (POST /api/events/batch, `batchSize` events per request), or
 * { kind: 'baseline', address, taskQueue, receiverUrl }. Once connected it prints `ready`; then jobs arrive on
 * stdin, one JSON line each, and each is answered with one JSON line on stdout:
 * - { kind: 'burst', prefix, count, concurrency } → BurstResult: `count` events `<prefix>-<i>`, `concurrency`
 *   in flight at a time;
 * - { kind: 'paced', prefix, count, from, gapMs } → PacedResult: one event at a time, each sent `gapMs` after the
 *   previous one reached the receiver (whose requests from index `from` on are watched), so that the previous
 *   run's tail (recording, completing) does not overlap the next one.
 * Times are performance.timeOrigin + performance.now(), the receiver's clock.
 */
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { request } from 'undici';
import { Analytics } from '@segment/analytics-node';
import type { baselineFlow } from './baseline/workflows';

export type LoadTarget =
  | { kind: 'hookflow'; url: string; key: string; eventType: string; receiverUrl: string }
  | { kind: 'segment'; url: string; key: string; eventType: string; receiverUrl: string }
  | { kind: 'batch'; url: string; key: string; eventType: string; receiverUrl: string; batchSize: number }
  | { kind: 'baseline'; address: string; taskQueue: string; receiverUrl: string };

export type LoadJob = { kind: 'burst'; prefix: string; count: number; concurrency: number } | { kind: 'paced'; prefix: string; count: number; from: number; gapMs: number };

export interface BurstResult {
  /** just before the first submission */
  startedAt: number;
  /** when the last submission was answered */
  finishedAt: number;
  failed: number;
  /** Hookflow answers with `"pending": true` (stored, but not started in Temporal yet) */
  pending: number;
  errors: string[];
}

export interface PacedResult {
  /** submission → arrival at the receiver, ms */
  latencies: number[];
}

const now = () => performance.timeOrigin + performance.now();
const target = JSON.parse(process.env.LOAD_TARGET!) as LoadTarget;

interface Sender {
  /** Submits one event; resolves with whether Hookflow answered "pending", throws when it was refused. */
  submit: (id: string) => Promise<boolean>;
  /** Resolves once everything submitted so far was answered (a batching client flushes). */
  drain: () => Promise<void>;
  close: () => Promise<void>;
}

/** The Segment client queues each call and sends batches on its own schedule (default: 15 events or 10 s). */
function segmentSender(url: string, key: string, eventType: string): Sender {
  const analytics = new Analytics({ writeKey: key, host: url, path: '/api/segment/v1/batch' });
  const refusals: string[] = [];
  analytics.on('error', (error) => refusals.push(String((error as { reason?: unknown }).reason ?? error)));
  return {
    submit: async (id) => {
      analytics.track({ userId: `c-${id}`, event: eventType, messageId: id });
      return false;
    },
    drain: async () => {
      await analytics.flush();
      if (refusals.length > 0) throw new Error(`the Segment client reported ${refusals.length} errors: ${refusals.slice(0, 3).join('; ')}`);
    },
    close: () => analytics.closeAndFlush(),
  };
}

/**
 * POST /api/events/batch: events are gathered until `size` wait or 20 ms passed, then sent in one request;
 * each submit resolves when its batch is answered. `drain` sends what is left.
 */
function batchSender(url: string, key: string, eventType: string, size: number): Sender {
  let gathered: { id: string; done: (pending: boolean) => void; fail: (error: Error) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const send = async () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = gathered;
    gathered = [];
    if (batch.length === 0) return;
    try {
      const response = await request(`${url}/api/events/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch.map(({ id }) => ({ id, type: eventType, customer: { id: `c-${id}` } })) }),
      });
      const text = await response.body.text();
      const answer = JSON.parse(text) as { accepted?: number; rejected?: unknown[]; pending?: boolean };
      if (response.statusCode !== 202 || answer.accepted !== batch.length) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
      for (const event of batch) event.done(answer.pending === true);
    } catch (error) {
      for (const event of batch) event.fail(error as Error);
    }
  };
  return {
    submit: (id) =>
      new Promise<boolean>((done, fail) => {
        gathered.push({ id, done, fail });
        if (gathered.length >= size) void send();
        else timer ??= setTimeout(() => void send(), 20);
      }),
    drain: send,
    close: async () => undefined,
  };
}

async function connect(): Promise<Sender> {
  if (target.kind === 'segment') return segmentSender(target.url, target.key, target.eventType);
  if (target.kind === 'batch') return batchSender(target.url, target.key, target.eventType, target.batchSize);
  if (target.kind === 'hookflow') {
    return {
      submit: async (id) => {
        const response = await request(`${target.url}/api/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, type: target.eventType, customer: { id: `c-${id}` } }),
        });
        const text = await response.body.text();
        if (response.statusCode !== 202) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
        return (JSON.parse(text) as { pending?: boolean }).pending === true;
      },
      drain: async () => undefined,
      close: async () => undefined,
    };
  }
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection });
  return {
    submit: async (id) => {
      // The same body Hookflow's webhook renders from its template.
      await client.workflow.start<typeof baselineFlow>('baselineFlow', {
        taskQueue: target.taskQueue,
        workflowId: `baseline/${id}`,
        args: [`${target.receiverUrl}/hook`, { customer: `c-${id}`, event: id }],
      });
      return false;
    },
    drain: async () => undefined,
    close: () => connection.close(),
  };
}

async function burst({ submit, drain }: Sender, job: Extract<LoadJob, { kind: 'burst' }>): Promise<BurstResult> {
  const result: BurstResult = { startedAt: now(), finishedAt: 0, failed: 0, pending: 0, errors: [] };
  let next = 0;
  const lane = async () => {
    while (next < job.count) {
      const id = `${job.prefix}-${next++}`;
      try {
        if (await submit(id)) result.pending++;
      } catch (error) {
        result.failed++;
        if (result.errors.length < 5) result.errors.push(`${id}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  try {
    await drain();
  } catch (error) {
    result.failed++;
    result.errors.push((error as Error).message);
  }
  result.finishedAt = now();
  return result;
}

async function paced(submit: (id: string) => Promise<boolean>, job: Extract<LoadJob, { kind: 'paced' }>): Promise<PacedResult> {
  const latencies: number[] = [];
  let from = job.from;
  for (let i = 0; i < job.count; i++) {
    const id = `${job.prefix}-${i}`;
    const submittedAt = now();
    await submit(id);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await request(`${target.receiverUrl}/__receiver/arrivals?from=${from}&key=event`);
      const arrivals = (await response.body.json()) as { id: string | null; at: number }[];
      const hit = arrivals.findIndex((a) => a.id === id);
      if (hit >= 0) {
        latencies.push(arrivals[hit]!.at - submittedAt);
        from += hit + 1;
        await new Promise((resolve) => setTimeout(resolve, job.gapMs));
        break;
      }
      from += arrivals.length;
      if (Date.now() > deadline) throw new Error(`${id} did not reach the receiver within 60 s`);
      // Polling only paces the next submission; the latency comes from the receiver's own timestamp.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return { latencies };
}

const sender = await connect();
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const job = JSON.parse(line) as LoadJob;
  const result = job.kind === 'burst' ? await burst(sender, job) : await paced(sender.submit, job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
await sender.close();
