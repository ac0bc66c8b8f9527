/**
 * Applies the database migrations (SQLite or Postgres, from the URL) through scripts/prisma.mjs, the one
 * path `npm start`, `npm run db:migrate`, the tests and the benchmarks share.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface MigrateResult {
  ok: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `url` defaults to DATABASE_URL (or the SQLite file in the data directory). */
export function migrateDatabase(url?: string): MigrateResult {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
    cwd: ROOT,
    env: url ? { ...process.env, DATABASE_URL: url } : process.env,
    encoding: 'utf8',
  });
  return { ok: result.status === 0, status: result.status, stdout: result.stdout, stderr: result.stderr };
}
