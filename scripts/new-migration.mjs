#!/usr/bin/env node
// Writes prisma/migrations/<timestamp>_<name>/migration.sql and its Postgres twin in
// prisma/postgres/migrations: the difference between the schema as last committed (git HEAD) and the working
// copy. Also refreshes prisma/postgres/schema.prisma. Works offline, with no shadow database.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { POSTGRES_SCHEMA, postgresSchema } from './prisma-schemas.mjs';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node scripts/new-migration.mjs <snake_case_name>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'hookflow-schema-'));
const committed = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root, encoding: 'utf8' });
const working = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
writeFileSync(POSTGRES_SCHEMA, postgresSchema(working));
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);

for (const target of [
  { from: committed, to: 'prisma/schema.prisma', dir: 'prisma/migrations' },
  { from: postgresSchema(committed), to: 'prisma/postgres/schema.prisma', dir: 'prisma/postgres/migrations' },
]) {
  const previous = path.join(scratch, `${target.dir.replace(/\//g, '_')}.prisma`);
  writeFileSync(previous, target.from);
  const diff = spawnSync(
    process.execPath,
    [path.join(root, 'scripts/prisma.mjs'), 'migrate', 'diff', '--from-schema-datamodel', previous, '--to-schema-datamodel', target.to, '--script'],
    { cwd: root, encoding: 'utf8' },
  );
  if (diff.status !== 0) {
    console.error(diff.stderr);
    process.exit(1);
  }
  const dir = path.join(root, target.dir, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), diff.stdout);
  console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
}
