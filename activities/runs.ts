import type { PrismaClient } from '../lib/server/db';
import { recordRunStatus as writeRunStatus } from '../lib/server/runs/attempts';
import type { RecordRunStatusInput } from '../lib/domain/flow/run';
import { metrics } from '../lib/server/metrics';

/** Mirrors a run's final state and path into the Run table; Temporal stays the source of truth. */
export function createRecordRunStatus(deps: { prisma: PrismaClient }) {
  return async function recordRunStatus(input: RecordRunStatusInput): Promise<void> {
    await writeRunStatus(deps.prisma, input);
    metrics().runsFinished.inc({ flow: input.flowId ?? 'unknown', status: input.status });
  };
}
