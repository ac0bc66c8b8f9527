/**
 * tRPC setup: the request context (database, session), the error shape forms read, and the procedure
 * builders. Every procedure declares who may call it (`meta.roles`); the gate checks the session, the
 * role and, for mutations, the CSRF token, on the server, before any handler runs.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { db, type PrismaClient } from '../db';
import type { Prisma } from '../../generated/prisma/client';
import { csrfMatches, CSRF_HEADER, parseCookies, readSession, SESSION_COOKIE, type Session, type SessionUser } from '../auth/session';
import type { Role } from '../../domain/access/roles';
import { secretKey } from '../keys';
import { recordAudit, userActor, type AuditEntry } from '../audit';

export interface TrpcContext {
  prisma: PrismaClient;
  session: Session | null;
  /** the x-csrf-token header of this request */
  csrfHeader: string | null;
  secretKey: () => Buffer;
}

export async function createTrpcContext({ req }: { req: Request }): Promise<TrpcContext> {
  const prisma = db();
  const session = await readSession(prisma, parseCookies(req.headers.get('cookie'))[SESSION_COOKIE]);
  return { prisma, session, csrfHeader: req.headers.get(CSRF_HEADER), secretKey };
}

interface ProcedureMeta {
  /** who may call it; "public" for the few calls made before signing in */
  roles: readonly Role[] | 'public';
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const fieldErrors =
        cause instanceof z.ZodError
          ? z.flattenError(cause).fieldErrors
          : cause instanceof FieldErrors
            ? cause.fieldErrors
            : null;
      return { ...shape, data: { ...shape.data, fieldErrors } };
    },
  });

/** Thrown (as a BAD_REQUEST cause) to put messages next to form fields: `{ "headers.0.value": ["…"] }`. */
class FieldErrors extends Error {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super(Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join('; ')}`).join('\n'));
  }
}

export function badRequest(fieldErrors: Record<string, string[]>): TRPCError {
  const cause = new FieldErrors(fieldErrors);
  return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
}

const openGate = t.middleware(({ ctx, meta, next }) => {
  if (meta?.roles !== 'public') throw new TRPCError({ code: 'FORBIDDEN', message: 'Not a public procedure' });
  return next({ ctx: { ...ctx, user: ctx.session?.user ?? null } });
});

const gate = t.middleware(({ ctx, meta, type, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  if (type === 'mutation' && !csrfMatches(ctx.session.csrfToken, ctx.csrfHeader)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Security token missing or out of date; reload the page and try again' });
  }
  const roles = meta?.roles ?? [];
  if (!roles.includes(ctx.session.user.role)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${ctx.session.user.role}) cannot do this; ask an admin` });
  }
  return next({ ctx: { ...ctx, user: ctx.session.user as SessionUser } });
});

/** For `.catch` on a Prisma write by id: a row that is gone (P2025) becomes a NOT_FOUND with this message. */
export function notFound(message: string) {
  return (error: unknown): never => {
    if ((error as { code?: string }).code === 'P2025') throw new TRPCError({ code: 'NOT_FOUND', message });
    throw error;
  };
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** For the few calls made before signing in (accepting an invite, first-run setup). */
export const publicProcedure = t.procedure.meta({ roles: 'public' }).use(openGate);

/** A procedure only these roles may call. */
export function procedure(roles: readonly Role[]) {
  return t.procedure.meta({ roles }).use(gate);
}

/** Thrown inside the transaction to roll it back when the handler failed; never leaves the middleware. */
const ROLLBACK = Symbol('rollback');

/**
 * A mutation whose writes and the audit rows describing them commit together: the handler writes through
 * `ctx.tx` and calls `ctx.audit(entry)`; if it throws, neither the change nor its row is kept. Keep slow work
 * (HTTP, Temporal) out of these: the transaction holds the database's write lock until the handler returns.
 */
export function auditedProcedure(roles: readonly Role[]) {
  return procedure(roles).use(async ({ ctx, next }) => {
    const actor = userActor(ctx.user);
    const handle = (tx: Prisma.TransactionClient) => next({ ctx: { tx, audit: (entry: AuditEntry) => recordAudit(tx, actor, entry) } });
    let result: Awaited<ReturnType<typeof handle>> | undefined;
    try {
      await ctx.prisma.$transaction(
        async (tx) => {
          result = await handle(tx);
          if (!result.ok) throw ROLLBACK;
        },
        { timeout: 30_000, maxWait: 10_000 },
      );
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    return result!;
  });
}
