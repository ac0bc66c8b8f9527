/**
 * Starts stored runs as Temporal workflows. A run is written to the database before anything reaches
 * Temporal, so an event is never lost while Temporal is down; the worker's dispatcher loop starts what is
 * still pending once it is back. Workflow ids (`flow/<flowId>/<eventId>`) make every start idempotent.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import type { Plan } from '../../domain/flow/plan';
import { customerContext, eventContext } from '../../domain/events/context';
import type { CustomerFlowInput } from '../../domain/flow/run';

export function workflowIdFor(flowId: string, eventId: string): string {
  return `flow/${flowId}/${eventId}`;
}

export interface DispatchDeps {
  prisma: PrismaClient;
  client: () => Promise<Client>;
  taskQueue: string;
}

/** Starts the given pending runs. Returns the ids that are now started; throws when Temporal is unreachable. */
export async function startRuns(deps: DispatchDeps, runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const runs = await deps.prisma.run.findMany({
    where: { id: { in: runIds }, status: 'pending' },
    include: { flow: true, flowVersion: true, customer: true, event: true },
  });
  if (runs.length === 0) return [];
  const client = await deps.client();
  const started: string[] = [];
  for (const run of runs) {
    const input: CustomerFlowInput = {
      runId: run.id,
      flow: { id: run.flowId, name: run.flow.name, versionId: run.flowVersionId, version: run.flowVersion.version },
      plan: run.flowVersion.plan as unknown as Plan,
      customer: customerContext(run.customer.externalId, run.customer.attributes as Record<string, unknown>),
      event: eventContext(run.event),
    };
    try {
      await client.workflow.start('customerFlow', {
        workflowId: run.workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    await deps.prisma.run.updateMany({ where: { id: run.id, status: 'pending' }, data: { status: 'running', startedAt: new Date() } });
    started.push(run.id);
  }
  return started;
}

/** Starts every pending run older than `minAgeMs`, oldest first. Used by the worker's dispatcher loop. */
export async function startPendingRuns(deps: DispatchDeps, minAgeMs = 2_000, batch = 200): Promise<number> {
  const pending = await deps.prisma.run.findMany({
    where: { status: 'pending', createdAt: { lte: new Date(Date.now() - minAgeMs) } },
    orderBy: { createdAt: 'asc' },
    take: batch,
    select: { id: true },
  });
  const started = await startRuns(deps, pending.map((r) => r.id));
  return started.length;
}

/** Runs `startPendingRuns` every `intervalMs` until the returned stop function is called. */
export function startDispatcher(deps: DispatchDeps, intervalMs: number, onError: (error: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await startPendingRuns(deps);
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
