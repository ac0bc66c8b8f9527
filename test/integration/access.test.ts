/**
 * Every tRPC procedure against every role, on a real database. The expected table is written here, not
 * read from the code: a new procedure fails this test until someone decides who may call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { appRouter } from '../../lib/server/trpc/router';
import { createPrismaClient, type PrismaClient } from '../../lib/server/db';
import { callerFor, userWithRole } from '../support/trpc';
import type { Role } from '../../lib/domain/access/roles';

type Access = 'everyone' | 'integration' | 'admin' | 'public';
const EXPECTED: Record<string, Access> = {
  'overview.flows': 'everyone',
  'overview.recentRuns': 'everyone',
  'integrations.list': 'everyone',
  'integrations.get': 'everyone',
  'integrations.create': 'integration',
  'integrations.update': 'integration',
  'integrations.delete': 'integration',
  'integrations.rateLimitStatus': 'everyone',
  'integrations.enableSigning': 'integration',
  'integrations.rotateSigningSecret': 'integration',
  'integrations.disableSigning': 'integration',
  'webhooks.list': 'everyone',
  'webhooks.get': 'everyone',
  'webhooks.suggestSystemName': 'everyone',
  'webhooks.check': 'everyone',
  'webhooks.create': 'everyone',
  'webhooks.update': 'everyone',
  'webhooks.copy': 'everyone',
  'webhooks.delete': 'everyone',
  'webhooks.testSend': 'everyone',
  'webhooks.variables': 'everyone',
  'webhooks.attempts': 'everyone',
  'flows.list': 'everyone',
  'flows.get': 'everyone',
  'flows.temporalLinks': 'everyone',
  'flows.create': 'everyone',
  'flows.saveDraft': 'everyone',
  'flows.validate': 'everyone',
  'flows.publish': 'everyone',
  'flows.pause': 'everyone',
  'flows.resume': 'everyone',
  'flows.archive': 'everyone',
  'flows.eventTypes': 'everyone',
  'flows.catalog': 'everyone',
  'flows.rename': 'everyone',
  'flows.duplicate': 'everyone',
  'flows.version': 'everyone',
  'flows.runs': 'everyone',
  'flows.testRun': 'everyone',
  'flows.recentEvents': 'everyone',
  'webhooks.sample': 'everyone',
  'webhooks.saveSample': 'everyone',
  'runs.get': 'everyone',
  'runs.progress': 'everyone',
  'logs.list': 'everyone',
  'logs.get': 'everyone',
  'logs.resend': 'integration',
  'logs.refused': 'everyone',
  'logs.retention': 'everyone',
  'logs.stepCounts': 'everyone',
  'apiKeys.list': 'integration',
  'apiKeys.create': 'integration',
  'apiKeys.revoke': 'integration',
  'flowsAsCode.export': 'integration',
  'flowsAsCode.import': 'integration',
  'users.me': 'everyone',
  'users.list': 'admin',
  'users.invite': 'admin',
  'users.updateRole': 'admin',
  'users.setDisabled': 'admin',
  'users.revokeSessions': 'admin',
  'audit.list': 'admin',
  'account.acceptInvite': 'public',
  'account.invite': 'public',
  'account.setup': 'public',
};
const allowed: Record<Access, (Role | 'anonymous')[]> = {
  everyone: ['admin', 'developer', 'marketer'],
  integration: ['admin', 'developer'],
  admin: ['admin'],
  public: ['admin', 'developer', 'marketer', 'anonymous'],
};

let prisma: PrismaClient;
const users: Partial<Record<Role, { id: string; email: string; name: string; role: string }>> = {};

beforeAll(async () => {
  const file = path.join(inject('scratchDir'), `access-${Date.now()}.db`);
  copyFileSync(inject('templateDatabase'), file);
  prisma = createPrismaClient(`file:${file}`);
  for (const role of ['admin', 'developer', 'marketer'] as const) users[role] = await userWithRole(prisma, role);
});
afterAll(async () => prisma?.$disconnect());

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);

function call(role: Role | 'anonymous', pathName: string, csrf = true): Promise<unknown> {
  const caller = callerFor(prisma, role === 'anonymous' ? null : users[role]!, { csrf }) as unknown as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
  const [group, name] = pathName.split('.') as [string, string];
  // Deliberately incomplete input: the role gate runs before input validation.
  return caller[group]![name]!(undefined);
}

async function gateOutcome(promise: Promise<unknown>): Promise<'passed' | 'UNAUTHORIZED' | 'FORBIDDEN'> {
  try {
    await promise;
    return 'passed';
  } catch (error) {
    if (error instanceof TRPCError && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')) return error.code;
    return 'passed';
  }
}

describe('role checks on every procedure', () => {
  it('lists exactly the procedures the router has', () => {
    expect(procedures.map(([p]) => p).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [pathName, procedure] of procedures) {
    for (const role of ['admin', 'developer', 'marketer', 'anonymous'] as const) {
      const access = EXPECTED[pathName] ?? 'admin';
      const expected = allowed[access].includes(role) ? 'passed' : role === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN';
      it(`${pathName} (${procedure._def.type}) as ${role} → ${expected}`, async () => {
        expect(await gateOutcome(call(role, pathName))).toBe(expected);
      });
    }
  }

  it('refuses every mutation without the CSRF token', async () => {
    const mutations = procedures.filter(([p, proc]) => proc._def.type === 'mutation' && EXPECTED[p] !== 'public');
    expect(mutations.length).toBeGreaterThan(10);
    for (const [pathName] of mutations) {
      await expect(call('admin', pathName, false)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Security token') });
    }
  });

  it('a disabled user’s session no longer works', async () => {
    const { readSession, createSession } = await import('../../lib/server/auth/session');
    const user = await userWithRole(prisma, 'developer');
    const { token } = await createSession(prisma, user.id);
    expect((await readSession(prisma, token))?.user.email).toBe(user.email);
    await callerFor(prisma, users.admin!).users.setDisabled({ id: user.id, disabled: true });
    expect(await readSession(prisma, token)).toBeNull();
  });
});
