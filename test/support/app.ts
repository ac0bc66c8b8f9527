/** The built app (`next start`) for one test file: on its database, Temporal and task queue, with a data directory of its own. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { startAppServer, type AppServer } from '../../scripts/app-server';
import type { TestEnv } from './env';

export async function startAppFor(env: TestEnv, name: string, settings: Record<string, string> = {}): Promise<{ server: AppServer; dataDir: string }> {
  const dataDir = path.join(inject('scratchDir'), `${name}-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  const server = await startAppServer({
    DATABASE_URL: env.databaseUrl,
    HOOKFLOW_DATA_DIR: dataDir,
    HOOKFLOW_SECRET_KEY: env.secretKey().toString('base64'),
    TEMPORAL_ADDRESS: env.address,
    HOOKFLOW_TASK_QUEUE: env.taskQueue,
    ...settings,
  });
  return { server, dataDir };
}
