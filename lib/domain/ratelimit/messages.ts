/**
 * The contract of the `rateLimiter` workflow: its input, the `acquire` update, the `release` signal and
 * the `status` query. Shared by the workflow and the slot client that talks to it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AcquireInput, LimiterState, LimiterStatus, SlotGrant } from './gcra';

export const RATE_LIMITER_WORKFLOW = 'rateLimiter';
export const acquireUpdate = defineUpdate<SlotGrant[], [AcquireInput]>('acquire');
export const releaseSignal = defineSignal<[{ slots: number[] }]>('release');
export const statusQuery = defineQuery<LimiterStatus & { ratePerSecond: number | null; updatesThisRun: number }>('status');

export interface RateLimiterInput {
  state?: LimiterState;
  ratePerSecond?: number | null;
  /** continue-as-new after this many updates (Temporal allows 2,000 per run) */
  maxUpdatesPerRun?: number;
  /** end after this long without requests, once no granted slot is still ahead */
  idleTimeoutMs?: number;
}

/** Callers retry an update refused with this message: it reaches the next run. */
export const CONTINUING_AS_NEW = 'rate limiter is continuing as new; retry';

export const RATE_LIMITER_DEFAULTS = { maxUpdatesPerRun: 1000, idleTimeoutMs: 10 * 60_000 };
