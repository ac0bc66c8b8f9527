#!/usr/bin/env node
// Runs the Prisma CLI offline. Prisma 6 with `engineType = "client"` and a driver adapter needs no native
// engines, but the CLI still tries to download them unless these variables point somewhere.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const placeholder = join(root, 'node_modules', '.cache', 'hookflow', 'no-engine');
if (!existsSync(placeholder)) {
  mkdirSync(dirname(placeholder), { recursive: true });
  writeFileSync(placeholder, '');
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const args = process.argv.slice(2);
const url = process.env.DATABASE_URL ?? '';
if (/^postgres(ql)?:\/\//.test(url) && args[0] === 'migrate' && args[1] === 'deploy') {
  const { migratePostgres } = await import('./pg-migrate.mjs');
  try {
    await migratePostgres(url, join(root, 'prisma', 'postgres', 'migrations'));
    process.exit(0);
  } catch (error) {
    console.error(`Could not migrate the Postgres database: ${error.message}`);
    process.exit(1);
  }
}
if (args[0] === 'generate' && args.length === 1) {
  // Both clients: SQLite (the default) and Postgres (when DATABASE_URL says so).
  for (const schema of [join('prisma', 'schema.prisma'), join('prisma', 'postgres', 'schema.prisma')]) {
    const generated = spawnSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', schema], { stdio: 'inherit', env, cwd: root });
    if (generated.status !== 0) process.exit(generated.status ?? 1);
  }
  process.exit(0);
}
const cli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env, cwd: root });
process.exit(result.status ?? 1);
