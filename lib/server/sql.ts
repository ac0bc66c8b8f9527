/**
 * Plain SQL for the event path. Every event is stored, started, sent and recorded, and Prisma's query
 * compiler costs about 1–2 ms of CPU per query where a raw statement through the same driver adapter costs
 * about 0.3 ms (measured on the 2-core machine; docs/benchmarks.md). So the few statements each event
 * makes are written here by hand, for both SQLite and Postgres; everything else uses the Prisma client.
 *
 * The SQL is the common subset of both: quoted identifiers, positional parameters (Prisma.sql), JSON
 * passed as text (cast to jsonb on Postgres) and timestamps passed as Dates.
 */
import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from './db';
import type { DatabaseProvider } from './db-url';

type Sql = Prisma.Sql;
/** The client or an open transaction: both run raw statements. */
export type SqlRunner = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

const providers = new WeakMap<object, DatabaseProvider>();

/** Called by createPrismaClient: which SQL dialect a client speaks. */
export function registerProvider(client: object, provider: DatabaseProvider): void {
  providers.set(client, provider);
}

export function providerOf(client: PrismaClient): DatabaseProvider {
  return providers.get(client) ?? 'sqlite';
}

/** A JSON value as a parameter of a JSON column. */
export function json(provider: DatabaseProvider, value: unknown): Sql {
  const text = JSON.stringify(value);
  return provider === 'postgresql' ? Prisma.sql`${text}::jsonb` : Prisma.sql`${text}`;
}

/** A JSON column as read by a raw query: text on SQLite, already parsed on Postgres. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** `(a, b), (c, d)` for a multi-row INSERT: plain values become parameters, Sql fragments stay as written. */
export function rows(values: unknown[][]): Sql {
  return Prisma.join(values.map((row) => Prisma.sql`(${Prisma.join(row)})`));
}

/** `IN (…)` operands; never called with an empty list. */
export function list(values: readonly (string | number)[]): Sql {
  return Prisma.join(values);
}

/** Ids for rows written here (Prisma's cuid() default applies only to rows it writes itself). */
export function newId(): string {
  return randomUUID();
}

/** A unique constraint refused the write (another writer stored the same key first). */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return true;
  return /UNIQUE constraint failed|duplicate key value|23505/.test(String((error as Error)?.message ?? ''));
}

/** SQLite's single writer was busy (another process held the lock past the busy timeout). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code === 'P1008' || code === 'P2034' || code.startsWith('SQLITE_BUSY') || /database is locked/.test(String((error as Error)?.message ?? ''));
}

export { Prisma };
