import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { FlowGraph } from '../../../domain/flow/graph';
import { procedure, router } from '../init';
import { EVERYONE } from '../../../domain/access/roles';
import { temporalRunsUrl, temporalWorkflowUrl } from '../../config';
import { runQueries } from '../../../domain/flow/run-queries';
import { temporalClient } from '../../temporal/connection';
import { runPath } from '../../runs/read';
import type { RunTrace } from '../../../domain/flow/trace';
import type { PrismaClient } from '../../db';

/** What each step of a version is called: its kind, and for webhooks the webhook's name and system name. */
async function stepNames(prisma: PrismaClient, graph: FlowGraph): Promise<Record<string, { kind: string; name: string; outputs: Record<string, string> }>> {
  const ids = graph.nodes.flatMap((n) => (n.type === 'webhook' ? [n.data.webhookId] : []));
  const webhooks = new Map((await prisma.webhook.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, systemName: true } })).map((w) => [w.id, w]));
  const steps: Record<string, { kind: string; name: string; outputs: Record<string, string> }> = {};
  for (const node of graph.nodes) {
    let name: string = node.type;
    let outputs: Record<string, string> = {};
    if (node.type === 'webhook') {
      const webhook = webhooks.get(node.data.webhookId);
      name = webhook ? `${webhook.name} (${webhook.systemName})` : 'a deleted webhook';
    } else if (node.type === 'trigger') name = `on ${node.data.eventType}`;
    else if (node.type === 'branch') outputs = { ...Object.fromEntries(node.data.branches.map((b) => [b.id, b.label || b.id])), else: 'Else' };
    else if (node.type === 'wait') name = node.data.mode === 'until' ? `until ${node.data.time} ${node.data.timeZone}` : `${node.data.seconds} s`;
    steps[node.id] = { kind: node.type, name, outputs };
  }
  return steps;
}

export const runsRouter = router({
  /** One run: its flow, event, customer, and the steps it took by name (its requests are in logs.list). */
  get: procedure(EVERYONE).input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
    const run = await ctx.prisma.run.findUnique({
      where: { id: input.id },
      include: { flow: { select: { name: true } }, flowVersion: { select: { version: true, graph: true } }, event: true, customer: true },
    });
    if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: 'This run no longer exists' });
    const { flowVersion, trace, ...rest } = run;
    return {
      ...rest,
      flowVersion: flowVersion ? { version: flowVersion.version } : null,
      trace: trace as RunTrace | null,
      // A test run of the draft has no version: it ran the graph it keeps.
      steps: await stepNames(ctx.prisma, (flowVersion?.graph ?? run.testGraph ?? { nodes: [], edges: [] }) as unknown as FlowGraph),
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
    const { path, outputs, live } = await runPath(temporalClient, run.workflowId, run.status, run.attempts.flatMap((a) => (a.nodeId ? [a.nodeId] : [])));
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
