import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The SQLite file the app, the worker and the Prisma CLI share. `DATABASE_URL=file:...` overrides it. */
export function databaseUrl(): string {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    if (!configured.startsWith('file:')) {
      throw new Error(`DATABASE_URL must be a SQLite "file:" URL for this build (got "${configured.split(':')[0]}:")`);
    }
    return configured;
  }
  const dataDir = process.env.HOOKFLOW_DATA_DIR ?? path.resolve('.data');
  mkdirSync(dataDir, { recursive: true });
  return `file:${path.join(dataDir, 'hookflow.db')}`;
}
