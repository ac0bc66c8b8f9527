/**
 * Sessions: a random token in an httpOnly, SameSite=Lax cookie; the database keeps only its sha256. Each
 * session has a CSRF token, sent to the browser in a readable cookie and required back in the
 * `x-csrf-token` header on every mutation (double submit, compared with the session's copy).
 */
import { loadSettings } from '../config';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../db';
import type { Role } from '../../domain/access/roles';

export const SESSION_COOKIE = 'hookflow_session';
const CSRF_COOKIE = 'hookflow_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_DAYS = 14;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  /** the session row's id (the token's hash) */
  id: string;
  user: SessionUser;
  csrfToken: string;
}

export async function createSession(prisma: PrismaClient, userId: string): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await prisma.session.create({ data: { id: sha256(token), userId, csrfToken, expiresAt } });
  await prisma.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
  return { token, csrfToken, expiresAt };
}

export async function readSession(prisma: PrismaClient, token: string | undefined): Promise<Session | null> {
  if (!token) return null;
  const session = await prisma.session.findUnique({ where: { id: sha256(token) }, include: { user: true } });
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  const { id, email, name, role } = session.user;
  return { id: session.id, user: { id, email, name, role: role as Role }, csrfToken: session.csrfToken };
}

export async function destroySession(prisma: PrismaClient, token: string | undefined): Promise<void> {
  if (token) await prisma.session.deleteMany({ where: { id: sha256(token) } });
}

export function csrfMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
  }
  return cookies;
}

export function sessionCookies(token: string, csrfToken: string, expiresAt: Date, secure: boolean): string[] {
  const common = `Path=/; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=${token}; HttpOnly; ${common}`, `${CSRF_COOKIE}=${csrfToken}; ${common}`];
}

export function clearedCookies(): string[] {
  return [`${SESSION_COOKIE}=; HttpOnly; Path=/; Max-Age=0; SameSite=Lax`, `${CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`];
}

/** Cookies are Secure behind HTTPS: HOOKFLOW_APP_URL's scheme decides, else the request's own. */
export function secureCookies(request: Request): boolean {
  const appUrl = loadSettings().HOOKFLOW_APP_URL;
  return (appUrl ? new URL(appUrl) : new URL(request.url)).protocol === 'https:';
}
