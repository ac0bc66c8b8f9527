/** Reading one run: where it is (asked of the workflow) and what its webhook steps did (the attempt log). */
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import type { Plan } from '../../domain/flow/plan';
import { progressQuery } from '../../domain/flow/run';
import type { GetRunOutput } from '../../domain/nexus/schemas';

/** Asks the workflow where it is; old runs (or Temporal down) fall back to the steps that logged attempts. */
export async function runPath(
  client: () => Promise<Client>,
  workflowId: string,
  status: string,
  attemptNodes: string[],
): Promise<{ path: string[]; outputs: Record<string, string>; live: boolean }> {
  if (status !== 'pending') {
    try {
      const temporal = await client();
      const progress = await Promise.race([
        temporal.workflow.getHandle(workflowId).query(progressQuery),
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

/** A run by its workflow id (the Nexus getRun operation); null when there is none. No secrets: the log is masked. */
export async function readRun(deps: { prisma: PrismaClient; client: () => Promise<Client> }, workflowId: string): Promise<GetRunOutput | null> {
  const run = await deps.prisma.run.findUnique({
    where: { workflowId },
    include: {
      flow: { select: { name: true } },
      flowVersion: { select: { version: true, plan: true } },
      customer: { select: { externalId: true } },
      attempts: { orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }], select: { nodeId: true, responseStatus: true, errorClass: true, errorMessage: true } },
    },
  });
  // Draft test runs (no published version) are the editor's own; getRun answers for published flows only.
  if (!run || !run.flowVersion) return null;
  const flowVersion = run.flowVersion;
  const plan = flowVersion.plan as unknown as Plan;
  const webhooks: GetRunOutput['webhooks'] = {};
  for (const attempt of run.attempts) {
    const node = attempt.nodeId ? plan.nodes[attempt.nodeId] : undefined;
    if (!node || node.kind !== 'webhook') continue;
    const ok = attempt.errorClass === null;
    webhooks[node.systemName] = {
      ok,
      status: attempt.responseStatus,
      attempts: (webhooks[node.systemName]?.attempts ?? 0) + 1,
      ...(ok ? {} : { error: attempt.errorMessage ?? attempt.errorClass ?? 'failed' }),
    };
  }
  const { path } = await runPath(deps.client, run.workflowId, run.status, run.attempts.flatMap((a) => (a.nodeId ? [a.nodeId] : [])));
  return {
    workflowId: run.workflowId,
    runId: run.id,
    flow: { id: run.flowId, name: run.flow.name, version: flowVersion.version },
    customerId: run.customer.externalId,
    eventId: run.eventId,
    status: run.status as GetRunOutput['status'],
    path,
    webhooks,
  };
}
