/**
 * The worker process (`npm run worker`): hosts the workflows and activities on task queue `hookflow`, and
 * starts runs that were stored while Temporal was unreachable.
 */
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { db } from '../lib/server/db';
import { secretKey } from '../lib/server/keys';
import { createHookflowWorker } from '../lib/plugin/worker';
import { temporalClient, temporalConnectConfig } from '../lib/server/temporal/connection';
import { startDispatcher } from '../lib/server/runs/dispatch';
import { loadSettings } from '../lib/server/config';
import { SlotClient } from '../lib/server/ratelimit/client';
import path from 'node:path';
import { ensureWorkflowBundle } from './workflow-bundle';
import { warnIfSearchAttributesMissing } from '../lib/server/temporal/search-attributes';

async function main() {
  const settings = loadSettings();
  Runtime.install({ logger: new DefaultLogger(process.env.HOOKFLOW_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const prisma = db();
  const config = temporalConnectConfig();
  const slots = new SlotClient({
    client: temporalClient,
    taskQueue: config.taskQueue,
    maxQueueWaitMs: settings.HOOKFLOW_RATE_LIMIT_MAX_WAIT_MS,
    jitterBudgetMs: settings.HOOKFLOW_RATE_LIMIT_JITTER_MS,
    limiterInput: settings.HOOKFLOW_RATE_LIMIT_UPDATES_PER_RUN ? { maxUpdatesPerRun: settings.HOOKFLOW_RATE_LIMIT_UPDATES_PER_RUN } : undefined,
  });
  const bundle = process.env.HOOKFLOW_WORKFLOW_BUNDLE ?? ensureWorkflowBundle(path.resolve(settings.HOOKFLOW_DATA_DIR));
  const { worker, connection } = await createHookflowWorker({
    deps: { prisma, secretKey, slots },
    workflowBundle: { codePath: bundle },
    maxCachedWorkflows: settings.HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS,
  });
  const stopDispatcher = startDispatcher(
    { prisma, client: temporalClient, taskQueue: config.taskQueue },
    settings.HOOKFLOW_DISPATCH_INTERVAL_MS,
    (error) => console.warn(`could not start pending runs yet: ${(error as Error).message}`),
  );
  void warnIfSearchAttributesMissing(connection, config.namespace, (line) => console.warn(line));
  console.log(`polling task queue "${config.taskQueue}" on ${config.connectionOptions.address} (namespace ${config.namespace})`);
  try {
    await worker.run();
  } finally {
    stopDispatcher();
    await prisma.$disconnect();
  }
}

main().catch((error) => {
  console.error('worker failed:', error);
  process.exit(1);
});
