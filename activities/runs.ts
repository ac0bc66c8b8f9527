import type { PrismaClient } from '../lib/server/db';
import { recordRunStatus as writeRunStatus, type RunStatus } from '../lib/server/runs/attempts';

/** Mirrors a run's state into the Run table; Temporal stays the source of truth. */
export function createRecordRunStatus(deps: { prisma: PrismaClient }) {
  return async function recordRunStatus(input: { runId: string; status: RunStatus }): Promise<void> {
    await writeRunStatus(deps.prisma, input.runId, input.status);
  };
}
