/** tRPC callers as a given user, on a real database: the same procedures the browser calls. */
import { createCallerFactory } from '../../lib/server/trpc/init';
import { appRouter } from '../../lib/server/trpc/router';
import type { PrismaClient } from '../../lib/server/db';
import type { Role } from '../../lib/domain/access/roles';

const factory = createCallerFactory(appRouter);
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

export async function userWithRole(prisma: PrismaClient, role: Role) {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  return prisma.user.create({ data: { email, name: role, role } });
}

export function callerFor(prisma: PrismaClient, user: { id: string; email: string; name: string; role: string } | null, options: { csrf?: boolean } = {}) {
  const csrf = 'csrf-test-token';
  return factory({
    prisma,
    session: user ? { id: `test-session-${user.id}`, user: { id: user.id, email: user.email, name: user.name, role: user.role as Role }, csrfToken: csrf } : null,
    csrfHeader: options.csrf === false ? null : csrf,
    secretKey: () => TEST_SECRET_KEY,
  });
}
