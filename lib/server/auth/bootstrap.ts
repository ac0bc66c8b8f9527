/**
 * The first admin: from HOOKFLOW_ADMIN_EMAIL / HOOKFLOW_ADMIN_PASSWORD, or else a one-time setup link whose
 * token hash is kept in `.data/setup.token` until an admin is created.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../db';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password';
import { sha256 } from './session';

function setupTokenFile(): string {
  const dir = path.resolve(/*turbopackIgnore: true*/ process.env.HOOKFLOW_DATA_DIR ?? '.data');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, 'setup.token');
}

export type BootstrapResult = { kind: 'exists' } | { kind: 'created'; email: string } | { kind: 'setup-link'; token: string };

export async function ensureAdmin(prisma: PrismaClient, env: Record<string, string | undefined> = process.env): Promise<BootstrapResult> {
  if ((await prisma.user.count({ where: { role: 'admin', disabledAt: null } })) > 0) return { kind: 'exists' };
  const email = env.HOOKFLOW_ADMIN_EMAIL?.trim().toLowerCase();
  const password = env.HOOKFLOW_ADMIN_PASSWORD;
  if (email && password) {
    if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`HOOKFLOW_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`);
    await prisma.user.upsert({
      where: { email },
      create: { email, name: 'Admin', role: 'admin', passwordHash: await hashPassword(password) },
      update: { role: 'admin', passwordHash: await hashPassword(password), disabledAt: null },
    });
    return { kind: 'created', email };
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(setupTokenFile(), sha256(token), { mode: 0o600 });
  return { kind: 'setup-link', token };
}

export function setupTokenValid(token: string): boolean {
  const file = setupTokenFile();
  return existsSync(file) && token.length > 0 && readFileSync(file, 'utf8').trim() === sha256(token);
}

export function consumeSetupToken(): void {
  rmSync(setupTokenFile(), { force: true });
}
