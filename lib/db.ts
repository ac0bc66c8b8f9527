import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from './generated/prisma/client';
import { databaseUrl } from './db-url';

export type { PrismaClient };

export function createPrismaClient(url: string = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

// One client per process; Next.js dev reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { hookflowPrisma?: PrismaClient };

export function db(): PrismaClient {
  globalForPrisma.hookflowPrisma ??= createPrismaClient();
  return globalForPrisma.hookflowPrisma;
}
