/**
 * The baseline to beat (bench/taskqueue-limit/matrix.ts): Temporal's own task-queue rate limit. Every send is
 * an activity on a task queue of its own integration whose workers set `maxTaskQueueActivitiesPerSecond`; the
 * server dispatches them at that rate. This driver schedules `perTick` sends every second (the dev server's
 * timers fire on whole seconds), `ticks` times, then waits for all of them.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { SendActivities } from './worker';

export async function taskQueueLimitedSends(input: { taskQueue: string; ticks: number; perTick: number; prefix: string }): Promise<void> {
  const { send } = proxyActivities<SendActivities>({ taskQueue: input.taskQueue, scheduleToCloseTimeout: '10 minutes', startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } });
  const sends: Promise<void>[] = [];
  for (let tick = 0; tick < input.ticks; tick++) {
    // A send that fails (or times out) is missing from the counts; the others go on.
    for (let i = 0; i < input.perTick; i++) sends.push(send(`${input.prefix}-${tick}-${i}`).catch(() => undefined));
    await sleep(1000);
  }
  await Promise.all(sends);
}
