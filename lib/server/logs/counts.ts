/**
 * The canvas counts of a published flow: per step, the finished runs that entered it, succeeded and failed,
 * and per branch output the runs that took it, over the last 24 h, 7 d or 30 d. Read from StepCount, which
 * each run adds to in the write that marks it finished (lib/server/runs/attempts.ts), by the hour: the
 * range is whole hours, the current one included.
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../db';
import { hourOf } from '../runs/attempts';
import { COUNT_RANGE_HOURS, type CountRange, type StepCounts } from '../../domain/logs/counts';

export async function stepCounts(prisma: PrismaClient, flowId: string, range: CountRange, now = Date.now()): Promise<StepCounts> {
  const first = hourOf(now) - COUNT_RANGE_HOURS[range] + 1;
  const rows = await prisma.$queryRaw<{ nodeId: string; output: string; entered: unknown; succeeded: unknown; failed: unknown }[]>(Prisma.sql`
    SELECT "nodeId", "output", SUM("entered") AS "entered", SUM("succeeded") AS "succeeded", SUM("failed") AS "failed"
    FROM "StepCount" WHERE "flowId" = ${flowId} AND "hour" >= ${first} GROUP BY "nodeId", "output"`);
  const counts: StepCounts = { since: new Date(first * 3_600_000).toISOString(), runs: { entered: 0, succeeded: 0, failed: 0 }, steps: {} };
  for (const row of rows) {
    const entered = Number(row.entered);
    if (row.nodeId === '') {
      counts.runs = { entered, succeeded: Number(row.succeeded), failed: Number(row.failed) };
      continue;
    }
    const step = (counts.steps[row.nodeId] ??= { entered: 0, succeeded: 0, failed: 0, outputs: {} });
    if (row.output === '') Object.assign(step, { entered, succeeded: Number(row.succeeded), failed: Number(row.failed) });
    else step.outputs[row.output] = entered;
  }
  return counts;
}
