import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { FlowGraph } from '../../../domain/flow/graph';
import { procedure, router } from '../init';
import { EVERYONE } from '../../../domain/access/roles';
import { temporalRunsUrl, temporalWorkflowUrl } from '../../config';
import { runQueries } from '../../../domain/flow/run-queries';
import { temporalClient } from '../../temporal/connection';
import { runPath } from '../../runs/read';

export const runsRouter = router({
  /** One run with every request and response it made (secrets were masked when recorded). */
  get: procedure(EVERYONE).input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
    const run = await ctx.prisma.run.findUnique({
      where: { id: input.id },
      include: { flow: { select: { name: true } }, flowVersion: { select: { version: true } }, event: true, customer: true, attempts: { orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }] } },
    });
    if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: 'This run no longer exists' });
    return {
      ...run,
      temporalUrl: temporalWorkflowUrl(run.workflowId),
      temporalLinks: { customer: temporalRunsUrl(runQueries.customer(run.customer.externalId)), event: temporalRunsUrl(runQueries.event(run.eventId)) },
    };
  }),

  /** For the canvas overlay: the steps a run reached and each webhook step's attempts. */
  progress: procedure(EVERYONE).input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
    const run = await ctx.prisma.run.findUnique({
      where: { id: input.id },
      include: {
        flowVersion: { select: { version: true, graph: true } },
        attempts: { orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }], select: { nodeId: true, attempt: true, responseStatus: true, errorClass: true, errorMessage: true } },
      },
    });
    if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: 'This run no longer exists' });
    const { path, outputs, live } = await runPath(temporalClient, run.workflowId, run.status, run.attempts.flatMap((a) => (a.nodeId ? [a.nodeId] : [])));
    const attempts: Record<string, { count: number; lastStatus: number | null; lastError: string | null }> = {};
    for (const a of run.attempts) {
      if (!a.nodeId) continue;
      attempts[a.nodeId] = { count: (attempts[a.nodeId]?.count ?? 0) + 1, lastStatus: a.responseStatus, lastError: a.errorMessage ?? a.errorClass ?? null };
    }
    return {
      id: run.id,
      status: run.status,
      version: run.flowVersion.version,
      graph: run.flowVersion.graph as unknown as FlowGraph,
      path,
      outputs,
      live,
      attempts,
      temporalUrl: temporalWorkflowUrl(run.workflowId),
    };
  }),
});
