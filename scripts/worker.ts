/**
 * The worker process (`npm run worker`): hosts the workflows and activities on task queue `hookflow`, and
 * starts runs that were stored while Temporal was unreachable.
 */
import { Runtime } from '@temporalio/worker';
import { log, temporalLogger } from '../lib/server/log';
import { db } from '../lib/server/db';
import { secretKey } from '../lib/server/keys';
import { createHookflowWorker } from '../lib/plugin/worker';
import { temporalClient, temporalConnectConfig } from '../lib/server/temporal/connection';
import { startDispatcher } from '../lib/server/runs/dispatch';
import { loadSettings } from '../lib/server/config';
import { SlotClient } from '../lib/server/ratelimit/client';
import path from 'node:path';
import { ensureWorkflowBundle } from './workflow-bundle';
import { ensureRetentionSchedule } from '../lib/server/logs/retention';
import { warnIfSearchAttributesMissing } from '../lib/server/temporal/search-attributes';
import { serveHealth } from '../lib/server/health';

async function main() {
  const settings = loadSettings();
  const logger = log();
  Runtime.install({ logger: temporalLogger(logger) });
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
    (error) => logger.warn({ err: error }, 'could not start pending runs yet'),
  );
  void warnIfSearchAttributesMissing(connection, config.namespace, (line) => logger.warn(line));
  // The daily log cleanup (HOOKFLOW_LOG_RETENTION_DAYS), a Temporal Schedule: created, or updated to these settings.
  try {
    await ensureRetentionSchedule(await temporalClient(), { taskQueue: config.taskQueue, retentionDays: settings.HOOKFLOW_LOG_RETENTION_DAYS });
  } catch (error) {
    logger.warn({ err: error }, 'could not create or update the log-retention schedule');
  }
  const health = settings.HOOKFLOW_METRICS_PORT === undefined ? null : await serveHealth({
    port: settings.HOOKFLOW_METRICS_PORT,
    prisma,
    temporal: temporalClient,
    process: () => ({ ok: worker.getState() === 'RUNNING', ms: 0, ...(worker.getState() === 'RUNNING' ? {} : { error: `worker is ${worker.getState()}` }) }),
  });
  if (health) logger.info(`health on http://localhost:${(health.address() as { port: number }).port}/health/ready`);
  logger.info({ taskQueue: config.taskQueue, namespace: config.namespace }, `polling task queue "${config.taskQueue}" on ${config.connectionOptions.address} (namespace ${config.namespace})`);
  try {
    await worker.run();
  } finally {
    stopDispatcher();
    health?.close();
    await prisma.$disconnect();
  }
}

main().catch((error) => {
  log().fatal({ err: error }, 'worker failed');
  process.exit(1);
});
