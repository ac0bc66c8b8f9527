/**
 * A worker process's side of a lease (lib/domain/ratelimit/lease.ts), for one integration: the slots it
 * holds, how long they are confirmed, and how many to ask for next. Pure (the clock is passed in), so the
 * slot client (lib/server/ratelimit/client.ts) only adds timers and Temporal calls.
 *
 * A process that sends often (at least SPECULATE_PER_PERIOD requests per lease period) asks ahead: it keeps
 * a stock of slots spread over the next lease period and a half, sized by its recent demand, so a request
 * takes a slot locally at once. A process that sends rarely asks only for the requests it has, as they
 * come, so an occasional request waits one round trip rather than for a slot reserved in advance.
 */
import { LEASE_PERIOD_MS, lowerBound, MAX_SLOTS_PER_LEASE, type LeaseGrant, type LeaseRequest } from './lease';

/** a slot this long past when a request takes it is of no use (it would be sent late) */
export const STALE_AFTER_MS = 15;
/** stock covers this much beyond the next lease period */
const HEADROOM_MS = 500;
const SPECULATE_PER_PERIOD = 2;
/** stock is never asked for beyond this far ahead (a lease request allows a minute) */
const MAX_STOCK_AHEAD_MS = 30_000;
/** demand is measured over spans at least this long */
const SAMPLE_MS = 250;

export class SlotStock {
  /** unclaimed slots, sorted */
  private slots: number[] = [];
  /** slots handed to requests that have not sent yet */
  private readonly claimed = new Set<number>();
  /** claimed slots the limiter took back (the lease had lapsed): never send on them */
  private readonly revoked = new Set<number>();
  validUntil = 0;
  seq = 0;
  /** the earliest slot a request would get from the limiter now (from the last answer) */
  nextAt = 0;
  /** recent requests per second: the lower of the last two samples, so a lone burst does not count */
  demand = 0;
  private samples: number[] = [];
  private arrivals = 0;
  private measuredSince: number;
  private lastArrivalAt = 0;

  constructor(
    public ratePerSecond: number,
    now: number,
  ) {
    this.measuredSince = now;
  }

  get size(): number {
    return this.slots.length;
  }

  get claimedCount(): number {
    return this.claimed.size;
  }

  noteArrival(now: number): void {
    this.arrivals++;
    this.lastArrivalAt = now;
  }

  /** Sends ahead of demand, rather than one request at a time. */
  speculating(): boolean {
    return (this.demand * LEASE_PERIOD_MS) / 1000 >= SPECULATE_PER_PERIOD;
  }

  /** The earliest usable slot, claimed for a request; stale ones are dropped. */
  take(now: number): number | undefined {
    let stale = 0;
    while (stale < this.slots.length && this.slots[stale]! < now - STALE_AFTER_MS) stale++;
    if (stale > 0) this.slots.splice(0, stale);
    const slot = this.slots.shift();
    if (slot !== undefined) this.claimed.add(slot);
    return slot;
  }

  /** A claimed slot comes back unused (its request gave up or could not wait that long). */
  putBack(slot: number, now: number): void {
    this.claimed.delete(slot);
    if (slot < now + STALE_AFTER_MS || this.revoked.delete(slot)) return;
    this.slots.splice(lowerBound(this.slots, slot), 0, slot);
  }

  /** The request sent on its slot (or will never): forget it. */
  done(slot: number): void {
    this.claimed.delete(slot);
    this.revoked.delete(slot);
  }

  /** Whether a claimed slot may be sent on: confirmed by a lease, and not taken back. */
  confirmed(slot: number): boolean {
    return slot < this.validUntil && !this.revoked.has(slot);
  }

  /** The next lease request: slots for the waiting requests, and stock ahead if this process sends often. */
  plan(now: number, waiting: number, notBefore: number, maxWaitMs: number, jitterBudgetMs: number, holder: string): LeaseRequest {
    const elapsed = now - this.measuredSince;
    if (elapsed >= SAMPLE_MS) {
      this.samples = [...this.samples.slice(-1), (this.arrivals * 1000) / elapsed];
      // A process never sends faster than the limit, whatever arrives.
      this.demand = this.samples.length < 2 ? 0 : Math.min(this.ratePerSecond, ...this.samples);
      this.arrivals = 0;
      this.measuredSince = now;
    }
    const urgent = Math.min(waiting, MAX_SLOTS_PER_LEASE);
    let spread = 0;
    let spreadFrom = Math.max(notBefore, this.slots.at(-1) ?? 0);
    let spreadUntil = now + LEASE_PERIOD_MS + HEADROOM_MS;
    // Stock already reaching far ahead (a long queue) is enough: ask for no more of it.
    const farAhead = spreadFrom - notBefore > MAX_STOCK_AHEAD_MS;
    if (farAhead) spreadFrom = notBefore;
    // A backlog of claimed slots reaching well past the window (a burst) already holds the requests a
    // forecast would expect. Stock asked on top of it would sit behind the backlog, and go back unused if
    // the burst was all there was: a hole in the schedule that the backlog's requests cannot move into.
    const backlogged = this.latestClaimed() > spreadUntil + LEASE_PERIOD_MS + HEADROOM_MS;
    if (this.speculating() && !farAhead && !backlogged) {
      const target = Math.ceil((this.demand * (LEASE_PERIOD_MS + HEADROOM_MS)) / 1000);
      spread = Math.min(Math.max(0, target - this.slots.length), MAX_SLOTS_PER_LEASE - urgent);
      spreadUntil = Math.max(spreadUntil, spreadFrom + (spread * 1000) / this.demand);
    }
    spreadUntil = Math.min(Math.max(spreadUntil, spreadFrom), spreadFrom + 10_000);
    return {
      holder,
      ratePerSecond: this.ratePerSecond,
      jitterBudgetMs,
      seen: this.seq,
      urgent,
      spread,
      spreadFrom,
      spreadUntil,
      notBefore,
      maxWaitMs,
      queued: waiting + this.claimed.size,
    };
  }

  /** Takes a lease answer in. */
  receive(grant: LeaseGrant): void {
    if (!grant.renewed) {
      // The limiter took back everything from the old validUntil on: stock and claimed slots alike.
      this.slots = this.slots.filter((slot) => slot < this.validUntil);
      for (const slot of this.claimed) if (slot >= this.validUntil) this.revoked.add(slot);
    }
    this.seq = grant.seq;
    this.validUntil = grant.validUntil;
    this.nextAt = grant.nextAt;
    if (grant.slots.length > 0) {
      const merged = this.slots.length === 0 || this.slots.at(-1)! <= grant.slots[0]! ? [...this.slots, ...grant.slots] : [...this.slots, ...grant.slots].sort((a, b) => a - b);
      this.slots = merged;
    }
  }

  /** Slots beyond what the recent demand needs, latest first, to give back; removed from the stock. */
  excess(now: number, idle: boolean): number[] {
    const future = this.slots.filter((slot) => slot > now + STALE_AFTER_MS);
    const keep = idle ? 0 : Math.ceil((this.demand * (LEASE_PERIOD_MS + HEADROOM_MS)) / 1000);
    if (future.length <= 2 * keep + 2 && !idle) return [];
    const back = future.slice(keep);
    const returned = new Set(back);
    this.slots = this.slots.filter((slot) => !returned.has(slot) && slot > now - STALE_AFTER_MS);
    return back;
  }

  /**
   * The latest slot held by a request that has not sent yet, or 0. Taken over the slots still claimed, so
   * a backlog that was cancelled or sent no longer counts (renewals go on until the lease covers it).
   */
  latestClaimed(): number {
    let latest = 0;
    for (const slot of this.claimed) if (slot > latest) latest = slot;
    return latest;
  }

  /** No request for two lease periods: the stock can go back and the forecast starts over. */
  quiet(now: number): boolean {
    return now - this.lastArrivalAt > 2 * LEASE_PERIOD_MS;
  }

  /** Forget the forecast (after a quiet spell, demand is measured afresh). */
  resetDemand(now: number): void {
    this.demand = 0;
    this.samples = [];
    this.arrivals = 0;
    this.measuredSince = now;
  }
}

