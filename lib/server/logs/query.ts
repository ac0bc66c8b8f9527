/**
 * Reading the webhook log: pages of attempts, newest first, under the filters of lib/domain/logs/filters.ts,
 * with keyset (cursor) pagination on (startedAt, id). Every filter is an indexed column of WebhookAttempt
 * (prisma/schema.prisma), so the first page of any one filter reads about one page of index entries;
 * `passed`/`output` look into the run's recorded path (Run.trace), combined with `flow`.
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../db';
import { providerOf, readBool } from '../sql';
import { outcomesOf, type LogFilters } from '../../domain/logs/filters';
import type { Outcome } from '../../domain/logs/outcome';
import type { LogEntry, LogRow } from '../../domain/logs/entry';

export interface LogPage<T> {
  rows: T[];
  nextCursor: string | null;
}

const ROW_COLUMNS = Prisma.sql`a."id", a."startedAt", a."kind", a."webhookId", w."name" AS "webhookName", w."systemName", a."integrationId", i."name" AS "integrationName",
  a."requestMethod", a."requestUrl", a."responseStatus", a."outcome", a."errorClass", a."errorMessage", a."durationMs", a."attempt", a."maxAttempts",
  a."customerExternalId", a."eventId", a."transactionalId", a."runId", a."nodeId", a."flowId", f."name" AS "flowName", v."version" AS "flowVersion",
  a."actorEmail", a."resendOfId", a."dryRun"`;
const ENTRY_COLUMNS = Prisma.sql`${ROW_COLUMNS}, a."scheduledAt", a."requestHeaders", a."requestBody", a."responseHeaders", a."responseBody", a."responseTruncated",
  a."captured", a."captureError", a."retryDelayMs", a."retryReason"`;
// A manual resend has no run of its own: its flow version is the resent attempt's run's.
const JOINS = Prisma.sql`LEFT JOIN "Webhook" w ON w."id" = a."webhookId"
  LEFT JOIN "Integration" i ON i."id" = a."integrationId"
  LEFT JOIN "Flow" f ON f."id" = a."flowId"
  LEFT JOIN "WebhookAttempt" o ON o."id" = a."resendOfId"
  LEFT JOIN "Run" r ON r."id" = COALESCE(a."runId", o."runId")
  LEFT JOIN "FlowVersion" v ON v."id" = r."flowVersionId"`;

type Raw = Record<string, unknown>;

const NEWEST_FIRST = Prisma.sql`ORDER BY a."startedAt" DESC, a."id" DESC`;
const whereClause = (where: Prisma.Sql[]) => (where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty);

/** One page of the log. `full` adds requests, responses, captured fields and retry decisions (the export API). */
export async function listLogs(prisma: PrismaClient, filters: LogFilters & { cursor?: string; limit: number }, full: true): Promise<LogPage<LogEntry>>;
export async function listLogs(prisma: PrismaClient, filters: LogFilters & { cursor?: string; limit: number }, full?: false): Promise<LogPage<LogRow>>;
export async function listLogs(prisma: PrismaClient, filters: LogFilters & { cursor?: string; limit: number }, full = false): Promise<LogPage<LogRow | LogEntry>> {
  const where = await conditions(prisma, filters);
  if (where === null) return { rows: [], nextCursor: null };
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (cursor) where.push(Prisma.sql`(a."startedAt" < ${cursor.startedAt} OR (a."startedAt" = ${cursor.startedAt} AND a."id" < ${cursor.id}))`);
  const outcomes = outcomesOf(filters);
  const columns = full ? ENTRY_COLUMNS : ROW_COLUMNS;
  let raw: Raw[];
  if (outcomes.length <= 1) {
    if (outcomes.length === 1) where.push(Prisma.sql`a."outcome" = ${outcomes[0]}`);
    raw = await prisma.$queryRaw<Raw[]>(Prisma.sql`SELECT ${columns} FROM "WebhookAttempt" a ${JOINS} ${whereClause(where)} ${NEWEST_FIRST} LIMIT ${filters.limit + 1}`);
  } else {
    // Several classes: the newest page of each class, each read in index order, merged. One IN (…) would
    // have to sort every attempt of those classes first.
    const parts = outcomes.map(
      (outcome, i) => Prisma.sql`SELECT * FROM (SELECT a."id", a."startedAt" FROM "WebhookAttempt" a ${JOINS} ${whereClause([...where, Prisma.sql`a."outcome" = ${outcome}`])}
        ${NEWEST_FIRST} LIMIT ${filters.limit + 1}) ${Prisma.raw(`p${i}`)}`,
    );
    const ids = await prisma.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT u."id" FROM (${Prisma.join(parts, ' UNION ALL ')}) u
      ORDER BY u."startedAt" DESC, u."id" DESC LIMIT ${filters.limit + 1}`);
    raw = ids.length === 0 ? [] : await prisma.$queryRaw<Raw[]>(Prisma.sql`SELECT ${columns} FROM "WebhookAttempt" a ${JOINS} WHERE a."id" IN (${Prisma.join(ids.map((r) => r.id))}) ${NEWEST_FIRST}`);
  }
  const rows = raw.slice(0, filters.limit).map(full ? toEntry : toRow);
  const last = raw.length > filters.limit ? raw[filters.limit - 1]! : null;
  return { rows, nextCursor: last ? encodeCursor(last.startedAt as Date, last.id as string) : null };
}

/** One attempt with everything the detail panel shows, or null. */
export async function getLogEntry(prisma: PrismaClient, id: string): Promise<LogEntry | null> {
  const [raw] = await prisma.$queryRaw<Raw[]>(Prisma.sql`SELECT ${ENTRY_COLUMNS} FROM "WebhookAttempt" a ${JOINS} WHERE a."id" = ${id}`);
  return raw ? toEntry(raw) : null;
}

/** Every attempt that shares this TransactionalId (a step's attempts and their resends), oldest first. */
export async function attemptsSharing(prisma: PrismaClient, transactionalId: string): Promise<LogEntry[]> {
  const raw = await prisma.$queryRaw<Raw[]>(Prisma.sql`SELECT ${ENTRY_COLUMNS} FROM "WebhookAttempt" a ${JOINS}
    WHERE a."transactionalId" = ${transactionalId} ORDER BY a."startedAt" ASC, a."attempt" ASC LIMIT 100`);
  return raw.map(toEntry);
}

/** The oldest attempt still in the log (retention deletes older ones), or null when it is empty. */
export async function oldestAttempt(prisma: PrismaClient): Promise<Date | null> {
  const [row] = await prisma.$queryRaw<{ startedAt: Date }[]>(Prisma.sql`SELECT "startedAt" FROM "WebhookAttempt" ORDER BY "startedAt" ASC LIMIT 1`);
  return row ? new Date(row.startedAt) : null;
}

/** The WHERE terms for these filters but the outcome; null when a filter names something that does not exist (an empty page). */
async function conditions(prisma: PrismaClient, f: LogFilters): Promise<Prisma.Sql[] | null> {
  const where: Prisma.Sql[] = [];
  if (f.webhook) {
    const webhook = await prisma.webhook.findFirst({ where: { OR: [{ systemName: f.webhook }, { id: f.webhook }] }, select: { id: true } });
    if (!webhook) return null;
    where.push(Prisma.sql`a."webhookId" = ${webhook.id}`);
  }
  if (f.integration) where.push(Prisma.sql`a."integrationId" = ${f.integration}`);
  if (f.flow) where.push(Prisma.sql`a."flowId" = ${f.flow}`);
  if (f.step) where.push(Prisma.sql`a."nodeId" = ${f.step}`);
  if (f.passed) where.push(passedTerm(prisma, f.passed, f.output));
  if (f.customer) where.push(Prisma.sql`a."customerExternalId" = ${f.customer}`);
  if (f.event) where.push(Prisma.sql`a."eventId" = ${f.event}`);
  if (f.transactionalId) where.push(Prisma.sql`a."transactionalId" = ${f.transactionalId}`);
  if (f.run) where.push(await runTerm(prisma, f.run));
  if (f.test === 'true') where.push(Prisma.sql`a."kind" = 'test'`);
  if (f.test === 'false') where.push(Prisma.sql`(a."kind" IS NULL OR a."kind" <> 'test')`);
  if (f.from) where.push(Prisma.sql`a."startedAt" >= ${new Date(f.from)}`);
  if (f.to) where.push(Prisma.sql`a."startedAt" < ${new Date(f.to)}`);
  return where;
}

/**
 * A run's attempts and the resends of them. The run's attempt ids are read first: with them as a list both
 * terms of the OR use an index (a subquery in the OR makes Postgres scan the whole log).
 */
async function runTerm(prisma: PrismaClient, runId: string): Promise<Prisma.Sql> {
  const own = await prisma.webhookAttempt.findMany({ where: { runId }, select: { id: true }, take: 1000 });
  if (own.length === 0) return Prisma.sql`a."runId" = ${runId}`;
  return Prisma.sql`(a."runId" = ${runId} OR a."resendOfId" IN (${Prisma.join(own.map((o) => o.id))}))`;
}

/** Runs whose recorded path passed this step (and took this output of it, for a branch). */
function passedTerm(prisma: PrismaClient, nodeId: string, output: string | undefined): Prisma.Sql {
  if (providerOf(prisma) === 'postgresql') {
    return output
      ? Prisma.sql`r."trace"->'outputs'->>${nodeId}::text = ${output}`
      : Prisma.sql`r."trace"->'path' @> jsonb_build_array(${nodeId}::text)`;
  }
  return output
    ? Prisma.sql`EXISTS (SELECT 1 FROM json_each(r."trace", '$.outputs') t WHERE t."key" = ${nodeId} AND t."value" = ${output})`
    : Prisma.sql`EXISTS (SELECT 1 FROM json_each(r."trace", '$.path') t WHERE t."value" = ${nodeId})`;
}

function encodeCursor(startedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([new Date(startedAt).toISOString(), id])).toString('base64url');
}

/** Thrown for a cursor this API did not make: a 400, not a 500. */
export class BadCursorError extends Error {
  constructor() {
    super('cursor: not a cursor from this API (pass nextCursor of the previous page as it is)');
  }
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(startedAt);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new BadCursorError();
    return { startedAt: date, id };
  } catch {
    throw new BadCursorError();
  }
}

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string | Date).toISOString());
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const str = (value: unknown) => (value === null || value === undefined ? null : String(value));
const parsed = <T>(value: unknown): T | null => (value === null || value === undefined ? null : ((typeof value === 'string' ? JSON.parse(value) : value) as T));

function toRow(a: Raw): LogRow {
  return {
    id: a.id as string,
    startedAt: iso(a.startedAt)!,
    kind: a.kind === 'test' ? 'test' : a.kind === 'resend' ? 'resend' : 'run',
    dryRun: readBool(a.dryRun),
    webhook: { id: a.webhookId as string, name: str(a.webhookName), systemName: str(a.systemName) },
    integration: a.integrationId ? { id: a.integrationId as string, name: str(a.integrationName) } : null,
    method: a.requestMethod as string,
    url: a.requestUrl as string,
    status: num(a.responseStatus),
    outcome: str(a.outcome) as Outcome | null,
    errorClass: str(a.errorClass),
    errorMessage: str(a.errorMessage),
    durationMs: num(a.durationMs),
    attempt: Number(a.attempt),
    maxAttempts: num(a.maxAttempts),
    customerId: str(a.customerExternalId),
    eventId: str(a.eventId),
    transactionalId: str(a.transactionalId),
    runId: str(a.runId),
    nodeId: str(a.nodeId),
    flow: a.flowId ? { id: a.flowId as string, name: str(a.flowName), version: num(a.flowVersion) } : null,
    actor: str(a.actorEmail),
    resendOfId: str(a.resendOfId),
  };
}

function toEntry(a: Raw): LogEntry {
  const row = toRow(a);
  const status = num(a.responseStatus);
  return {
    ...row,
    scheduledAt: iso(a.scheduledAt),
    request: { method: row.method, url: row.url, headers: parsed(a.requestHeaders) ?? [], body: str(a.requestBody) },
    response: status === null ? null : { status, headers: parsed(a.responseHeaders) ?? {}, body: str(a.responseBody), truncated: Boolean(a.responseTruncated) },
    captured: parsed(a.captured),
    captureError: str(a.captureError),
    retry: a.retryDelayMs === null && a.retryReason === null ? null : { delayMs: num(a.retryDelayMs), reason: str(a.retryReason) },
  };
}
