/**
 * Per-test-file environment on real components: a database copied from the migrated template, a Temporal
 * client, and workers on a task queue of the file's own.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createPrismaClient, type PrismaClient } from '../../lib/server/db';
import { hookflowWorkerPlugin, type HookflowPluginOptions } from '../../lib/plugin';
import { SlotClient } from '../../lib/server/ratelimit/client';
import { loadSettings } from '../../lib/server/config';

let runtimeInstalled = false;

export interface TestEnv {
  prisma: PrismaClient;
  databaseUrl: string;
  client: Client;
  taskQueue: string;
  address: string;
  secretKey: () => Buffer;
  /** a worker made of Hookflow's plugin alone, on the file's task queue; `options` override the plugin's */
  startWorker(options?: Partial<HookflowPluginOptions>): Promise<Worker>;
  close(): Promise<void>;
}

/** `databaseUrl`: use that (already migrated) database instead of a copy of the SQLite template. */
export async function createTestEnv(name: string, options: { databaseUrl?: string } = {}): Promise<TestEnv> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const file = path.join(inject('scratchDir'), `${id}.db`);
    copyFileSync(inject('templateDatabase'), file);
    databaseUrl = `file:${file}`;
  }
  const prisma = createPrismaClient(databaseUrl);
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `hookflow-test-${id}`;
  const key = Buffer.alloc(32, 7);
  const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];
  return {
    prisma,
    databaseUrl,
    client,
    taskQueue,
    address,
    secretKey: () => key,
    async startWorker(options = {}) {
      const nativeConnection = await NativeConnection.connect({ address });
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        plugins: [
          hookflowWorkerPlugin({
            database: prisma,
            secretKey: () => key,
            slots: new SlotClient({ client: async () => client, taskQueue }),
            settings: loadSettings(),
            workflowBundlePath: inject('workflowBundlePath'),
            // Tests start runs themselves; a dispatcher per worker would start their pending runs behind their back.
            dispatchPendingRuns: false,
            ...options,
          }),
        ],
      });
      workers.push({ worker, running: worker.run(), connection: nativeConnection });
      return worker;
    },
    async close() {
      for (const w of workers) {
        if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
        await w.running.catch(() => undefined);
        await w.connection.close();
      }
      await connection.close();
      await prisma.$disconnect();
    },
  };
}
