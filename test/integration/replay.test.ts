/**
 * Determinism: histories recorded from earlier versions of the workflows (test/replay/histories) must
 * replay on the current workflow code. A change to the sequence of commands a workflow issues gets a new
 * revision in the workflow's input (docs/runtime.md), and a fresh history recorded with
 * `HOOKFLOW_RECORD_HISTORIES=v<n> npx vitest run test/integration/runtime.test.ts` (customerFlow, among them a
 * wait until a time of day) or `… test/integration/rate-limit.test.ts -t "hands out every slot"` (the rate
 * limiter: acquire updates, a release signal, every run of one limiter across continue-as-new, and its end).
 * The replay worker is made of Hookflow's worker plugin alone, as any team hosting Hookflow would replay it
 * (docs/plugin.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, inject } from 'vitest';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createHookflowDatabase, hookflowWorkerPlugin } from 'hookflow/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const dir = path.join(import.meta.dirname, '../replay/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('replay of committed histories', () => {
  it('has histories to replay: customer flows with a time-of-day wait, and the rate limiter across continue-as-new', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const histories = files.map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { events: Record<string, unknown>[] });
    const of = (type: string) => histories.filter((h) => (h.events[0]!.workflowExecutionStartedEventAttributes as { workflowType: { name: string } }).workflowType.name === type);
    const has = (h: { events: Record<string, unknown>[] }, eventType: string) => h.events.some((e) => e.eventType === `EVENT_TYPE_${eventType}`);
    const input = (h: { events: Record<string, unknown>[] }) =>
      Buffer.from((h.events[0]!.workflowExecutionStartedEventAttributes as { input: { payloads: { data: string }[] } }).input.payloads[0]!.data, 'base64').toString();
    expect(of('customerFlow').some((h) => input(h).includes('"until":{') && has(h, 'TIMER_FIRED'))).toBe(true);
    const limiter = of('rateLimiter');
    expect(limiter.some((h) => has(h, 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW'))).toBe(true);
    expect(limiter.some((h) => has(h, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED'))).toBe(true);
    expect(limiter.some((h) => has(h, 'WORKFLOW_EXECUTION_SIGNALED'))).toBe(true);
    expect(limiter.some((h) => has(h, 'WORKFLOW_EXECUTION_COMPLETED'))).toBe(true);
  });

  it.each(files)('%s replays on the current code', async (file) => {
    const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    // A replay runs no activity: the database and the key are never used.
    const plugin = hookflowWorkerPlugin({ database: createHookflowDatabase(`file:${inject('templateDatabase')}`), secretKey: Buffer.alloc(32), workflowBundlePath: inject('workflowBundlePath') });
    await expect(Worker.runReplayHistory({ plugins: [plugin] }, history, file)).resolves.toBeUndefined();
  });
});
