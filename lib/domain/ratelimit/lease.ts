/**
 * The rate limiter's schedule, revision 2: leases. Pure and deterministic: the `rateLimiter` workflow runs it,
 * tests run it directly.
 *
 * Slot times still come from one GCRA grid per integration (spacing `(1000 ms + jitter budget) / rate`), so
 * no one-second window can hold more than the limit, whoever sends on the slots. What changes is who asks:
 * each worker process (a *holder*) asks about once per lease period for the slots it expects to need, and
 * hands them out to its own requests locally. A lease answer carries:
 *
 * - `urgent` slots for requests already waiting: the earliest free ones;
 * - `spread` slots for the requests it expects, spread evenly over a window ahead (so a request arriving
 *   at any time finds a slot close by), and, when that window is full, the next free ones after it;
 * - `validUntil`: the holder may send on its slots before that time only. Each lease renews it. A holder
 *   that stops renewing (its process died) loses every slot from `validUntil` on: the next request that
 *   reaches the limiter after that puts them back into the free pool, for anyone.
 *
 * Slots given back (`release`) or reclaimed go to the free pool, which is served before the grid moves on.
 * When the rate changes, the pool is dropped: its slots were spaced for the old rate.
 */
import { intervalMs, type AcquireInput, type LimiterState, type SlotGrant } from './gcra';

/** how long a lease stays valid after it was granted (workflow time); holders renew every LEASE_PERIOD_MS */
export const LEASE_TERM_MS = 1500;
export const LEASE_PERIOD_MS = 1000;
/** at most this many slots in one lease answer */
export const MAX_SLOTS_PER_LEASE = 5000;
/**
 * At most this many granted slots are held ahead, over all holders and the free pool. The schedule is carried
 * through continue-as-new, whose input Temporal caps at 2 MB; 20,000 slot times are about 300 KB. Past it, a
 * process's waiting requests wait in the process for a later lease instead of on a slot minutes away.
 */
export const MAX_SLOTS_AHEAD = 20_000;

interface LeaseHolder {
  validUntil: number;
  /** slots granted to this holder that may still be ahead, sorted */
  slots: number[];
  /** sequence number of the latest grant, and its slots (to take back if the holder never received it) */
  seq: number;
  lastGrant: number[];
  /** sequence number of this lease's first grant (absent in leases carried from before it was kept: 0) */
  firstSeq?: number;
  jitterBudgetMs: number;
  /** requests waiting in the holder's process, as it last said */
  queued: number;
}

export interface LeaseState {
  ratePerSecond: number | null;
  /** the next fresh grid point (epoch ms); every free slot is before it */
  tat: number;
  /** free slots before `tat`: given back, reclaimed, or skipped when spreading; sorted */
  free: number[];
  /** slots before this are from an earlier rate and are never handed out again */
  floor: number;
  holders: Record<string, LeaseHolder>;
  /** granted slots per whole second (epoch seconds → count), for the status view */
  perSecond: Record<string, number>;
  /**
   * The latest grant's sequence number over all holders. It never goes back, also when a lapsed holder's
   * lease is taken back and a new one starts, so a process cannot take a new lease's grants for its old one's.
   */
  seq?: number;
}

export interface LeaseRequest {
  /** one per worker process and limiter */
  holder: string;
  ratePerSecond: number;
  jitterBudgetMs: number;
  /** sequence number of the last grant the holder received (0: none yet) */
  seen: number;
  /** slots for requests already waiting */
  urgent: number;
  /** slots for requests the holder expects, spread over [spreadFrom, spreadUntil) */
  spread: number;
  spreadFrom: number;
  spreadUntil: number;
  /** the holder's clock plus the expected round trip: no slot before it */
  notBefore: number;
  /** no slot later than notBefore + maxWaitMs */
  maxWaitMs: number;
  queued: number;
}

export interface LeaseGrant {
  /** new slots for this holder, sorted */
  slots: number[];
  seq: number;
  /** the holder may send on any of its slots before this time */
  validUntil: number;
  /** false: the holder's earlier lease had lapsed and was taken back; its slots from its old validUntil on are gone */
  renewed: boolean;
  /** the earliest slot a request asking now would get */
  nextAt: number;
  /** nothing was granted (the limiter is moving to this revision): ask again */
  retry?: boolean;
}

export function initialLeaseState(): LeaseState {
  return { ratePerSecond: null, tat: 0, free: [], floor: 0, holders: {}, perSecond: {} };
}

/** The schedule of a revision-1 limiter, carried on: granted slots stay before `tat`, given-back ones stay free. */
export function leaseStateFromRevision1(state: LimiterState, ratePerSecond: number | null): LeaseState {
  const next = initialLeaseState();
  next.ratePerSecond = ratePerSecond;
  next.tat = state.tat;
  next.free = [...state.released];
  for (const slot of state.recent) count(next, slot, 1);
  return next;
}

function count(state: LeaseState, slot: number, delta: number): void {
  const second = String(Math.floor(slot / 1000));
  const value = (state.perSecond[second] ?? 0) + delta;
  if (value > 0) state.perSecond[second] = value;
  else delete state.perSecond[second];
}

/** Merges slots into the sorted free pool (those of an earlier rate, or already past, are dropped). */
function giveBack(state: LeaseState, slots: number[], now: number): void {
  const back = slots.filter((slot) => slot >= now && slot >= state.floor).sort((a, b) => a - b);
  if (back.length === 0) return;
  for (const slot of back) count(state, slot, -1);
  const merged: number[] = [];
  let i = 0;
  for (const slot of back) {
    while (i < state.free.length && state.free[i]! < slot) merged.push(state.free[i++]!);
    if (state.free[i] !== slot) merged.push(slot);
  }
  while (i < state.free.length) merged.push(state.free[i++]!);
  state.free = merged;
}

/** Past slots are of no use to anyone: forget them. Holders that stopped renewing lose their future slots. */
function sweep(state: LeaseState, now: number, except: string | null): void {
  let drop = 0;
  while (drop < state.free.length && state.free[drop]! < now) drop++;
  if (drop > 0) state.free.splice(0, drop);
  for (const [id, holder] of Object.entries(state.holders)) {
    if (id !== except && holder.validUntil < now) {
      giveBack(state, holder.slots, Math.max(now, holder.validUntil));
      delete state.holders[id];
      continue;
    }
    let past = 0;
    while (past < holder.slots.length && holder.slots[past]! < now) past++;
    if (past > 0) holder.slots.splice(0, past);
  }
  const cutoff = Math.floor((now - 60_000) / 1000);
  for (const second of Object.keys(state.perSecond)) if (Number(second) <= cutoff) delete state.perSecond[second];
}

/** The grid's spacing: the widest jitter budget any live holder asked for keeps every one of them safe. */
function currentInterval(state: LeaseState, ratePerSecond: number, jitterBudgetMs: number): number {
  let jitter = jitterBudgetMs;
  for (const holder of Object.values(state.holders)) jitter = Math.max(jitter, holder.jitterBudgetMs);
  return intervalMs(ratePerSecond, jitter);
}

/**
 * Walks the free slots and the fresh grid points in time order, from a given time on. Fresh points it
 * passes without taking become free slots; free slots it passes stay free.
 */
class Cursor {
  private freeIndex: number;
  private fresh: number;
  private freshUsed = false;
  private readonly taken = new Set<number>();
  private readonly skipped: number[] = [];

  constructor(
    private readonly state: LeaseState,
    private readonly interval: number,
    from: number,
    /** fresh grid points this walk may pass (taken or left free): what the cap on slots held ahead leaves */
    private freshRoom = Infinity,
  ) {
    this.freeIndex = lowerBound(state.free, from);
    this.fresh = Math.max(state.tat, from);
  }

  peek(): number {
    const free = this.state.free[this.freeIndex];
    if (free !== undefined && (free < this.fresh || this.freshRoom <= 0)) return free;
    return this.freshRoom > 0 ? this.fresh : Infinity;
  }

  advance(take: boolean): number {
    const free = this.state.free[this.freeIndex];
    if (free !== undefined && (free < this.fresh || this.freshRoom <= 0)) {
      this.freeIndex++;
      if (take) this.taken.add(free);
      return free;
    }
    if (this.freshRoom <= 0) return Infinity;
    this.freshRoom--;
    const slot = this.fresh;
    this.fresh += this.interval;
    this.freshUsed = true;
    if (!take) this.skipped.push(slot);
    return slot;
  }

  /** Writes the walk back: taken free slots leave the pool, skipped fresh points join it, the grid moves on. */
  commit(): void {
    const free = this.taken.size > 0 ? this.state.free.filter((slot) => !this.taken.has(slot)) : this.state.free;
    this.state.free = this.skipped.length > 0 ? [...free, ...this.skipped] : free;
    if (this.freshUsed) this.state.tat = this.fresh;
  }
}

export function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Applies the request's rate: a new rate drops the free pool (spaced for the old one) from here on. */
function applyRate(state: LeaseState, ratePerSecond: number): void {
  if (state.ratePerSecond !== null && state.ratePerSecond !== ratePerSecond) {
    state.free = [];
    state.floor = state.tat;
  }
  state.ratePerSecond = ratePerSecond;
}

/** Grants (or renews) a lease, mutating `state`. `workflowNow` is the workflow's clock. */
export function grantLease(state: LeaseState, request: LeaseRequest, workflowNow: number): LeaseGrant {
  applyRate(state, request.ratePerSecond);
  sweep(state, workflowNow, request.holder);
  state.seq ??= Math.max(0, ...Object.values(state.holders).map((h) => h.seq));
  const known = state.holders[request.holder];
  const holder: LeaseHolder = known ?? { validUntil: 0, slots: [], seq: 0, lastGrant: [], jitterBudgetMs: request.jitterBudgetMs, queued: 0 };
  // A lapsed lease that nobody took back yet is simply renewed: its slots are still this holder's alone.
  // The process has received no answer of this lease: its old lease was taken back while it stalled, and
  // the answer that said so was lost. Whatever this lease granted never reached it, and it must still hear
  // that its old lease lapsed (it may hold slots of it that are someone else's by now).
  const unseen = known !== undefined && request.seen < (known.firstSeq ?? 0);
  if (known && unseen) {
    giveBack(state, known.slots, workflowNow);
    known.slots = [];
  } else if (known && request.seen < known.seq) {
    // The holder never received its latest grant (its update call failed): those slots are free again.
    const lost = new Set(known.lastGrant);
    giveBack(
      state,
      known.slots.filter((slot) => lost.has(slot)),
      workflowNow,
    );
    known.slots = known.slots.filter((slot) => !lost.has(slot));
  }
  holder.jitterBudgetMs = request.jitterBudgetMs;
  holder.queued = request.queued;
  state.holders[request.holder] = holder;

  const earliest = Math.max(workflowNow, request.notBefore);
  const horizon = earliest + request.maxWaitMs;
  const room = Math.max(0, MAX_SLOTS_AHEAD - slotsAhead(state));
  const cursor = new Cursor(state, currentInterval(state, request.ratePerSecond, request.jitterBudgetMs), earliest, room);
  const slots: number[] = [];
  for (let i = 0; i < request.urgent && cursor.peek() <= horizon; i++) slots.push(cursor.advance(true));
  spread(cursor, slots, { ...request, spreadUntil: Math.min(request.spreadUntil, horizon) }, horizon);
  cursor.commit();

  for (const slot of slots) count(state, slot, 1);
  holder.slots = mergeSorted(holder.slots, slots);
  holder.seq = ++state.seq;
  if (!known) holder.firstSeq = holder.seq;
  holder.lastGrant = slots;
  holder.validUntil = workflowNow + LEASE_TERM_MS;
  const next = new Cursor(state, currentInterval(state, request.ratePerSecond, request.jitterBudgetMs), earliest).peek();
  return { slots, seq: holder.seq, validUntil: holder.validUntil, renewed: known !== undefined && !unseen, nextAt: next };
}

/**
 * `request.spread` slots for requests the holder expects, aimed at even spacing over [spreadFrom, spreadUntil):
 * each pick is the first free slot at or after its target, and at least half the spacing after the previous
 * pick, so holders whose windows overlap interleave. When the window is full (the schedule is behind), picks
 * go on past it, taking the next slots as they come, up to the horizon, unless the holder also has a backlog of waiting requests larger than its
 * forecast: a burst must not reserve slots for more of the same ahead of everyone else's waiting requests.
 */
function spread(cursor: Cursor, slots: number[], request: LeaseRequest, horizon: number): void {
  const wanted = request.spread;
  if (wanted <= 0) return;
  // Slots before the window (given back, a lapsed holder's, or skipped) go first: the window starts after
  // the holder's stock, so nobody else would ask for these before they pass.
  let early = 0;
  while (early < wanted && cursor.peek() < request.spreadFrom && cursor.peek() <= horizon) {
    slots.push(cursor.advance(true));
    early++;
  }
  while (cursor.peek() < request.spreadFrom) cursor.advance(false);
  const gap = (request.spreadUntil - request.spreadFrom) / (wanted - early || 1);
  const beyond = request.urgent * 2 <= wanted;
  let last = -Infinity;
  for (let i = 0; i < wanted - early; i++) {
    // Inside the window, picks keep their spacing; past it (the schedule is behind) they take the next
    // slots as they come: spacing there would only leave slots that nobody asks for before they pass.
    const target = Math.min(Math.max(request.spreadFrom + i * gap, last + gap / 2), request.spreadUntil);
    while (cursor.peek() < target) cursor.advance(false);
    const next = cursor.peek();
    if (next > horizon || (!beyond && next >= request.spreadUntil)) return;
    last = cursor.advance(true);
    slots.push(last);
  }
}

/** Slots held ahead: every holder's (past ones are swept) and the free pool. */
function slotsAhead(state: LeaseState): number {
  let held = state.free.length;
  for (const holder of Object.values(state.holders)) held += holder.slots.length;
  return held;
}

function mergeSorted(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0 || a.at(-1)! <= b[0]!) return [...a, ...b];
  return [...a, ...b].sort((x, y) => x - y);
}

/**
 * Slots given back (they will not be used) become free for anyone. A holder can only give back slots it
 * holds; a holder the limiter no longer knows had its slots taken back already. Without a holder (the
 * revision-1 client) the slots are taken as they come.
 */
export function releaseSlots(state: LeaseState, holderId: string | undefined, slots: number[], workflowNow: number): void {
  if (holderId === undefined) return giveBack(state, slots, workflowNow);
  const holder = state.holders[holderId];
  if (!holder) return;
  const back = new Set(slots);
  const returned = holder.slots.filter((slot) => back.has(slot));
  holder.slots = holder.slots.filter((slot) => !back.has(slot));
  giveBack(state, returned, workflowNow);
}

/**
 * The revision-1 `acquire` update on a revision-2 schedule, for worker processes that still run the older
 * client during a rolling deploy: each request gets the earliest free slot, or is refused if that is
 * further away than it may wait. These slots belong to no holder and are never taken back.
 */
export function grantAcquire(state: LeaseState, input: AcquireInput, workflowNow: number): SlotGrant[] {
  applyRate(state, input.ratePerSecond);
  sweep(state, workflowNow, null);
  const earliest = Math.max(workflowNow, input.notBefore ?? 0);
  const cursor = new Cursor(state, currentInterval(state, input.ratePerSecond, input.jitterBudgetMs), earliest);
  const grants = input.requests.map((request): SlotGrant => {
    const next = cursor.peek();
    if (next - earliest > request.maxWaitMs) return { rejected: true, waitMs: next - earliest };
    const slotAt = cursor.advance(true);
    count(state, slotAt, 1);
    return { slotAt };
  });
  cursor.commit();
  return grants;
}

export interface LeaseStatus {
  grantsLastMinute: number;
  /** requests waiting for their turn in the worker processes, as they last said */
  waiting: number;
  expectedWaitMs: number;
  holders: number;
}

export function leaseStatus(state: LeaseState, now: number): LeaseStatus {
  const current = Math.floor(now / 1000);
  let grantsLastMinute = 0;
  for (const [second, n] of Object.entries(state.perSecond)) if (Number(second) > current - 60 && Number(second) <= current) grantsLastMinute += n;
  const live = Object.values(state.holders).filter((holder) => holder.validUntil >= now);
  const free = state.free.find((slot) => slot >= now);
  const next = Math.min(free ?? Infinity, Math.max(state.tat, now));
  return { grantsLastMinute, waiting: live.reduce((sum, h) => sum + h.queued, 0), expectedWaitMs: Math.max(0, next - now), holders: live.length };
}

/** Why a lease request cannot be served, in plain words, or null. Bounds keep one update's work small. */
export function leaseRequestProblem(request: LeaseRequest): string | null {
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (typeof request.holder !== 'string' || request.holder.length === 0 || request.holder.length > 200) return 'holder must be a non-empty id';
  if (!(request.ratePerSecond > 0) || !Number.isFinite(request.ratePerSecond)) return 'ratePerSecond must be positive';
  if (!(request.jitterBudgetMs >= 0 && request.jitterBudgetMs <= 1000)) return 'jitterBudgetMs must be between 0 and 1000';
  if (!whole(request.urgent) || !whole(request.spread) || !whole(request.seen) || !whole(request.queued)) return 'counts must be whole numbers';
  if (request.urgent + request.spread > MAX_SLOTS_PER_LEASE) return `a lease holds at most ${MAX_SLOTS_PER_LEASE} slots`;
  if (![request.notBefore, request.spreadFrom, request.spreadUntil, request.maxWaitMs].every(Number.isFinite)) return 'times must be numbers';
  if (request.maxWaitMs < 0) return 'maxWaitMs must not be negative';
  if (request.spreadUntil < request.spreadFrom || request.spreadUntil - request.spreadFrom > 10_000) return 'the spread window must be at most 10 s long';
  if (Math.abs(request.spreadFrom - request.notBefore) > 60_000) return 'the spread window must start within a minute of notBefore';
  return null;
}
