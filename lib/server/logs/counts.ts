/**
 * The canvas counts of a published flow: per step, the finished runs that entered it, succeeded and failed,
 * and per branch output the runs that took it, over the last 24 h, 7 d or 30 d. Read from StepCount, which
 * each run adds to in the write that marks it finished (lib/server/runs/attempts.ts), by the hour and by the
 * day: the range is whole hours, the current one included, read as whole days plus the hours at its ends.
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../db';
import { hourOf } from '../runs/attempts';
import { COUNT_RANGE_HOURS, type CountRange, type StepCounts } from '../../domain/logs/counts';

/** The hourly and daily buckets that make up the hours [first, last]: whole days as days, the ends as hours. */
function buckets(first: number, last: number): Prisma.Sql {
  const firstDay = Math.ceil(first / 24);
  const lastDay = Math.floor((last + 1) / 24) - 1;
  if (firstDay > lastDay) return Prisma.sql`("unit" = 'h' AND "bucket" BETWEEN ${first} AND ${last})`;
  return Prisma.sql`(("unit" = 'd' AND "bucket" BETWEEN ${firstDay} AND ${lastDay})
    OR ("unit" = 'h' AND "bucket" BETWEEN ${first} AND ${firstDay * 24 - 1})
    OR ("unit" = 'h' AND "bucket" BETWEEN ${(lastDay + 1) * 24} AND ${last}))`;
}

export async function stepCounts(prisma: PrismaClient, flowId: string, range: CountRange, now = Date.now()): Promise<StepCounts> {
  const last = hourOf(now);
  const first = last - COUNT_RANGE_HOURS[range] + 1;
  const rows = await prisma.$queryRaw<{ nodeId: string; output: string; entered: unknown; succeeded: unknown; failed: unknown }[]>(Prisma.sql`
    SELECT "nodeId", "output", SUM("entered") AS "entered", SUM("succeeded") AS "succeeded", SUM("failed") AS "failed"
    FROM "StepCount" WHERE "flowId" = ${flowId} AND ${buckets(first, last)} GROUP BY "nodeId", "output"`);
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
