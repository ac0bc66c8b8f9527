/**
 * Integration-test setup, once per `vitest run`: a migrated template database, the real Temporal dev server
 * (unless TEMPORAL_ADDRESS points at one), and one workflow bundle that every test worker reuses.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { findTemporalCli, spawnDevServer, TEST_PRAGMAS, waitForTemporal } from '../../scripts/temporal';
import { freePort } from '../../scripts/ports';
import { WORKFLOWS_PATH } from '../../lib/plugin/worker';
import { migrateDatabase } from '../../scripts/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    templateDatabase: string;
    workflowBundlePath: string;
    scratchDir: string;
    /** the dev server's Web UI; null when TEMPORAL_ADDRESS names a server of your own */
    temporalUiUrl: string | null;
  }
}


export default async function setup(project: TestProject) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-test-'));
  mkdirSync(scratch, { recursive: true });

  const templateDatabase = path.join(scratch, 'template.db');
  const migrate = migrateDatabase(`file:${templateDatabase}`);
  if (!migrate.ok) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  let server: ChildProcess | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  let temporalUiUrl: string | null = null;
  if (!address) {
    const port = await freePort();
    // With its Web UI: a browser test follows the app's links into it.
    const uiPort = await freePort();
    server = spawnDevServer({
      cli: findTemporalCli({ install: true }),
      dbFile: path.join(scratch, 'temporal.db'),
      port,
      uiPort,
      pragmas: TEST_PRAGMAS,
    });
    temporalUiUrl = `http://127.0.0.1:${uiPort}`;
    address = `127.0.0.1:${port}`;
    let output = '';
    server.stdout?.on('data', (chunk) => (output += chunk));
    server.stderr?.on('data', (chunk) => (output += chunk));
    server.once('exit', (code) => {
      if (code !== null && code !== 0) console.error(`Temporal dev server exited with ${code}:\n${output}`);
    });
  }
  const [bundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never }),
    waitForTemporal(address, 90_000),
  ]);
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', address);
  project.provide('templateDatabase', templateDatabase);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('scratchDir', scratch);
  project.provide('temporalUiUrl', temporalUiUrl);

  return async () => {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // gone
      }
      await new Promise((resolve) => server!.once('exit', resolve).once('error', resolve));
    }
    rmSync(scratch, { recursive: true, force: true });
  };
}
