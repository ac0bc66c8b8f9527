/**
 * Failed sign-ins slow down, per account and per client address, with exponential back-off: after a few free
 * failures each further one doubles the wait, up to 15 minutes. Kept in the database, so every web process
 * sees the same counts. Failures older than an hour are forgotten.
 */
import type { PrismaClient } from '../db';

/** Failures allowed before any wait: per account, and (shared by everyone behind one address) per address. */
const FREE_FAILURES = { account: 5, ip: 20 } as const;
const MAX_WAIT_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

export interface ThrottleKeys {
  account: string;
  ip: string;
}

const keysOf = (keys: ThrottleKeys) => [
  { key: `account:${keys.account}`, free: FREE_FAILURES.account },
  { key: `ip:${keys.ip}`, free: FREE_FAILURES.ip },
];

/** How long until this account may try again from this address; 0 when it may now. */
export async function signInWaitMs(prisma: PrismaClient, keys: ThrottleKeys, now = new Date()): Promise<number> {
  const rows = await prisma.signInThrottle.findMany({ where: { key: { in: keysOf(keys).map((k) => k.key) } } });
  return Math.max(0, ...rows.map((row) => (row.blockedUntil ? row.blockedUntil.getTime() - now.getTime() : 0)));
}

export async function recordSignInFailure(prisma: PrismaClient, keys: ThrottleKeys, now = new Date()): Promise<void> {
  for (const { key, free } of keysOf(keys)) {
    const row = await prisma.signInThrottle.findUnique({ where: { key } });
    const failures = row && now.getTime() - row.lastFailedAt.getTime() < FORGET_AFTER_MS ? row.failures + 1 : 1;
    const blockedUntil = failures > free ? new Date(now.getTime() + Math.min(MAX_WAIT_MS, 1000 * 2 ** (failures - free - 1))) : null;
    await prisma.signInThrottle.upsert({ where: { key }, create: { key, failures, lastFailedAt: now, blockedUntil }, update: { failures, lastFailedAt: now, blockedUntil } });
  }
}

/** A successful sign-in clears its account's failures (not the address's: others may share it). */
export async function clearSignInFailures(prisma: PrismaClient, keys: ThrottleKeys): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { key: `account:${keys.account}` } });
}

/** The client's address: the first hop a reverse proxy recorded, or "direct". */
export function clientAddress(headers: Headers): string {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || headers.get('x-real-ip')?.trim() || 'direct';
}
