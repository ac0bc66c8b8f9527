import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { auditedProcedure, notFound, procedure, router } from '../init';
import { EVERYONE } from '../../../domain/access/roles';
import { compileFlow } from '../../../domain/flow/compile';
import { flowGraphSchema, type FlowGraph } from '../../../domain/flow/graph';
import { publishDraft, webhookCatalog } from '../../flows/publish';
import { webhookInfo } from '../../../domain/flow/webhook-catalog';
import { eventTypeSchema, MAX_EVENT_BYTES } from '../../../domain/events/schema';
import { startTestRun, TestRunRefused } from '../../runs/test-run';
import { appIngestDeps } from '../../events/deps';
import { temporalRunsUrl, temporalWorkflowUrl } from '../../config';
import { runQueries } from '../../../domain/flow/run-queries';
import type { Prisma } from '../../../generated/prisma/client';

const idInput = z.object({ id: z.string().min(1) });
const name = z.string().trim().min(1, 'Enter a name').max(100);

/**
 * The draft as drawn. Its steps' settings may be half done (a cleared field, a webhook not chosen yet):
 * saving keeps them and validation reports them, so autosave never loses work. Shape and size are checked.
 */
const draftGraphSchema = z
  .object({
    nodes: z
      .array(
        z.object({
          id: z.string().min(1).max(100),
          type: z.enum(['trigger', 'webhook', 'branch', 'wait', 'end']),
          position: z.object({ x: z.number(), y: z.number() }),
          data: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .max(500),
    edges: flowGraphSchema.shape.edges,
  })
  .refine((graph) => Buffer.byteLength(JSON.stringify(graph)) <= 2 * 1024 * 1024, { message: 'The flow is larger than 2 MB' });
const DAY_MS = 24 * 60 * 60 * 1000;

/** A flow with its latest version, as the lists show it (the overview and the flows page). */
export const latestVersion = { versions: { orderBy: { version: 'desc' as const }, take: 1, select: { version: true, publishedAt: true } } };

export function flowRow(flow: { id: string; name: string; triggerEventType: string; status: string; versions: { version: number; publishedAt: Date }[] }) {
  return {
    id: flow.id,
    name: flow.name,
    triggerEventType: flow.triggerEventType,
    status: flow.status,
    version: flow.versions[0]?.version ?? null,
    publishedAt: flow.versions[0]?.publishedAt ?? null,
  };
}

async function findFlow(prisma: Prisma.TransactionClient, id: string) {
  const flow = await prisma.flow.findUnique({ where: { id } });
  if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: 'This flow no longer exists' });
  return flow;
}


export const flowsRouter = router({
  list: procedure(EVERYONE)
    .input(z.object({ includeArchived: z.boolean().default(false) }).default({ includeArchived: false }))
    .query(async ({ ctx, input }) => {
      const flows = await ctx.prisma.flow.findMany({
        where: input.includeArchived ? {} : { status: { not: 'archived' } },
        orderBy: { updatedAt: 'desc' },
        include: latestVersion,
      });
      const counts = await ctx.prisma.run.groupBy({
        by: ['flowId', 'status'],
        // Test runs are not customer runs: they never count.
        where: { flowId: { in: flows.map((f) => f.id) }, testMode: null, createdAt: { gte: new Date(Date.now() - DAY_MS) } },
        _count: { _all: true },
      });
      const runs24h = (flowId: string) =>
        Object.fromEntries(counts.filter((c) => c.flowId === flowId).map((c) => [c.status, c._count._all])) as Partial<Record<'pending' | 'running' | 'completed' | 'failed', number>>;
      return flows.map((f) => ({ ...flowRow(f), updatedAt: f.updatedAt, runs24h: runs24h(f.id) }));
    }),

  /** Event types seen so far and those flows already start on, for the trigger picker. */
  eventTypes: procedure(EVERYONE).query(async ({ ctx }) => {
    // groupBy is a SQL GROUP BY; findMany's `distinct` would read every event row.
    const [events, flows] = await Promise.all([
      ctx.prisma.event.groupBy({ by: ['type'], orderBy: { type: 'asc' }, take: 200 }),
      ctx.prisma.flow.groupBy({ by: ['triggerEventType'] }),
    ]);
    return [...new Set([...events.map((e) => e.type), ...flows.map((f) => f.triggerEventType)])].sort();
  }),

  /** What the canvas needs to validate live and to describe webhook steps (no secrets in here). */
  catalog: procedure(EVERYONE).query(async ({ ctx }) => {
    const rows = await ctx.prisma.webhook.findMany({ orderBy: { name: 'asc' }, include: { integration: { select: { name: true } } } });
    return rows.map((row) => ({
      ...webhookInfo(row),
      method: row.method,
      integrationName: row.integration.name,
      capturedFields: row.captureEnabled ? ((row.captureFields as { name: string }[]) ?? []).map((f) => f.name) : [],
    }));
  }),

  get: procedure(EVERYONE).input(idInput).query(async ({ ctx, input }) => {
    const flow = await ctx.prisma.flow.findUnique({
      where: { id: input.id },
      include: { versions: { orderBy: { version: 'desc' }, select: { id: true, version: true, publishedAt: true, publishedBy: { select: { email: true } } } } },
    });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: 'This flow no longer exists' });
    return flow;
  }),

  create: auditedProcedure(EVERYONE)
    .input(z.object({ name, triggerEventType: eventTypeSchema }))
    .mutation(async ({ ctx, input }) => {
      // The event it starts on is its trigger: the canvas opens with it, ready for the next step.
      const draftGraph = { nodes: [{ id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: input.triggerEventType } }], edges: [] };
      const flow = await ctx.tx.flow.create({ data: { ...input, draftGraph } });
      await ctx.audit({ action: 'flow.create', entityType: 'flow', entityId: flow.id, entityName: flow.name, details: { triggerEventType: flow.triggerEventType } });
      return { id: flow.id };
    }),

  rename: auditedProcedure(EVERYONE)
    .input(z.object({ id: z.string(), name }))
    .mutation(async ({ ctx, input }) => {
      const flow = await findFlow(ctx.tx, input.id);
      await ctx.tx.flow.update({ where: { id: input.id }, data: { name: input.name } });
      await ctx.audit({ action: 'flow.rename', entityType: 'flow', entityId: flow.id, entityName: input.name, details: { fields: { name: { from: flow.name, to: input.name } } } });
      return { ok: true as const };
    }),

  /** A new draft with the same graph; it has no versions and starts nothing until published. */
  duplicate: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flow = await findFlow(ctx.tx, input.id);
    const copy = await ctx.tx.flow.create({
      data: { name: `Copy of ${flow.name}`.slice(0, 100), triggerEventType: flow.triggerEventType, draftGraph: flow.draftGraph as Prisma.InputJsonObject },
    });
    await ctx.audit({ action: 'flow.duplicate', entityType: 'flow', entityId: copy.id, entityName: copy.name, details: { copiedFrom: flow.name } });
    return { id: copy.id };
  }),

  /** One published version's graph, for the read-only view and "restore as draft". */
  version: procedure(EVERYONE)
    .input(z.object({ id: z.string(), version: z.number().int().positive() }))
    .query(async ({ ctx, input }) => {
      const version = await ctx.prisma.flowVersion.findUnique({
        where: { flowId_version: { flowId: input.id, version: input.version } },
        include: { publishedBy: { select: { email: true } } },
      });
      if (!version) throw new TRPCError({ code: 'NOT_FOUND', message: `Version ${input.version} of this flow does not exist` });
      return { version: version.version, publishedAt: version.publishedAt, publishedBy: version.publishedBy?.email ?? null, graph: version.graph as unknown as FlowGraph };
    }),

  /** The flow's runs in the Temporal UI: all, failed, and per published version. */
  temporalLinks: procedure(EVERYONE).input(idInput).query(async ({ ctx, input }) => {
    const versions = await ctx.prisma.flowVersion.findMany({ where: { flowId: input.id }, select: { version: true } });
    return {
      all: temporalRunsUrl(runQueries.flow(input.id)),
      failed: temporalRunsUrl(runQueries.failed(input.id)),
      byVersion: Object.fromEntries(versions.map((v) => [v.version, temporalRunsUrl(runQueries.version(input.id, v.version))])),
    };
  }),

  /** Recent runs of this flow, newest first. */
  runs: procedure(EVERYONE).input(idInput).query(async ({ ctx, input }) => {
    const runs = await ctx.prisma.run.findMany({
      where: { flowId: input.id },
      orderBy: { createdAt: 'desc' },
      take: 25,
      include: { flowVersion: { select: { version: true } }, customer: { select: { externalId: true } } },
    });
    return runs.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.createdAt,
      /** null: a test run of the draft */
      version: r.flowVersion?.version ?? null,
      testMode: r.testMode as 'live' | 'dry' | null,
      customerId: r.customer.externalId,
      eventId: r.eventId,
      temporalUrl: temporalWorkflowUrl(r.workflowId),
    }));
  }),

  /**
   * Test runs of this flow only (the draft as drawn, or the published version), for a sample customer and
   * event: live (really sends) or dry (renders every request, sends nothing, answers each webhook step with
   * the sample response given). Marked as tests; they never count as customer runs.
   */
  testRun: procedure(EVERYONE)
    .input(
      z
        .object({
          id: z.string(),
          source: z.enum(['draft', 'published']),
          mode: z.enum(['live', 'dry']),
          customerId: z.string().trim().min(1, 'Enter a customer id').max(200, 'A customer id has at most 200 characters'),
          attributes: z.record(z.string(), z.unknown()),
          data: z.record(z.string(), z.unknown()),
          responses: z.record(z.string(), z.object({ status: z.number().int().min(100, 'A status is between 100 and 599').max(599, 'A status is between 100 and 599'), body: z.unknown() })).default({}),
          skipWaits: z.boolean().default(true),
        })
        .refine((input) => Buffer.byteLength(JSON.stringify(input)) <= MAX_EVENT_BYTES * 2, { message: `A test must be at most ${(MAX_EVENT_BYTES * 2) / 1024} KB` }),
    )
    .mutation(async ({ ctx, input }) => {
      await findFlow(ctx.prisma, input.id);
      try {
        const { id, ...rest } = input;
        return await startTestRun(appIngestDeps(ctx.prisma), { flowId: id, ...rest });
      } catch (error) {
        if (error instanceof TestRunRefused) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message });
        throw error;
      }
    }),

  /** Recent real events of this flow's trigger type, to pick a test sample from (customer attributes included). */
  recentEvents: procedure(EVERYONE).input(z.object({ eventType: z.string().max(200) })).query(async ({ ctx, input }) => {
    const events = await ctx.prisma.event.findMany({
      where: { type: input.eventType, NOT: { id: { startsWith: 'test-' } } },
      orderBy: { receivedAt: 'desc' },
      take: 10,
      include: { customer: { select: { externalId: true, attributes: true } } },
    });
    return events.map((e) => ({ id: e.id, receivedAt: e.receivedAt, customerId: e.customer.externalId, attributes: e.customer.attributes as Record<string, unknown>, data: e.data as Record<string, unknown> }));
  }),

  /** Saves the draft as drawn; problems are reported, not refused, so work is never lost. */
  saveDraft: auditedProcedure(EVERYONE)
    .input(
      z.object({
        id: z.string(),
        name: name.optional(),
        graph: draftGraphSchema,
        /** the canvas validates live in the browser and autosaves often: it asks for no second validation */
        validate: z.boolean().default(true),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const flow = await ctx.tx.flow
        .update({ where: { id: input.id }, data: { draftGraph: input.graph as unknown as Prisma.InputJsonObject, ...(input.name ? { name: input.name } : {}) } })
        .catch(notFound('This flow no longer exists'));
      await ctx.audit({ action: 'flow.draft', entityType: 'flow', entityId: flow.id, entityName: flow.name, details: { nodes: input.graph.nodes.length, edges: input.graph.edges.length } });
      if (!input.validate) return { problems: undefined };
      const result = compileFlow(input.graph, await webhookCatalog(ctx.tx));
      return { problems: result.ok ? [] : result.problems };
    }),

  validate: procedure(EVERYONE).input(z.object({ graph: z.unknown() })).mutation(async ({ ctx, input }) => {
    const result = compileFlow(input.graph, await webhookCatalog(ctx.prisma));
    return { problems: result.ok ? [] : result.problems };
  }),

  publish: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const result = await publishDraft(ctx.tx, input.id, ctx.user.id);
    if (result.ok) {
      const flow = await ctx.tx.flow.findUniqueOrThrow({ where: { id: input.id }, select: { name: true } });
      await ctx.audit({ action: 'flow.publish', entityType: 'flow', entityId: input.id, entityName: flow.name, details: { version: result.version } });
    }
    return result;
  }),

  /** Paused flows start no new runs; running ones finish. */
  pause: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flow = await findFlow(ctx.tx, input.id);
    if (flow.status !== 'active') throw new TRPCError({ code: 'BAD_REQUEST', message: `Only active flows can be paused (this one is ${flow.status})` });
    await ctx.tx.flow.update({ where: { id: input.id }, data: { status: 'paused' } });
    await ctx.audit({ action: 'flow.pause', entityType: 'flow', entityId: flow.id, entityName: flow.name });
    return { status: 'paused' as const };
  }),

  resume: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flow = await ctx.tx.flow.findUnique({ where: { id: input.id }, include: { _count: { select: { versions: true } } } });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: 'This flow no longer exists' });
    if (flow.status !== 'paused' && flow.status !== 'archived') throw new TRPCError({ code: 'BAD_REQUEST', message: `This flow is ${flow.status}` });
    const status = flow._count.versions > 0 ? 'active' : 'draft';
    await ctx.tx.flow.update({ where: { id: input.id }, data: { status } });
    await ctx.audit({ action: 'flow.resume', entityType: 'flow', entityId: flow.id, entityName: flow.name, details: { status: { from: flow.status, to: status } } });
    return { status };
  }),

  archive: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flow = await ctx.tx.flow.update({ where: { id: input.id }, data: { status: 'archived' } }).catch(notFound('This flow no longer exists'));
    await ctx.audit({ action: 'flow.archive', entityType: 'flow', entityId: flow.id, entityName: flow.name });
    return { status: 'archived' as const };
  }),
});
