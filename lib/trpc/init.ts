/**
 * tRPC setup: the request context, the error shape the forms read, and the base procedures.
 * Routers live in ./routers, one zod schema per procedure beside each.
 */
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { db, type PrismaClient } from '../db';

export interface TrpcContext {
  prisma: PrismaClient;
}

export async function createTrpcContext(): Promise<TrpcContext> {
  return { prisma: db() };
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field-level messages for forms: { "rootUrl": ["Enter an absolute URL…"] }
        fieldErrors: cause instanceof z.ZodError ? z.flattenError(cause).fieldErrors : null,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
