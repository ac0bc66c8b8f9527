/**
 * The idempotency rule as Temporal runs it, in one place: the retry policy of a webhook step's activity,
 * and the delay the activity itself chooses before each retry. The default spacing spreads three retries
 * over the window (1/18, 3/18 and 7/18 of it after the first attempt, before request time); Retry-After
 * wins when it asks for longer. No retry starts after the window ends.
 */
import type { RetryPolicy } from '@temporalio/common';
import type { RetryRule } from './idempotency';

/**
 * The activity's retry policy. The activity decides each delay itself (`nextRetryDelayMs`, passed back as
 * `nextRetryDelay`); these intervals apply only when an attempt dies without deciding (worker killed,
 * heartbeat lost), and follow the same spacing in whole seconds.
 */
export function sendRetryPolicy(rule: RetryRule): RetryPolicy {
  if (rule.maxAttempts <= 1) return { maximumAttempts: 1 };
  const firstSeconds = Math.max(1, Math.round(backoffMs(1, rule.windowSeconds) / 1000));
  return {
    maximumAttempts: rule.maxAttempts,
    initialInterval: `${firstSeconds} seconds`,
    backoffCoefficient: 2,
    maximumInterval: `${Math.max(firstSeconds, Math.round(rule.windowSeconds / 3))} seconds`,
  };
}

export interface RetryTiming {
  /** the attempt that just failed, 1-based */
  attempt: number;
  nowMs: number;
  windowEndMs: number;
  windowSeconds: number;
  retryAfterSeconds: number | null;
}

/** The delay before the next attempt and why it is that long, or why there is no next attempt. */
export type RetryDecision = { delayMs: number; reason: string } | { delayMs: null; reason: string };

function backoffMs(attempt: number, windowSeconds: number): number {
  return Math.round(((windowSeconds * 1000) / 18) * 2 ** (attempt - 1));
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export function nextRetryDelayMs(t: RetryTiming): RetryDecision {
  const remaining = t.windowEndMs - t.nowMs;
  if (remaining <= 0) return { delayMs: null, reason: `gave up at the end of the ${describeWindow(t.windowSeconds)} retry window` };
  const backoff = backoffMs(t.attempt, t.windowSeconds);
  const scheduled = `backoff after attempt ${t.attempt}: ${2 ** (t.attempt - 1)}/18 of the ${seconds(t.windowSeconds * 1000)} retry window`;
  if (t.retryAfterSeconds !== null) {
    const asked = t.retryAfterSeconds * 1000;
    if (asked > remaining) {
      return { delayMs: null, reason: `the service asked to retry after ${t.retryAfterSeconds} s, past the end of the retry window` };
    }
    const delayMs = Math.max(asked, Math.min(backoff, remaining));
    return { delayMs, reason: delayMs === asked && asked >= Math.min(backoff, remaining) ? `the service's Retry-After: ${t.retryAfterSeconds} s` : scheduled };
  }
  if (backoff > remaining) return { delayMs: remaining, reason: `what is left of the retry window (${seconds(remaining)})` };
  return { delayMs: backoff, reason: scheduled };
}

/** "6-minute", "12-second" */
function describeWindow(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}-minute` : `${seconds}-second`;
}
