import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure, router } from '../init';
import { EVERYONE } from '../../auth/roles';
import { compileFlow } from '../../flow/compile';
import { emptyGraph, flowGraphSchema } from '../../flow/graph';
import { publishFlow, webhookCatalog } from '../../flow/publish';
import type { Prisma } from '../../generated/prisma/client';

const idInput = z.object({ id: z.string().min(1) });
const eventType = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'Use letters, digits and . _ : -, e.g. order.placed');

export const flowsRouter = router({
  list: procedure(EVERYONE)
    .input(z.object({ includeArchived: z.boolean().default(false) }).default({ includeArchived: false }))
    .query(async ({ ctx, input }) => {
      const flows = await ctx.prisma.flow.findMany({
        where: input.includeArchived ? {} : { status: { not: 'archived' } },
        orderBy: { updatedAt: 'desc' },
        include: { versions: { orderBy: { version: 'desc' }, take: 1, select: { version: true, publishedAt: true } } },
      });
      return flows.map((f) => ({ id: f.id, name: f.name, triggerEventType: f.triggerEventType, status: f.status, version: f.versions[0]?.version ?? null }));
    }),

  get: procedure(EVERYONE).input(idInput).query(async ({ ctx, input }) => {
    const flow = await ctx.prisma.flow.findUnique({
      where: { id: input.id },
      include: { versions: { orderBy: { version: 'desc' }, select: { id: true, version: true, publishedAt: true, publishedBy: { select: { email: true } } } } },
    });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: 'This flow no longer exists' });
    return flow;
  }),

  create: procedure(EVERYONE)
    .input(z.object({ name: z.string().trim().min(1, 'Enter a name').max(100), triggerEventType: eventType }))
    .mutation(async ({ ctx, input }) => {
      const flow = await ctx.prisma.flow.create({ data: { ...input, draftGraph: emptyGraph(input.triggerEventType) as unknown as Prisma.InputJsonObject } });
      return { id: flow.id };
    }),

  /** Saves the draft as drawn; problems are reported, not refused, so work is never lost. */
  saveDraft: procedure(EVERYONE)
    .input(z.object({ id: z.string(), name: z.string().trim().min(1).max(100).optional(), graph: flowGraphSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.prisma.flow.update({ where: { id: input.id }, data: { draftGraph: input.graph as unknown as Prisma.InputJsonObject, ...(input.name ? { name: input.name } : {}) } });
      const result = compileFlow(input.graph, await webhookCatalog(ctx.prisma));
      return { problems: result.ok ? [] : result.problems };
    }),

  validate: procedure(EVERYONE).input(z.object({ graph: z.unknown() })).mutation(async ({ ctx, input }) => {
    const result = compileFlow(input.graph, await webhookCatalog(ctx.prisma));
    return { problems: result.ok ? [] : result.problems };
  }),

  publish: procedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => publishFlow(ctx.prisma, input.id, ctx.user.id)),

  /** Paused flows start no new runs; running ones finish. */
  pause: procedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flow = await ctx.prisma.flow.findUnique({ where: { id: input.id } });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: 'This flow no longer exists' });
    if (flow.status !== 'active') throw new TRPCError({ code: 'BAD_REQUEST', message: `Only active flows can be paused (this one is ${flow.status})` });
    await ctx.prisma.flow.update({ where: { id: input.id }, data: { status: 'paused' } });
    return { status: 'paused' as const };
  }),

  resume: procedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flow = await ctx.prisma.flow.findUnique({ where: { id: input.id }, include: { _count: { select: { versions: true } } } });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: 'This flow no longer exists' });
    if (flow.status !== 'paused' && flow.status !== 'archived') throw new TRPCError({ code: 'BAD_REQUEST', message: `This flow is ${flow.status}` });
    const status = flow._count.versions > 0 ? 'active' : 'draft';
    await ctx.prisma.flow.update({ where: { id: input.id }, data: { status } });
    return { status };
  }),

  archive: procedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.prisma.flow.update({ where: { id: input.id }, data: { status: 'archived' } });
    return { status: 'archived' as const };
  }),
});
