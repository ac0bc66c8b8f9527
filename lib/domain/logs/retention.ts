/** The log-retention workflow's contract: shared by the workflow, its activities and the schedule that starts it. */
export const LOG_RETENTION_WORKFLOW = 'logRetention';
export const LOG_RETENTION_SCHEDULE_ID = 'hookflow-log-retention';

export interface LogRetentionInput {
  /** attempts older than this many days are deleted */
  retentionDays: number;
  /** rows deleted per activity call */
  batchSize?: number;
}

export interface LogRetentionResult {
  /** the cutoff: attempts started before it were deleted */
  before: string;
  deleted: number;
}

export const RETENTION_BATCH_SIZE = 5_000;
/** The canvas counts reach back 30 days: they are kept at least that long whatever the log's retention. */
export const STEP_COUNT_MIN_DAYS = 31;
