/**
 * Plain SQL for the event path, straight through the database driver. Every event is stored, started,
 * sent and recorded; through Prisma each of those statements costs about 0.3-0.45 ms of CPU as a raw query
 * and 1-2.5 ms as a model query, through the driver with a cached prepared statement a few hundredths of a
 * millisecond (docs/benchmarks.md). So the handful of statements each event makes are written here, for
 * SQLite (better-sqlite3) and Postgres (pg), against the same database the Prisma client uses; everything
 * else goes through Prisma.
 *
 * Statements are built with Prisma.sql (positional parameters) in the common subset of both dialects:
 * quoted identifiers, JSON passed as text (cast to jsonb on Postgres), timestamps passed as Dates and
 * stored the way Prisma stores them, so Prisma reads these rows like its own.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from './db';
import { databaseProvider, type DatabaseProvider } from './db-url';

type Sql = Prisma.Sql;

export interface SqlDb {
  readonly provider: DatabaseProvider;
  query<T>(statement: Sql): Promise<T[]>;
  /** Returns the number of rows changed. */
  execute(statement: Sql): Promise<number>;
  /** Runs `work` in one transaction; on SQLite, after any transaction already open on this connection. */
  transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T>;
}

// On globalThis, like the Prisma client (lib/server/db.ts): Next.js dev re-evaluates modules, and a client
// made by an earlier copy of this module must still be known.
const registry = ((globalThis as { hookflowSql?: { urls: WeakMap<object, string>; databases: Map<string, SqlDb> } }).hookflowSql ??= {
  urls: new WeakMap(),
  databases: new Map(),
});
const { urls, databases } = registry;

/** Called by createPrismaClient: the database a client talks to, so the event path can reach it too. */
export function registerDatabase(client: object, url: string): void {
  urls.set(client, url);
}

/** The event path's connection to the same database as `prisma` (one per database and process). */
export function sqlDb(prisma: PrismaClient): SqlDb {
  const url = urls.get(prisma);
  if (!url) throw new Error('This Prisma client was not made by createPrismaClient');
  let db = databases.get(url);
  if (!db) {
    db = databaseProvider(url) === 'postgresql' ? postgresDb(url) : sqliteDb(url);
    databases.set(url, db);
  }
  return db;
}

/** The database a Prisma client made by createPrismaClient talks to. */
export function providerOf(prisma: PrismaClient): DatabaseProvider {
  const url = urls.get(prisma);
  if (!url) throw new Error('This Prisma client was not made by createPrismaClient');
  return databaseProvider(url);
}

/** A JSON value as a parameter of a JSON column. */
export function json(provider: DatabaseProvider, value: unknown): Sql {
  const text = JSON.stringify(value);
  return provider === 'postgresql' ? Prisma.sql`${text}::jsonb` : Prisma.sql`${text}`;
}

/** A JSON column as read back: text on SQLite, already parsed on Postgres. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A boolean column as read back: 0/1 on SQLite, a boolean on Postgres. */
export function readBool(value: unknown): boolean {
  return value === true || Number(value) === 1;
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
  const code = (error as { code?: string }).code;
  return code === 'P2002' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** SQLite's single writer stayed busy (another process held the lock past the busy timeout). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code === 'P1008' || code === 'P2034';
}

/**
 * better-sqlite3 waits for a busy database synchronously, which would freeze the whole process (every
 * request of the web app) while another process writes. So its own wait is short, and longer waits for
 * SQLite's single writer happen here, asynchronously, up to BUSY_WAIT_MS.
 */
const SQLITE_BUSY_TIMEOUT_MS = 20;
const BUSY_WAIT_MS = 10_000;

async function whenNotBusy<T>(work: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5 * attempt, 50)));
    }
  }
}

function sqliteDb(url: string): SqlDb {
  const db = new Database(url.replace(/^file:/, ''), { timeout: SQLITE_BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      // Multi-row INSERTs make many shapes; keep the most recent ones.
      if (statements.size >= 500) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
    }
    return statement;
  };
  const params = (statement: Sql) => statement.values.map(sqliteValue);
  // One connection: a transaction holds it until it ends, so work from elsewhere in the process waits its
  // turn instead of landing inside someone else's transaction.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => undefined);
    return result;
  };
  // Inside a transaction this connection holds the write lock: statements never wait there.
  const inTransaction: SqlDb = {
    provider: 'sqlite',
    query: async <T>(statement: Sql) => prepare(statement.sql).all(...params(statement)) as T[],
    execute: async (statement: Sql) => prepare(statement.sql).run(...params(statement)).changes,
    transaction: (work) => work(inTransaction),
  };
  return {
    provider: 'sqlite',
    query: <T>(statement: Sql) => exclusive(() => whenNotBusy(() => prepare(statement.sql).all(...params(statement)) as T[])),
    execute: (statement) => exclusive(() => whenNotBusy(() => prepare(statement.sql).run(...params(statement)).changes)),
    transaction: (work) =>
      exclusive(async () => {
        await whenNotBusy(() => db.exec('BEGIN IMMEDIATE'));
        try {
          const result = await work(inTransaction);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
  };
}

/** SQLite has no booleans or dates: stored as Prisma stores them (0/1, ISO 8601 with +00:00). */
function sqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace('Z', '+00:00');
  return value;
}

function postgresDb(url: string): SqlDb {
  const pool = new pg.Pool({ connectionString: url, max: 5, allowExitOnIdle: true });
  // An idle connection that the server closed (a restart, a dropped database) is replaced on next use.
  pool.on('error', () => undefined);
  const params = (statement: Sql) => statement.values.map((value) => (value instanceof Date ? value.toISOString() : value));
  const on = (client: pg.Pool | pg.PoolClient): Omit<SqlDb, 'transaction'> => ({
    provider: 'postgresql',
    query: async <T>(statement: Sql) => (await client.query(statement.text, params(statement))).rows as T[],
    execute: async (statement: Sql) => (await client.query(statement.text, params(statement))).rowCount ?? 0,
  });
  return {
    ...on(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: SqlDb = { ...on(client), transaction: (inner) => inner(tx) };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

export { Prisma };
