// Applies prisma/postgres/migrations to a Postgres database. `prisma migrate deploy` cannot do it offline
// yet: with a driver adapter it fails to read Postgres's `name` columns (prisma/orm#27403). This runner
// does what deploy does for us: each migration once, in order, in its own transaction, recorded with a
// checksum, under an advisory lock so two processes starting together do not both apply it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const LOCK_ID = 72_657_117; // any constant; shared by every Hookflow process

export async function migratePostgres(url, migrationsDir, log = console.log) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS "_hookflow_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const applied = new Map((await client.query('SELECT "name", "checksum" FROM "_hookflow_migrations"')).rows.map((r) => [r.name, r.checksum]));
    const names = readdirSync(migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
      .map((entry) => entry.name)
      .sort();
    let count = 0;
    for (const name of names) {
      const sql = readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      if (applied.has(name)) {
        if (applied.get(name) !== checksum) throw new Error(`Migration ${name} was changed after it was applied to this database; add a new migration instead`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO "_hookflow_migrations" ("name", "checksum") VALUES ($1, $2)', [name, checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed and was rolled back: ${error.message}`);
      }
      count += 1;
    }
    log(count === 0 ? 'No pending migrations to apply.' : `Applied ${count} migration${count === 1 ? '' : 's'}.`);
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}
