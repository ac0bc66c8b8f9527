/**
 * The rate limiter's schedule: a GCRA with no burst allowance. Each grant moves the theoretical arrival
 * time (TAT) forward by one interval, so granted send times are never closer than that interval. Pure
 * and deterministic: the `rateLimiter` workflow runs it, tests run it directly.
 *
 * The interval is (1000 ms + jitter budget) / rate. The budget absorbs the delay between a slot and the
 * request reaching the service (timer and network jitter), so that no one-second window at the receiver
 * holds more than `rate` requests; with the default 40 ms budget the sustained rate is 96 % of the limit.
 */
export interface LimiterState {
  /** theoretical arrival time: the earliest next fresh slot (epoch ms) */
  tat: number;
  /** future slots given back by callers that no longer need them, earliest first */
  released: number[];
  /** granted slot times of the last minute, for the status view */
  recent: number[];
}

interface SlotRequest {
  /** the longest this request may wait for its slot (queue limit or remaining retry window) */
  maxWaitMs: number;
}

export interface AcquireInput {
  ratePerSecond: number;
  jitterBudgetMs: number;
  requests: SlotRequest[];
  /**
   * The caller's wall clock plus the expected update round trip: no slot is granted before it. The
   * workflow's own clock is the time its task started, which lags real time when the worker is busy or
   * cold; a slot granted in the past would be sent late and bunch up with the slots after it.
   */
  notBefore?: number;
}

export type SlotGrant = { slotAt: number } | { rejected: true; waitMs: number };

export const DEFAULT_JITTER_BUDGET_MS = 40;

export function initialState(): LimiterState {
  return { tat: 0, released: [], recent: [] };
}

export function intervalMs(ratePerSecond: number, jitterBudgetMs: number): number {
  return (1000 + jitterBudgetMs) / ratePerSecond;
}

/** Grants (or refuses) each request in order, mutating `state`. */
export function grant(state: LimiterState, input: AcquireInput, workflowNow: number): SlotGrant[] {
  const now = Math.max(workflowNow, input.notBefore ?? 0);
  const interval = intervalMs(input.ratePerSecond, input.jitterBudgetMs);
  while (state.released.length > 0 && state.released[0]! < now) state.released.shift();
  const grants = input.requests.map((request): SlotGrant => {
    // A slot someone gave back is reused before the schedule moves: nobody behind it is shifted.
    const reused = state.released[0];
    if (reused !== undefined && reused - now <= request.maxWaitMs) {
      state.released.shift();
      state.recent.push(reused);
      return { slotAt: reused };
    }
    const slotAt = Math.max(now, state.tat);
    if (slotAt - now > request.maxWaitMs) return { rejected: true, waitMs: slotAt - now };
    state.tat = slotAt + interval;
    state.recent.push(slotAt);
    return { slotAt };
  });
  trimRecent(state, workflowNow);
  return grants;
}

/** Takes back future slots; past ones are gone already. */
export function release(state: LimiterState, slots: number[], now: number): void {
  for (const slot of slots) if (slot > now && !state.released.includes(slot)) state.released.push(slot);
  state.released.sort((a, b) => a - b);
}

function trimRecent(state: LimiterState, now: number): void {
  const cutoff = now - 60_000;
  let drop = 0;
  while (drop < state.recent.length && state.recent[drop]! <= cutoff) drop++;
  if (drop > 0) state.recent.splice(0, drop);
}

export interface LimiterStatus {
  grantsLastMinute: number;
  /** granted slots still in the future: requests sleeping until their turn */
  waiting: number;
  /** how long a request asking now would wait */
  expectedWaitMs: number;
}

export function status(state: LimiterState, now: number): LimiterStatus {
  const cutoff = now - 60_000;
  const recent = state.recent.filter((t) => t > cutoff);
  return {
    grantsLastMinute: recent.filter((t) => t <= now).length,
    waiting: recent.filter((t) => t > now).length,
    expectedWaitMs: state.released.find((t) => t >= now) !== undefined ? 0 : Math.max(0, state.tat - now),
  };
}
