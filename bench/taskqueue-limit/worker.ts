/**
 * One activity worker process of the task-queue baseline (bench/taskqueue-limit/matrix.ts). Environment:
 * TEMPORAL_ADDRESS. Prints `ready`; then stdin lines (JSON) are jobs:
 * - { kind: 'start', taskQueue, rate, receiverUrl? }: poll that queue with maxTaskQueueActivitiesPerSecond = rate;
 *   answers `started`;
 * - { kind: 'stop' }: shut the worker down; answers one JSON line, TaskQueueWorkerResult.
 */
import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Agent, request } from 'undici';

export interface TaskQueueWorkerResult {
  /** per send: [scheduled, started], epoch ms */
  sends: [number, number][];
  cpuMs: number;
}

export interface SendActivities {
  send(id: string): Promise<void>;
}

type Job = { kind: 'start'; taskQueue: string; rate: number; receiverUrl?: string } | { kind: 'stop' };

const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
const agent = new Agent({ connections: 32, headersTimeout: 10_000, bodyTimeout: 10_000 });
interface Current {
  worker: Worker;
  running: Promise<void>;
  sends: [number, number][];
  cpu: NodeJS.CpuUsage;
}
const state: { current: Current | null } = { current: null };

function start(job: Extract<Job, { kind: 'start' }>): Promise<Worker> {
  const sends: [number, number][] = [];
  const activities: SendActivities = {
    async send(id) {
      const started = Date.now();
      sends.push([Context.current().info.currentAttemptScheduledTimestampMs, started]);
      if (!job.receiverUrl) return;
      const response = await request(`${job.receiverUrl}/limited`, { method: 'POST', body: JSON.stringify({ id }), headers: { 'content-type': 'application/json' }, dispatcher: agent });
      await response.body.dump();
    },
  };
  return Worker.create({ connection, taskQueue: job.taskQueue, activities, maxTaskQueueActivitiesPerSecond: job.rate }).then((worker) => {
    state.current = { worker, running: worker.run(), sends, cpu: process.cpuUsage() };
    return worker;
  });
}

console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const job = JSON.parse(line) as Job;
  if (job.kind === 'start') {
    await start(job);
    console.log('started');
  } else if (state.current) {
    const { worker, running, sends, cpu: before } = state.current;
    worker.shutdown();
    await running;
    const cpu = process.cpuUsage(before);
    const result: TaskQueueWorkerResult = { sends, cpuMs: (cpu.user + cpu.system) / 1000 };
    state.current = null;
    console.log(JSON.stringify(result));
  }
}
await connection.close();
