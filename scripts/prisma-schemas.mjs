#!/usr/bin/env node
// Prisma cannot take the datasource provider from an environment variable, so Postgres gets its own
// schema, derived from prisma/schema.prisma (the one to edit) by swapping the provider and the client's
// output. `node scripts/prisma-schemas.mjs` rewrites prisma/postgres/schema.prisma; a unit test fails when
// the committed copy is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SQLITE_SCHEMA = path.join(ROOT, 'prisma', 'schema.prisma');
export const POSTGRES_SCHEMA = path.join(ROOT, 'prisma', 'postgres', 'schema.prisma');

/** The Postgres schema for a given SQLite schema text. */
export function postgresSchema(sqlite) {
  const swapped = sqlite
    .replace(/^\/\/ Hookflow data model\..*$/m, '// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs: edit that file, then run it.')
    .replace('output       = "../lib/generated/prisma"', 'output       = "../../lib/generated/prisma-postgres"')
    .replace(/provider = "sqlite"\n(\s*\/\/.*\n)?\s*url\s*=\s*".*"/, 'provider = "postgresql"\n  // unused: DATABASE_URL decides the server (the driver adapter connects)\n  url      = "postgresql://localhost/hookflow"');
  if (!swapped.includes('provider = "postgresql"') || !swapped.includes('prisma-postgres')) {
    throw new Error('prisma/schema.prisma no longer has the datasource/generator lines scripts/prisma-schemas.mjs rewrites');
  }
  return swapped;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'scripts', 'prisma-schemas.mjs')) {
  mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8')));
  console.log(`wrote ${path.relative(ROOT, POSTGRES_SCHEMA)}`);
}
