import type { PrismaClient } from '../lib/server/db';

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed';

/** Mirrors a run's state into the Run table; Temporal stays the source of truth. */
export function createRecordRunStatus(deps: { prisma: PrismaClient }) {
  return async function recordRunStatus(input: { runId: string; status: RunStatus }): Promise<void> {
    await runStatusUpdate(deps.prisma, input.runId, input.status);
  };
}

/** The write that marks a run completed, for the last webhook step to make with its attempt row. */
export function completeRun(prisma: PrismaClient, runId: string) {
  return runStatusUpdate(prisma, runId, 'completed');
}

function runStatusUpdate(prisma: PrismaClient, runId: string, status: RunStatus) {
  const finished = status === 'completed' || status === 'failed';
  return prisma.run.updateMany({ where: { id: runId }, data: { status, ...(finished ? { finishedAt: new Date() } : {}) } });
}
