/**
 * When the next attempt of an idempotent webhook starts. The default spacing spreads three retries over the
 * window (1/18, 3/18 and 7/18 of it after the first attempt, before request time); Retry-After wins when it
 * asks for longer. No retry starts after the window ends.
 */
export interface RetryTiming {
  /** the attempt that just failed, 1-based */
  attempt: number;
  nowMs: number;
  windowEndMs: number;
  windowSeconds: number;
  retryAfterSeconds: number | null;
}

export type RetryDecision = { delayMs: number; reason?: undefined } | { delayMs: null; reason: string };

export function backoffMs(attempt: number, windowSeconds: number): number {
  return Math.round(((windowSeconds * 1000) / 18) * 2 ** (attempt - 1));
}

export function nextRetryDelayMs(t: RetryTiming): RetryDecision {
  const remaining = t.windowEndMs - t.nowMs;
  if (remaining <= 0) return { delayMs: null, reason: 'the retry window is used up' };
  const backoff = backoffMs(t.attempt, t.windowSeconds);
  if (t.retryAfterSeconds !== null) {
    const asked = t.retryAfterSeconds * 1000;
    if (asked > remaining) {
      return { delayMs: null, reason: `the service asked to retry after ${t.retryAfterSeconds} s, past the end of the retry window` };
    }
    return { delayMs: Math.max(asked, Math.min(backoff, remaining)) };
  }
  return { delayMs: Math.min(backoff, remaining) };
}
