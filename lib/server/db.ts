import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { PrismaClient as PostgresPrismaClient } from '../generated/prisma-postgres/client';
import { databaseProvider, databaseUrl } from './db-url';
import { registerDatabase } from './sql';

/**
 * The app's client type. Both generated clients come from one schema (prisma/postgres/schema.prisma is
 * derived from prisma/schema.prisma), so they have the same models and the same API.
 */
export type { PrismaClient };

export function createPrismaClient(url: string = databaseUrl()): PrismaClient {
  if (databaseProvider(url) === 'postgresql') {
    const client = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
    registerDatabase(client, url);
    return client;
  }
  // busy timeout: the web app and every worker process share one SQLite file.
  const client = new PrismaClient({ adapter: serializedTransactions(new PrismaBetterSQLite3({ url, timeout: 10_000 })) });
  registerDatabase(client, url);
  // WAL lets readers and one writer work at once across processes; it persists in the file.
  void client.$queryRawUnsafe('PRAGMA journal_mode = WAL').catch(() => undefined);
  return client;
}

// One client per process; Next.js dev reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { hookflowPrisma?: PrismaClient };

export function db(): PrismaClient {
  globalForPrisma.hookflowPrisma ??= createPrismaClient();
  return globalForPrisma.hookflowPrisma;
}

type SqliteAdapterFactory = InstanceType<typeof PrismaBetterSQLite3>;
type SqliteAdapter = Awaited<ReturnType<SqliteAdapterFactory['connect']>>;

/**
 * The SQLite adapter runs everything on one connection, and only transactions wait for each other: a query
 * from another request, sent while an interactive transaction is open, would run inside it, and vanish if it
 * rolls back. This wrapper makes queries outside a transaction wait until the open one has ended.
 */
function serializedTransactions(factory: SqliteAdapterFactory): SqliteAdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const original = { queryRaw: adapter.queryRaw.bind(adapter), executeRaw: adapter.executeRaw.bind(adapter), startTransaction: adapter.startTransaction.bind(adapter) };
    // Transactions open or waiting to open; queries outside wait until there are none.
    let transactions = 0;
    let idle = Promise.resolve();
    let markIdle = () => {};
    const ended = () => {
      if (--transactions === 0) markIdle();
    };
    const outside = async <T>(run: () => Promise<T>): Promise<T> => {
      while (transactions > 0) await idle;
      return run();
    };
    const startTransaction: SqliteAdapter['startTransaction'] = async (isolationLevel) => {
      if (transactions++ === 0) idle = new Promise<void>((resolve) => (markIdle = resolve));
      const transaction = await original.startTransaction(isolationLevel).catch((error: unknown) => {
        ended();
        throw error;
      });
      const commit = transaction.commit.bind(transaction);
      const rollback = transaction.rollback.bind(transaction);
      return Object.assign(transaction, {
        commit: () => commit().finally(ended),
        rollback: () => rollback().finally(ended),
      });
    };
    return Object.assign(adapter, {
      queryRaw: ((query) => outside(() => original.queryRaw(query))) satisfies SqliteAdapter['queryRaw'],
      executeRaw: ((query) => outside(() => original.executeRaw(query))) satisfies SqliteAdapter['executeRaw'],
      startTransaction,
    });
  };
  return factory;
}
