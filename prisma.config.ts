import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { databaseProvider, databaseUrl } from './lib/server/db-url';

// SQLite (the embedded default) and Postgres each have their schema and migrations; DATABASE_URL picks.
const url = databaseUrl();
const postgres = databaseProvider(url) === 'postgresql';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: postgres ? path.join('prisma', 'postgres', 'schema.prisma') : path.join('prisma', 'schema.prisma'),
  migrations: { path: postgres ? path.join('prisma', 'postgres', 'migrations') : path.join('prisma', 'migrations') },
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
