import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type DatabaseProvider = 'sqlite' | 'postgresql';

/**
 * The database the app, the worker and the Prisma CLI share: `DATABASE_URL` when set (a SQLite `file:` URL
 * or a `postgres://`/`postgresql://` URL), else the SQLite file in the data directory.
 */
export function databaseUrl(): string {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    databaseProvider(configured);
    return configured;
  }
  const dataDir = process.env.HOOKFLOW_DATA_DIR ?? path.resolve('.data');
  mkdirSync(dataDir, { recursive: true });
  return `file:${path.join(dataDir, 'hookflow.db')}`;
}

export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(`DATABASE_URL must be a SQLite "file:" URL or a "postgresql://" URL (got "${url.split(':')[0]}:")`);
}
