import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { FlowGraph } from '../../../domain/flow/graph';
import { procedure, router } from '../init';
import { EVERYONE } from '../../../domain/access/roles';
import { temporalRunsUrl, temporalWorkflowUrl } from '../../config';
import { runQueries } from '../../../domain/flow/run-queries';
import { temporalClient } from '../../temporal/connection';
import { progressQuery } from '../../../domain/flow/run';

/** Asks the workflow where it is; old runs (or Temporal down) fall back to the steps that logged attempts. */
async function runPath(workflowId: string, status: string, attemptNodes: string[]): Promise<{ path: string[]; outputs: Record<string, string>; live: boolean }> {
  if (status !== 'pending') {
    try {
      const client = await temporalClient();
      const progress = await Promise.race([
        client.workflow.getHandle(workflowId).query(progressQuery),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('query timed out')), 3_000).unref()),
      ]);
      // Runs started before the query reported outputs have none.
      return { path: progress.path, outputs: progress.outputs ?? {}, live: true };
    } catch {
      // below
    }
  }
  return { path: [...new Set(attemptNodes)], outputs: {}, live: false };
}

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
        attempts: { orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }], select: { nodeId: true, attempt: true, responseStatus: true, errorClass: true, errorMessage: true, dryRun: true } },
      },
    });
    if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: 'This run no longer exists' });
    const { path, outputs, live } = await runPath(run.workflowId, run.status, run.attempts.flatMap((a) => (a.nodeId ? [a.nodeId] : [])));
    const attempts: Record<string, { count: number; lastStatus: number | null; lastError: string | null; dryRun: boolean }> = {};
    for (const a of run.attempts) {
      if (!a.nodeId) continue;
      attempts[a.nodeId] = { count: (attempts[a.nodeId]?.count ?? 0) + 1, lastStatus: a.responseStatus, lastError: a.errorMessage ?? a.errorClass ?? null, dryRun: a.dryRun };
    }
    return {
      id: run.id,
      status: run.status,
      /** null: a test run of the draft, whose graph is the draft as it ran */
      version: run.flowVersion?.version ?? null,
      testMode: run.testMode as 'live' | 'dry' | null,
      graph: (run.flowVersion?.graph ?? run.testGraph) as unknown as FlowGraph,
      path,
      outputs,
      live,
      attempts,
      temporalUrl: temporalWorkflowUrl(run.workflowId),
    };
  }),
});
