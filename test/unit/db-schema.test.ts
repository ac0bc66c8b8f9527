import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchema } from '../../scripts/prisma-schemas.mjs';

const migrations = (dir: string) =>
  readdirSync(path.resolve(import.meta.dirname, '../..', dir))
    .filter((n) => /^\d{14}_/.test(n))
    .sort()
    .map((n) => n.slice(15));

describe('the Postgres schema', () => {
  it('is prisma/schema.prisma with the Postgres provider (run `node scripts/prisma-schemas.mjs` after editing the schema)', () => {
    expect(readFileSync(POSTGRES_SCHEMA, 'utf8')).toBe(postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8')));
  });

  it('gets a migration with every SQLite migration (npm run db:new-migration writes both)', () => {
    // Postgres support started from the schema as of user_invites: its init holds the SQLite migrations up to there.
    const sqlite = migrations('prisma/migrations');
    const postgres = migrations('prisma/postgres/migrations');
    expect(postgres[0]).toBe('init');
    expect(sqlite.slice(sqlite.indexOf('user_invites') + 1)).toEqual(postgres.slice(1));
  });

  it('refuses a schema whose datasource it cannot rewrite', () => {
    expect(() => postgresSchema('model A { id String @id }')).toThrow(/no longer has the datasource/);
  });
});
