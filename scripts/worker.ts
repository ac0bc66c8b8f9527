/**
 * The worker process (`npm run worker`): hosts the workflows and activities on task queue `hookflow`, and
 * starts runs that were stored while Temporal was unreachable.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { log, temporalLogger } from '../lib/server/log';
import { db } from '../lib/server/db';
import { secretKey } from '../lib/server/keys';
import { hookflowWorkerPlugin } from '../lib/plugin';
import { temporalClient, temporalConnectConfig } from '../lib/server/temporal/connection';
import { loadSettings } from '../lib/server/config';
import path from 'node:path';
import { ensureWorkflowBundle } from './workflow-bundle';
import { ensureRetentionSchedule } from '../lib/server/logs/retention';
import { warnIfSearchAttributesMissing } from '../lib/server/temporal/search-attributes';
import { serveHealth } from '../lib/server/health';
import { metrics, workerMetricsText } from '../lib/server/metrics';
import { freePort } from './ports';
import { startTracingFromEnv } from '../lib/server/tracing-setup';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';

async function main() {
  const settings = loadSettings();
  const logger = log();
  // Temporal's SDK metrics: its Runtime serves them on an address of their own, which /metrics reads.
  const temporalMetrics = settings.HOOKFLOW_TEMPORAL_METRICS_ADDRESS ?? (settings.HOOKFLOW_METRICS_PORT === undefined ? null : `127.0.0.1:${await freePort()}`);
  Runtime.install({
    logger: temporalLogger(logger),
    ...(temporalMetrics ? { telemetryOptions: { metrics: { prometheus: { bindAddress: temporalMetrics } } } } : {}),
  });
  // Traces (OTEL_EXPORTER_OTLP_ENDPOINT): the OpenTelemetry plugin continues the trace a run was started in,
  // through the workflow (its interceptors are in a bundle of their own) and its activities.
  const tracing = startTracingFromEnv('hookflow-worker');
  if (tracing && process.env.HOOKFLOW_WORKFLOW_BUNDLE) logger.info('tracing is on: using a workflow bundle with the OpenTelemetry interceptors instead of HOOKFLOW_WORKFLOW_BUNDLE');
  const workflowBundlePath = tracing
    ? ensureWorkflowBundle(path.resolve(settings.HOOKFLOW_DATA_DIR), { tracing: true })
    : (process.env.HOOKFLOW_WORKFLOW_BUNDLE ?? ensureWorkflowBundle(path.resolve(settings.HOOKFLOW_DATA_DIR)));
  const prisma = db();
  const config = temporalConnectConfig();
  const connection = await NativeConnection.connect(config.connectionOptions);
  // Everything Hookflow puts on a worker comes from its plugin; this process adds only what a process needs.
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    maxCachedWorkflows: settings.HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS,
    plugins: [
      hookflowWorkerPlugin({
        database: prisma,
        secretKey,
        settings,
        workflowBundlePath,
      }),
      ...(tracing ? [new OpenTelemetryPlugin({ resource: tracing.resource, spanProcessor: tracing.spanProcessor })] : []),
    ],
  });
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
    routes: { '/metrics': async () => ({ contentType: metrics().registry.contentType, body: await workerMetricsText(temporalMetrics) }) },
  });
  if (health) logger.info(`health on http://localhost:${(health.address() as { port: number }).port}/health/ready, metrics on /metrics (Temporal's SDK metrics from ${temporalMetrics})`);
  logger.info({ taskQueue: config.taskQueue, namespace: config.namespace }, `polling task queue "${config.taskQueue}" on ${config.connectionOptions.address} (namespace ${config.namespace})`);
  try {
    await worker.run();
  } finally {
    health?.close();
    await tracing?.provider.shutdown();
    await connection.close();
    await prisma.$disconnect();
  }
}

main().catch((error) => {
  log().fatal({ err: error }, 'worker failed');
  process.exit(1);
});
