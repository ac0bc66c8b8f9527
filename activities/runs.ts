import type { PrismaClient } from '../lib/server/db';

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed';

/** Mirrors a run's state into the Run table; Temporal stays the source of truth. */
export function createRecordRunStatus(deps: { prisma: PrismaClient }) {
  return async function recordRunStatus(input: { runId: string; status: RunStatus }): Promise<void> {
    const finished = input.status === 'completed' || input.status === 'failed';
    await deps.prisma.run.updateMany({
      where: { id: input.runId },
      data: { status: input.status, ...(finished ? { finishedAt: new Date() } : {}) },
    });
  };
}
