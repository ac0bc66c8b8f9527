/** The ingestion dependencies of the running web app, shared by POST /api/events and the editor's test events. */
import { db, type PrismaClient } from '../db';
import { loadSettings, temporalWorkflowUrl } from '../config';
import { temporalClient } from '../temporal/connection';
import type { IngestDeps } from './ingest';
import { log } from '../log';

export function appIngestDeps(prisma: PrismaClient = db()): IngestDeps {
  return {
    prisma,
    client: temporalClient,
    taskQueue: loadSettings().HOOKFLOW_TASK_QUEUE,
    workflowUrl: (workflowId) => temporalWorkflowUrl(workflowId),
    log: (message, error) => log().warn({ err: error, component: 'events' }, message),
  };
}
