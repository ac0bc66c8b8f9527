/**
 * API keys for the HTTP API (docs/logs.md). A key reads `hfk_<prefix>_<secret>`: the prefix finds the row,
 * and the SHA-256 of the whole key is compared with the stored one in constant time. Only the hash is kept;
 * the key is shown once, when it is made.
 *
 * SHA-256 rather than scrypt: a key is 32 random bytes (256 bits), so a stolen hash cannot be reversed by
 * guessing, which is what a slow hash protects low-entropy passwords against; scrypt would only add tens of
 * milliseconds of CPU to every API call, and POST /api/events takes keys on the event path.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../db';
import { API_SCOPE_NAMES, isApiScope, type ApiScope } from '../../domain/access/api-scopes';
import { Prisma, sqlDb } from '../sql';
import { recordAudit, type AuditActor } from '../audit';

const SYSTEM: AuditActor = { id: null, label: 'system' };

const KEY_PATTERN = /^hfk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('hfk_');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Scopes from a comma-separated list; throws with the valid ones named when one is unknown. */
export function parseScopes(text: string): ApiScope[] {
  const scopes = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  if (scopes.length === 0) throw new Error(`Name at least one scope: ${API_SCOPE_NAMES.join(', ')}`);
  const unknown = scopes.filter((s) => !isApiScope(s));
  if (unknown.length > 0) throw new Error(`Unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the scopes are ${API_SCOPE_NAMES.join(', ')}`);
  return scopes as ApiScope[];
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function info(row: { id: string; name: string; prefix: string; scopes: string; createdBy: string | null; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeyInfo {
  return { ...row, scopes: row.scopes.split(',').filter(isApiScope) };
}

/** Makes a key, with its audit row (never the key) in the same transaction; the returned `key` is the only time it is seen. */
export async function createApiKey(
  prisma: PrismaClient,
  input: { name: string; scopes: ApiScope[]; createdBy?: { id: string | null; email: string } },
  actor: AuditActor = SYSTEM,
): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, '').padEnd(12, '0').slice(0, 12);
  const key = `hfk_${prefix}_${randomBytes(32).toString('base64url')}`;
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { name: input.name, prefix, hash: sha256(key), scopes: input.scopes.join(','), createdById: input.createdBy?.id ?? null, createdBy: input.createdBy?.email ?? null },
    });
    await recordAudit(tx, actor, { action: 'apikey.create', entityType: 'apikey', entityId: created.id, entityName: created.name, details: { prefix, scopes: input.scopes } });
    return created;
  });
  return { key, apiKey: info(row) };
}

export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeyInfo[]> {
  return (await prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } })).map(info);
}

/** Revokes a key at once (audited); false when there is no such key. Revoked keys stay listed, marked. */
export async function revokeApiKey(prisma: PrismaClient, id: string, actor: AuditActor = SYSTEM): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const changed = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (changed.count === 0) return (await tx.apiKey.count({ where: { id } })) > 0;
    const key = await tx.apiKey.findUniqueOrThrow({ where: { id }, select: { name: true, prefix: true } });
    await recordAudit(tx, actor, { action: 'apikey.revoke', entityType: 'apikey', entityId: id, entityName: key.name, details: { prefix: key.prefix } });
    return true;
  });
}

export type ApiKeyCheck = { ok: true; keyId: string } | { ok: false; status: 401 | 403; message: string };

const lastUsedWritten = new Map<string, number>();

/**
 * Checks `Authorization: Bearer <key>` for a scope: 401 for a missing, unknown or revoked key, 403 for a
 * key without the scope. One indexed read, in plain SQL (the events API takes keys too).
 */
export async function checkApiKey(prisma: PrismaClient, authorization: string | null, scope: ApiScope): Promise<ApiKeyCheck> {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  if (!bearer) return { ok: false, status: 401, message: `Send an API key with the ${scope} scope as "Authorization: Bearer <key>" (Settings → API keys)` };
  const match = KEY_PATTERN.exec(bearer);
  if (!match) return { ok: false, status: 401, message: 'This is not a valid API key' };
  const [row] = await sqlDb(prisma).query<{ id: string; hash: string; scopes: string; revokedAt: unknown }>(
    Prisma.sql`SELECT "id", "hash", "scopes", "revokedAt" FROM "ApiKey" WHERE "prefix" = ${match[1]}`,
  );
  const given = Buffer.from(sha256(bearer), 'hex');
  // Compared even for an unknown prefix, against a hash of nothing: the answer takes as long either way.
  const stored = Buffer.from(row?.hash ?? sha256(''), 'hex');
  const same = stored.length === given.length && timingSafeEqual(stored, given);
  if (!row || !same) return { ok: false, status: 401, message: 'This API key is not valid' };
  if (row.revokedAt !== null) return { ok: false, status: 401, message: 'This API key was revoked' };
  if (!row.scopes.split(',').includes(scope)) return { ok: false, status: 403, message: `This API key does not have the ${scope} scope` };
  await noteUse(prisma, row.id);
  return { ok: true, keyId: row.id };
}

/** Last use is written at most once a minute per key and process, so a busy key costs no write per call. */
async function noteUse(prisma: PrismaClient, id: string): Promise<void> {
  const now = Date.now();
  if ((lastUsedWritten.get(id) ?? 0) > now - 60_000) return;
  lastUsedWritten.set(id, now);
  await sqlDb(prisma).execute(Prisma.sql`UPDATE "ApiKey" SET "lastUsedAt" = ${new Date(now)} WHERE "id" = ${id}`);
}
