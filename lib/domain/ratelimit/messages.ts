/**
 * The contract of the `rateLimiter` workflow: its input, the `lease` and `acquire` updates, the `release`
 * signal and the `status` query. Shared by the workflow and the slot client that talks to it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AcquireInput, LimiterState, LimiterStatus, SlotGrant } from './gcra';
import type { LeaseGrant, LeaseRequest, LeaseState } from './lease';

export const RATE_LIMITER_WORKFLOW = 'rateLimiter';
/** Revision 2 (leases) is what new limiters run; 1 (no field) granted every request through `acquire`. */
export const RATE_LIMITER_REVISION = 2;
export const leaseUpdate = defineUpdate<LeaseGrant, [LeaseRequest]>('lease');
/** the revision-1 request path, still answered by revision 2 for worker processes not yet upgraded */
export const acquireUpdate = defineUpdate<SlotGrant[], [AcquireInput]>('acquire');
/** `holder`: the lease the slots came from (revision 2); without it, slots granted by `acquire` */
export const releaseSignal = defineSignal<[{ slots: number[]; holder?: string }]>('release');
export const statusQuery = defineQuery<LimiterStatus & { ratePerSecond: number | null; updatesThisRun: number; holders?: number }>('status');

export interface RateLimiterInput {
  /** absent: revision 1 */
  revision?: number;
  /** revision 1's schedule */
  state?: LimiterState;
  /** revision 2's schedule and leases */
  leases?: LeaseState;
  ratePerSecond?: number | null;
  /** continue-as-new after this many updates (Temporal allows 2,000 per run) */
  maxUpdatesPerRun?: number;
  /** end after this long without requests, once no granted slot is still ahead */
  idleTimeoutMs?: number;
}

/** Callers retry an update refused with this message: it reaches the next run. */
export const CONTINUING_AS_NEW = 'rate limiter is continuing as new; retry';

export const RATE_LIMITER_DEFAULTS = { maxUpdatesPerRun: 1000, idleTimeoutMs: 10 * 60_000, maxHistoryBytes: 4_000_000 };
