/**
 * Anonymous visitors (Segment's anonymousId) and how they become known customers, inside the transaction
 * that stores their events (docs/sources.md, "Anonymous visitors"):
 * - an event with only an anonymous id goes to the customer that id stands for, or to a new anonymous customer
 *   (externalId `anonymous:<anonymousId>`) that starts no flow unless the flow opts in;
 * - an event with both ids (an identify, a track after sign-in, an alias) links them: the anonymous customer
 *   becomes the known one, or is merged into it when both exist (its events, runs and attributes move over).
 */
import { json, newId, Prisma, readBool, readJson, type SqlDb } from '../sql';

/** What ingestion needs from a Segment message to place it: its ids. */
export interface Identity {
  /** the customer's id in the client's system; absent for a visitor known only by anonymousId */
  userId?: string;
  anonymousId: string;
}

export const anonymousExternalId = (anonymousId: string) => `anonymous:${anonymousId}`;

interface Linked {
  customerId: string;
  externalId: string;
  anonymous: boolean;
}

/** The externalId of the customer this message is about, after linking its ids. */
export async function resolveIdentity(tx: SqlDb, identity: Identity, now: Date): Promise<string> {
  const [row] = await tx.query<{ customerId: string; externalId: string; anonymous: unknown }>(Prisma.sql`
    SELECT a."customerId", c."externalId", c."anonymous" FROM "CustomerAlias" a JOIN "Customer" c ON c."id" = a."customerId"
    WHERE a."anonymousId" = ${identity.anonymousId}`);
  const linked: Linked | undefined = row && { ...row, anonymous: readBool(row.anonymous) };
  if (identity.userId === undefined) return linked?.externalId ?? (await createAnonymous(tx, identity.anonymousId, now));
  const userId = identity.userId;
  if (linked?.externalId === userId) return userId;
  // The anonymous id already stands for another known customer: the first link holds.
  if (linked && !linked.anonymous) return userId;
  const [user] = await tx.query<{ id: string; attributes: unknown }>(Prisma.sql`SELECT "id", "attributes" FROM "Customer" WHERE "externalId" = ${userId}`);
  if (!linked) {
    const customerId = user?.id ?? (await insertCustomer(tx, userId, false, now));
    await tx.execute(Prisma.sql`INSERT INTO "CustomerAlias" ("anonymousId", "customerId", "createdAt") VALUES (${identity.anonymousId}, ${customerId}, ${now})`);
    return userId;
  }
  if (!user) {
    // The visitor signs up: the anonymous customer becomes the known one, with its events and runs.
    await tx.execute(Prisma.sql`UPDATE "Customer" SET "externalId" = ${userId}, "anonymous" = ${false}, "updatedAt" = ${now} WHERE "id" = ${linked.customerId}`);
    return userId;
  }
  await mergeInto(tx, linked.customerId, user, now);
  return userId;
}

async function insertCustomer(tx: SqlDb, externalId: string, anonymous: boolean, now: Date): Promise<string> {
  const id = newId();
  await tx.execute(Prisma.sql`INSERT INTO "Customer" ("id", "externalId", "attributes", "anonymous", "createdAt", "updatedAt") VALUES (${id}, ${externalId}, ${json(tx.provider, {})}, ${anonymous}, ${now}, ${now})`);
  return id;
}

async function createAnonymous(tx: SqlDb, anonymousId: string, now: Date): Promise<string> {
  const externalId = anonymousExternalId(anonymousId);
  const [existing] = await tx.query<{ id: string }>(Prisma.sql`SELECT "id" FROM "Customer" WHERE "externalId" = ${externalId}`);
  const customerId = existing?.id ?? (await insertCustomer(tx, externalId, true, now));
  await tx.execute(Prisma.sql`INSERT INTO "CustomerAlias" ("anonymousId", "customerId", "createdAt") VALUES (${anonymousId}, ${customerId}, ${now})`);
  return externalId;
}

/** Moves an anonymous customer's events, runs, aliases and attributes to a known customer (whose attributes win), then deletes it. */
async function mergeInto(tx: SqlDb, anonymousCustomerId: string, user: { id: string; attributes: unknown }, now: Date): Promise<void> {
  const [anonymous] = await tx.query<{ attributes: unknown }>(Prisma.sql`SELECT "attributes" FROM "Customer" WHERE "id" = ${anonymousCustomerId}`);
  const attributes = { ...readJson<Record<string, unknown>>(anonymous?.attributes ?? '{}'), ...readJson<Record<string, unknown>>(user.attributes) };
  for (const table of ['Event', 'Run', 'CustomerAlias'] as const) {
    await tx.execute(Prisma.sql`UPDATE ${Prisma.raw(`"${table}"`)} SET "customerId" = ${user.id} WHERE "customerId" = ${anonymousCustomerId}`);
  }
  await tx.execute(Prisma.sql`UPDATE "Customer" SET "attributes" = ${json(tx.provider, attributes)}, "updatedAt" = ${now} WHERE "id" = ${user.id}`);
  await tx.execute(Prisma.sql`DELETE FROM "Customer" WHERE "id" = ${anonymousCustomerId}`);
}
