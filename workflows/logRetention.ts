/**
 * The daily log cleanup, started by the Temporal Schedule `hookflow-log-retention` (lib/server/logs/retention.ts):
 * deletes attempts older than the retention in batches, one activity call per batch, and the canvas counts
 * older than the longer of the retention and 31 days. Deterministic: the cutoff is Temporal's workflow time.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { RETENTION_BATCH_SIZE, STEP_COUNT_MIN_DAYS, type LogRetentionInput, type LogRetentionResult } from '../lib/domain/logs/retention';

const { deleteAttemptsBefore, deleteStepCountsBefore } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds' },
});

const DAY_MS = 24 * 60 * 60 * 1000;
/** Batches per workflow run before it continues as new, to keep its history short. */
const BATCHES_PER_RUN = 500;

export async function logRetention(input: LogRetentionInput & { before?: string; deletedSoFar?: number }): Promise<LogRetentionResult> {
  const batchSize = input.batchSize ?? RETENTION_BATCH_SIZE;
  // Date.now() in a workflow is Temporal's deterministic workflow-task time.
  const before = input.before ?? new Date(Date.now() - input.retentionDays * DAY_MS).toISOString();
  let deleted = input.deletedSoFar ?? 0;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    const removed = await deleteAttemptsBefore.executeWithOptions({ summary: `Delete up to ${batchSize} attempts started before ${before}` }, [{ before, batchSize }]);
    deleted += removed;
    if (removed < batchSize) {
      const countsBefore = Date.parse(before) - Math.max(0, STEP_COUNT_MIN_DAYS - input.retentionDays) * DAY_MS;
      const countsCutoff = new Date(countsBefore).toISOString();
      await deleteStepCountsBefore.executeWithOptions({ summary: `Delete canvas counts before ${countsCutoff}` }, [{ before: countsCutoff }]);
      return { before, deleted };
    }
  }
  return continueAsNew<typeof logRetention>({ ...input, before, deletedSoFar: deleted });
}
