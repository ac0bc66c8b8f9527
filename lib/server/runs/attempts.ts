/**
 * The attempt log: one row per HTTP attempt of a webhook (a run's step, a test send from the editor, or a
 * manual resend from the log), with secret header values already masked by the caller and credential
 * headers masked here. Written on every send, so in plain SQL (lib/server/sql.ts).
 *
 * A run's final status is written here too, with the path it took (Run.trace) and, in the same write, what
 * that path adds to the canvas counts (StepCount): on Postgres one statement, on SQLite a transaction on
 * the process's own connection.
 */
import type { PrismaClient } from '../db';
import type { SendOutcome } from '../webhooks/send';
import { SECRET_MASK } from '../../domain/http/headers';
import { isCredentialHeader, outcomeOf } from '../../domain/logs/outcome';
import { stepCountRows, type FinalStatus, type RunTrace } from '../../domain/flow/trace';
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
  requestHeaders: { name: string; value: string; secret?: boolean }[];
  requestBody: string | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseTruncated: boolean;
  errorClass: string | null;
  errorMessage: string | null;
  /** what the log filters on, copied from the run and the webhook when the attempt is written */
  integrationId?: string | null;
  flowId?: string | null;
  customerExternalId?: string | null;
  eventId?: string | null;
  maxAttempts?: number | null;
  retryDelayMs?: number | null;
  retryReason?: string | null;
  captured?: Record<string, unknown> | null;
  /** the template context (no secrets in it), so the request can be re-rendered and resent */
  context?: Record<string, unknown> | null;
  kind?: 'test' | 'resend' | null;
  resendOfId?: string | null;
  actorId?: string | null;
  actorEmail?: string | null;
  /** why a field to capture could not be read from a successful response */
  captureError?: string | null;
}

/** Bodies kept in the log are cut here (capture reads the whole response before that). */
const LOG_BODY_CAP = 64 * 1024;

/** The request and response columns of an attempt row, bodies cut at the log's cap: one shape for every writer. */
export function exchangeColumns(
  request: { method: string; url: string; headers?: AttemptRecord['requestHeaders']; body?: string | null },
  outcome: Partial<Pick<SendOutcome, 'durationMs' | 'status' | 'headers' | 'body' | 'truncated' | 'errorClass' | 'errorMessage'>>,
) {
  return {
    durationMs: outcome.durationMs ?? null,
    requestMethod: request.method,
    requestUrl: request.url,
    requestHeaders: request.headers ?? [],
    requestBody: request.body?.slice(0, LOG_BODY_CAP) ?? null,
    responseStatus: outcome.status ?? null,
    responseHeaders: outcome.headers ?? null,
    responseBody: outcome.body?.slice(0, LOG_BODY_CAP) ?? null,
    responseTruncated: (outcome.truncated ?? false) || (outcome.body?.length ?? 0) > LOG_BODY_CAP,
    errorClass: outcome.errorClass ?? null,
    errorMessage: outcome.errorMessage ?? null,
  };
}

/** The run this attempt finishes: it is marked completed, with its path, in the same transaction. */
export interface RunCompletion {
  flowId: string | null;
  trace: RunTrace | null;
}

/** Writes the attempt; with `completes`, marks its run completed in the same transaction. Returns the row id. */
export async function recordAttempt(prisma: PrismaClient, record: AttemptRecord, completes: RunCompletion | null = null): Promise<string> {
  const db = sqlDb(prisma);
  const now = new Date();
  const id = newId();
  if (!completes || record.runId === null) {
    await insertAttempt(db, id, record, now);
    return id;
  }
  const runId = record.runId;
  await db.transaction(async (tx) => {
    await insertAttempt(tx, id, record, now);
    await finishRun(tx, { runId, status: 'completed', flowId: completes.flowId, trace: completes.trace }, now);
  });
  return id;
}

/** Request headers as logged: secret values were masked by the caller, credential headers are masked here. */
function maskRequestHeaders(headers: AttemptRecord['requestHeaders']): { name: string; value: string; secret: boolean }[] {
  return headers.map((h) => ({ name: h.name, value: h.secret || isCredentialHeader(h.name) ? SECRET_MASK : h.value, secret: h.secret ?? false }));
}

/** Response headers as logged: cookies and credentials masked. */
function maskResponseHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) masked[name] = isCredentialHeader(name) ? SECRET_MASK : value;
  return masked;
}

function insertAttempt(db: SqlDb, id: string, r: AttemptRecord, now: Date): Promise<number> {
  const jsonOrNull = (value: unknown) => (value === null || value === undefined ? Prisma.sql`NULL` : json(db.provider, value));
  const responseHeaders = r.responseHeaders ? maskResponseHeaders(r.responseHeaders) : null;
  return db.execute(Prisma.sql`INSERT INTO "WebhookAttempt" ("id", "runId", "nodeId", "webhookId", "transactionalId", "attempt", "scheduledAt", "startedAt",
      "durationMs", "requestMethod", "requestUrl", "requestHeaders", "requestBody", "responseStatus", "responseHeaders", "responseBody",
      "responseTruncated", "errorClass", "errorMessage", "captureError", "outcome", "integrationId", "flowId", "customerExternalId", "eventId", "maxAttempts",
      "retryDelayMs", "retryReason", "captured", "context", "kind", "resendOfId", "actorId", "actorEmail")
    VALUES (${id}, ${r.runId}, ${r.nodeId}, ${r.webhookId}, ${r.transactionalId}, ${r.attempt}, ${r.scheduledAt}, ${now},
      ${r.durationMs}, ${r.requestMethod}, ${r.requestUrl}, ${json(db.provider, maskRequestHeaders(r.requestHeaders))}, ${r.requestBody},
      ${r.responseStatus}, ${jsonOrNull(responseHeaders)}, ${r.responseBody}, ${r.responseTruncated},
      ${r.errorClass}, ${r.errorMessage}, ${r.captureError ?? null}, ${outcomeOf(r.errorClass, r.responseStatus)}, ${r.integrationId ?? null}, ${r.flowId ?? null},
      ${r.customerExternalId ?? null}, ${r.eventId ?? null}, ${r.maxAttempts ?? null}, ${r.retryDelayMs ?? null}, ${r.retryReason ?? null},
      ${jsonOrNull(r.captured)}, ${jsonOrNull(r.context)}, ${r.kind ?? null}, ${r.resendOfId ?? null}, ${r.actorId ?? null}, ${r.actorEmail ?? null})`);
}

export interface FinishRun {
  runId: string;
  status: FinalStatus;
  flowId?: string | null;
  trace?: RunTrace | null;
}

/**
 * Mirrors a run's final state into the Run table (Temporal stays the source of truth), with its path and
 * the canvas counts it adds. Counted once: only when the run was not finished before.
 */
export async function recordRunStatus(prisma: PrismaClient, input: FinishRun): Promise<void> {
  const db = sqlDb(prisma);
  const now = new Date();
  if (db.provider === 'postgresql' || !input.trace || !input.flowId) {
    await finishRun(db, input, now);
    return;
  }
  await db.transaction((tx) => finishRun(tx, input, now));
}

const FINISHED = Prisma.sql`('completed', 'failed', 'cancelled')`;

/** Hours since the epoch: the canvas counts' hourly bucket (a day's is hourOf / 24). */
export function hourOf(time: Date | number): number {
  return Math.floor((typeof time === 'number' ? time : time.getTime()) / 3_600_000);
}

async function finishRun(tx: SqlDb, input: FinishRun, now: Date): Promise<void> {
  const update = Prisma.sql`UPDATE "Run" SET "status" = ${input.status}, "finishedAt" = ${now}${input.trace ? Prisma.sql`, "trace" = ${json(tx.provider, input.trace)}` : Prisma.empty} WHERE "id" = ${input.runId}`;
  if (!input.trace || !input.flowId) {
    await tx.execute(update);
    return;
  }
  const hour = hourOf(now);
  // Each count goes into its hour and its day: a range reads whole days, and hours only at its ends.
  const counts = stepCountRows(input.trace, input.status).flatMap((c) => [{ ...c, unit: 'h', bucket: hour }, { ...c, unit: 'd', bucket: Math.floor(hour / 24) }]);
  const upsert = Prisma.sql`ON CONFLICT ("flowId", "unit", "bucket", "nodeId", "output") DO UPDATE SET "entered" = "StepCount"."entered" + excluded."entered",
      "succeeded" = "StepCount"."succeeded" + excluded."succeeded", "failed" = "StepCount"."failed" + excluded."failed"`;
  if (tx.provider === 'postgresql') {
    // One statement: the update, and the counts only when the run was not finished before (both see the
    // same snapshot, so `previous` is the status before this update).
    const values = Prisma.join(counts.map((c) => Prisma.sql`(${input.flowId}, ${c.unit}, ${c.bucket}::int, ${c.nodeId}, ${c.output}, ${c.entered}::int, ${c.succeeded}::int, ${c.failed}::int)`));
    await tx.execute(Prisma.sql`WITH previous AS (SELECT "status" FROM "Run" WHERE "id" = ${input.runId}), updated AS (${update} RETURNING 1)
      INSERT INTO "StepCount" ("flowId", "unit", "bucket", "nodeId", "output", "entered", "succeeded", "failed")
      SELECT v.* FROM (VALUES ${values}) AS v("flowId", "unit", "bucket", "nodeId", "output", "entered", "succeeded", "failed")
      WHERE EXISTS (SELECT 1 FROM updated) AND EXISTS (SELECT 1 FROM previous WHERE previous."status" NOT IN ${FINISHED})
      ${upsert}`);
    return;
  }
  const [previous] = await tx.query<{ status: string }>(Prisma.sql`SELECT "status" FROM "Run" WHERE "id" = ${input.runId}`);
  await tx.execute(update);
  if (!previous || ['completed', 'failed', 'cancelled'].includes(previous.status)) return;
  const values = Prisma.join(counts.map((c) => Prisma.sql`(${input.flowId}, ${c.unit}, ${c.bucket}, ${c.nodeId}, ${c.output}, ${c.entered}, ${c.succeeded}, ${c.failed})`));
  await tx.execute(Prisma.sql`INSERT INTO "StepCount" ("flowId", "unit", "bucket", "nodeId", "output", "entered", "succeeded", "failed") VALUES ${values} ${upsert}`);
}

/** The run's flow, customer and event as the template context names them (Flow.Id, Customer.Id, Event.Id). */
export function contextIds(context: Record<string, unknown>): { flowId: string | null; customerExternalId: string | null; eventId: string | null } {
  const id = (root: string) => {
    const value = (context[root] as { Id?: unknown } | undefined)?.Id;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  };
  return { flowId: id('Flow'), customerExternalId: id('Customer'), eventId: id('Event') };
}
