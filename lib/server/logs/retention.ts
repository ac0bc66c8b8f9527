/**
 * Log retention (HOOKFLOW_LOG_RETENTION_DAYS): a Temporal Schedule starts the `logRetention` workflow once a
 * day, so the cleanup shows in the Temporal UI like every run. The worker creates the schedule when it
 * starts, or updates it to the current retention and task queue: calling this again changes nothing else.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../db';
import { sqlDb } from '../sql';
import { hourOf } from '../runs/attempts';
import { LOG_RETENTION_SCHEDULE_ID, LOG_RETENTION_WORKFLOW, type LogRetentionInput } from '../../domain/logs/retention';

/** Deletes up to `batchSize` of the oldest attempts started before `before`; returns how many. */
export function deleteAttemptsBefore(prisma: PrismaClient, before: Date, batchSize: number): Promise<number> {
  return sqlDb(prisma).execute(Prisma.sql`DELETE FROM "WebhookAttempt" WHERE "id" IN (
    SELECT "id" FROM "WebhookAttempt" WHERE "startedAt" < ${before} ORDER BY "startedAt" LIMIT ${batchSize})`);
}

/** Deletes the canvas counts of hours and days that ended before `before`. */
export function deleteStepCountsBefore(prisma: PrismaClient, before: Date): Promise<number> {
  const hour = hourOf(before);
  return sqlDb(prisma).execute(
    Prisma.sql`DELETE FROM "StepCount" WHERE ("unit" = 'h' AND "bucket" < ${hour}) OR ("unit" = 'd' AND "bucket" < ${Math.floor(hour / 24)})`,
  );
}

export async function ensureRetentionSchedule(
  client: Client,
  options: { taskQueue: string; retentionDays: number; scheduleId?: string },
): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? LOG_RETENTION_SCHEDULE_ID;
  const input: LogRetentionInput = { retentionDays: options.retentionDays };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: LOG_RETENTION_WORKFLOW,
    workflowId: `${scheduleId}-run`,
    taskQueue: options.taskQueue,
    args: [input],
    workflowExecutionTimeout: '6 hours',
    staticSummary: `Log retention: delete webhook attempts older than ${options.retentionDays} days`,
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: 3, minute: 17, comment: 'daily, 03:17 UTC' }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { description: `Deletes webhook attempts older than ${options.retentionDays} days (HOOKFLOW_LOG_RETENTION_DAYS)` },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, action }));
  return 'updated';
}
