/**
 * The attempt log: one row per HTTP attempt of a webhook (a run's step, or a test send from the editor),
 * with secret header values already masked by the caller. Written on every send, so in plain SQL
 * (lib/server/sql.ts).
 */
import type { PrismaClient } from '../db';
import { json, newId, Prisma, sqlDb, type SqlDb } from '../sql';

export interface AttemptRecord {
  runId: string | null;
  nodeId: string | null;
  webhookId: string;
  transactionalId: string | null;
  attempt: number;
  /** Temporal's time for when this attempt was scheduled */
  scheduledAt: Date | null;
  durationMs: number | null;
  requestMethod: string;
  requestUrl: string;
  requestHeaders: unknown;
  requestBody: string | null;
  responseStatus: number | null;
  responseHeaders: unknown;
  responseBody: string | null;
  responseTruncated: boolean;
  errorClass: string | null;
  errorMessage: string | null;
  captureError?: string | null;
}

/** Writes the attempt; with `completesRun`, marks its run completed in the same transaction. */
export async function recordAttempt(prisma: PrismaClient, record: AttemptRecord, completesRun = false): Promise<void> {
  const db = sqlDb(prisma);
  const now = new Date();
  if (!completesRun || record.runId === null) {
    await insertAttempt(db, record, now);
    return;
  }
  const runId = record.runId;
  await db.transaction(async (tx) => {
    await insertAttempt(tx, record, now);
    await tx.execute(runStatusStatement(runId, 'completed', now));
  });
}

function insertAttempt(db: SqlDb, record: AttemptRecord, now: Date): Promise<number> {
  const responseHeaders = record.responseHeaders === null || record.responseHeaders === undefined ? null : json(db.provider, record.responseHeaders);
  return db.execute(Prisma.sql`INSERT INTO "WebhookAttempt" ("id", "runId", "nodeId", "webhookId", "transactionalId", "attempt", "scheduledAt", "startedAt",
      "durationMs", "requestMethod", "requestUrl", "requestHeaders", "requestBody", "responseStatus", "responseHeaders", "responseBody",
      "responseTruncated", "errorClass", "errorMessage", "captureError")
    VALUES (${newId()}, ${record.runId}, ${record.nodeId}, ${record.webhookId}, ${record.transactionalId}, ${record.attempt}, ${record.scheduledAt}, ${now},
      ${record.durationMs}, ${record.requestMethod}, ${record.requestUrl}, ${json(db.provider, record.requestHeaders)}, ${record.requestBody},
      ${record.responseStatus}, ${responseHeaders ?? Prisma.sql`NULL`}, ${record.responseBody}, ${record.responseTruncated},
      ${record.errorClass}, ${record.errorMessage}, ${record.captureError ?? null})`);
}

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Mirrors a run's state into the Run table; Temporal stays the source of truth. */
export function recordRunStatus(prisma: PrismaClient, runId: string, status: RunStatus): Promise<number> {
  return sqlDb(prisma).execute(runStatusStatement(runId, status, new Date()));
}

function runStatusStatement(runId: string, status: RunStatus, now: Date): Prisma.Sql {
  const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
  return finished
    ? Prisma.sql`UPDATE "Run" SET "status" = ${status}, "finishedAt" = ${now} WHERE "id" = ${runId}`
    : Prisma.sql`UPDATE "Run" SET "status" = ${status} WHERE "id" = ${runId}`;
}
