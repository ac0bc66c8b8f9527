/**
 * Determinism: histories recorded from earlier versions of the workflows (test/replay/histories) must
 * replay on the current workflow code. A change to the sequence of commands a workflow issues gets a new
 * revision in the workflow's input (docs/runtime.md), and a fresh history recorded with
 * `HOOKFLOW_RECORD_HISTORIES=v<n> npx vitest run test/integration/runtime.test.ts` (customerFlow).
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
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s replays on the current code', async (file) => {
    const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    // A replay runs no activity: the database and the key are never used.
    const plugin = hookflowWorkerPlugin({ database: createHookflowDatabase(`file:${inject('templateDatabase')}`), secretKey: Buffer.alloc(32), workflowBundlePath: inject('workflowBundlePath') });
    await expect(Worker.runReplayHistory({ plugins: [plugin] }, history, file)).resolves.toBeUndefined();
  });
});
