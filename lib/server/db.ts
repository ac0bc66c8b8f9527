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
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 10_000 }) });
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
