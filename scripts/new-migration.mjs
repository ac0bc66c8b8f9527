#!/usr/bin/env node
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the difference between the schema as last
// committed (git HEAD) and the working copy. Works offline, with no shadow database.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node scripts/new-migration.mjs <snake_case_name>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const previous = path.join(mkdtempSync(path.join(tmpdir(), 'hookflow-schema-')), 'schema.prisma');
writeFileSync(previous, execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root }));
const diff = spawnSync(
  process.execPath,
  [path.join(root, 'scripts/prisma.mjs'), 'migrate', 'diff', '--from-schema-datamodel', previous, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  { cwd: root, encoding: 'utf8' },
);
if (diff.status !== 0) {
  console.error(diff.stderr);
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const dir = path.join(root, 'prisma/migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'migration.sql'), diff.stdout);
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
