/**
 * Determinism: histories recorded from earlier versions of the workflows (test/replay/histories) must
 * replay on the current workflow code. A change to the sequence of commands a workflow issues gets a new
 * revision in the workflow's input (docs/runtime.md), and a fresh history recorded with
 * `HOOKFLOW_RECORD_HISTORIES=v<n> npx vitest run test/integration/runtime.test.ts` (customerFlow) or
 * `… test/integration/rate-limit.test.ts` (the rate limiter, every run of one limiter across continue-as-new).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, inject } from 'vitest';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });

const dir = path.join(import.meta.dirname, '../replay/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('replay of committed histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s replays on the current code', async (file) => {
    const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
