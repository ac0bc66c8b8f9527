import { describe, expect, it } from 'vitest';
import { initialState, grant as grantRevision1 } from './gcra';
import {
  grantAcquire,
  grantLease,
  initialLeaseState,
  LEASE_TERM_MS,
  leaseRequestProblem,
  MAX_SLOTS_AHEAD,
  leaseStateFromRevision1,
  leaseStatus,
  releaseSlots,
  type LeaseRequest,
  type LeaseState,
} from './lease';

const RATE = 10; // interval (1000 + 40) / 10 = 104 ms

function ask(holder: string, now: number, fields: Partial<LeaseRequest> = {}): LeaseRequest {
  return {
    holder,
    ratePerSecond: RATE,
    jitterBudgetMs: 40,
    seen: 0,
    urgent: 0,
    spread: 0,
    spreadFrom: now,
    spreadUntil: now + 1500,
    notBefore: now,
    maxWaitMs: 60_000,
    queued: 0,
    ...fields,
  };
}

/** the most slots in any window [t, t + 1000) */
function maxInAnySecond(slots: number[]): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let best = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('lease schedule', () => {
  it('gives waiting requests the earliest slots, one interval apart, from notBefore on', () => {
    const state = initialLeaseState();
    const lease = grantLease(state, ask('a', 1000, { urgent: 3, notBefore: 1020 }), 1000);
    expect(lease.slots).toEqual([1020, 1124, 1228]);
    expect(lease).toMatchObject({ seq: 1, validUntil: 1000 + LEASE_TERM_MS, renewed: false, nextAt: 1332 });
    expect(grantLease(state, ask('a', 1100, { seen: 1, urgent: 1 }), 1100)).toMatchObject({ slots: [1332], seq: 2, renewed: true });
  });

  it('spreads expected requests evenly over the window, leaving the slots between to others', () => {
    const state = initialLeaseState();
    // 15 grid points in [0, 1500): a lease for 5 takes every third.
    const a = grantLease(state, ask('a', 0, { spread: 5 }), 0);
    expect(a.slots).toEqual([0, 312, 624, 936, 1248]);
    const b = grantLease(state, ask('b', 0, { spread: 5 }), 0);
    expect(b.slots).toEqual([104, 416, 728, 1040, 1352]);
    const c = grantLease(state, ask('c', 0, { spread: 6 }), 0);
    // five free slots are left in the window; the sixth goes past it, to the next slot: spacing past the
    // window would leave a slot between that nobody asks for before it passes
    expect(c.slots).toEqual([208, 520, 832, 1144, 1456, 1560]);
  });

  it('goes past a full window for a forecast, but not for a holder whose own backlog outweighs it', () => {
    const state = initialLeaseState();
    // A burst: 30 waiting requests fill the window [0, 1500) and more; no slot is reserved after them.
    const burst = grantLease(state, ask('a', 0, { urgent: 30, spread: 8 }), 0);
    expect(burst.slots).toHaveLength(30);
    expect(grantLease(state, ask('b', 0, { urgent: 1 }), 0).slots).toEqual([30 * 104]);
    // A steady holder slightly behind its forecast: its spread goes on past the window.
    const steady = grantLease(state, ask('c', 0, { urgent: 2, spread: 8 }), 0);
    expect(steady.slots).toHaveLength(10);
    expect(steady.slots.at(-1)).toBeGreaterThan(1500);
  });

  it('keeps every slot apart by the interval whatever holders ask, renew, give back or abandon', () => {
    // A deterministic pseudo-random walk over holders, demand and time.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const state = initialLeaseState();
    const holders = ['a', 'b', 'c', 'd'];
    const seen: Record<string, number> = {};
    const validUntil: Record<string, number> = {};
    const owner = new Map<number, string>(); // slot → the holder that may send on it
    let regranted = 0;
    for (let now = 0; now < 60_000; now += 50 + Math.floor(random() * 400)) {
      const holder = holders[Math.floor(random() * holders.length)]!;
      if (holder === 'd' && now > 30_000) continue; // d dies half-way: its lease lapses
      if (random() < 0.15) {
        // give back some of its slots that are still ahead
        const back = [...owner].filter(([slot, h]) => h === holder && slot > now && random() < 0.5).map(([slot]) => slot);
        releaseSlots(state, holder, back, now);
        for (const slot of back) owner.delete(slot);
        continue;
      }
      const lease = grantLease(state, ask(holder, now, { seen: seen[holder] ?? 0, urgent: Math.floor(random() * 3), spread: Math.floor(random() * 12), notBefore: now + 20 }), now);
      if (!lease.renewed) for (const [slot, h] of owner) if (h === holder && slot >= (validUntil[holder] ?? 0)) owner.delete(slot);
      seen[holder] = lease.seq;
      validUntil[holder] = lease.validUntil;
      for (const slot of lease.slots) {
        const previous = owner.get(slot);
        if (previous !== undefined) {
          // Only a lapsed holder's slot is handed out again, and only one it could no longer send on.
          expect(previous).not.toBe(holder);
          expect(state.holders[previous]).toBeUndefined();
          expect(slot).toBeGreaterThanOrEqual(validUntil[previous]!);
          regranted++;
        }
        owner.set(slot, holder);
      }
    }
    expect(regranted).toBeGreaterThan(0);
    const slots = [...owner.keys()].sort((x, y) => x - y);
    const gaps = slots.slice(1).map((t, i) => t - slots[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(104 - 1e-9);
    expect(maxInAnySecond(slots)).toBeLessThanOrEqual(RATE);
  });

  it('a holder that stops renewing loses its slots from validUntil on, to the next request of anyone', () => {
    const state = initialLeaseState();
    const dead = grantLease(state, ask('dead', 0, { spread: 10, spreadUntil: 3000 }), 0);
    expect(dead.validUntil).toBe(1500);
    const kept = dead.slots.filter((slot) => slot < 1500);
    const lost = dead.slots.filter((slot) => slot >= 1600);
    expect(lost.length).toBeGreaterThan(0);
    // Before the lease lapses nothing is taken back.
    grantLease(state, ask('live', 1400, { urgent: 1, notBefore: 1400 }), 1400);
    expect(state.free.some((slot) => dead.slots.includes(slot))).toBe(false);
    grantLease(state, ask('live', 1600, { seen: 1, notBefore: 1600 }), 1600);
    expect(state.holders.dead).toBeUndefined();
    expect(state.free).toEqual(expect.arrayContaining(lost));
    expect(state.free.some((slot) => kept.includes(slot))).toBe(false);
    const after = grantLease(state, ask('live', 1610, { seen: 2, urgent: 40, notBefore: 1610 }), 1610);
    expect(after.slots).toEqual(expect.arrayContaining(lost));
    // The dead holder comes back: it is told its lease lapsed.
    expect(grantLease(state, ask('dead', 1700, { seen: 1 }), 1700).renewed).toBe(false);
  });

  it('tells a holder whose old lease was taken back that it lapsed, also when that answer was lost', () => {
    const state = initialLeaseState();
    const a = grantLease(state, ask('a', 0, { urgent: 30, notBefore: 0 }), 0);
    const heldByA = a.slots.filter((slot) => slot >= a.validUntil);
    // a stalls past its lease; b's request takes a's slots from validUntil on back, and b gets them
    const b = grantLease(state, ask('b', 1600, { urgent: 10, notBefore: 1600 }), 1600);
    expect(b.slots.some((slot) => heldByA.includes(slot))).toBe(true);
    // a's next lease starts a new one and says so, but the answer never reaches a ...
    const lost = grantLease(state, ask('a', 1700, { seen: a.seq, urgent: 2, notBefore: 1700 }), 1700);
    expect(lost.renewed).toBe(false);
    // ... so a asks again with the seq of its old lease: it must hear again that the old one lapsed (it
    // would send on slots b holds), and the lost answer's slots are free for anyone
    const again = grantLease(state, ask('a', 1800, { seen: a.seq, notBefore: 1800 }), 1800);
    expect(again.renewed).toBe(false);
    expect(again.seq).toBeGreaterThan(lost.seq);
    expect(state.free).toEqual(expect.arrayContaining(lost.slots));
    // once a has received an answer of its new lease, it is renewed as usual
    expect(grantLease(state, ask('a', 1900, { seen: again.seq, notBefore: 1900 }), 1900).renewed).toBe(true);
  });

  it('holds at most MAX_SLOTS_AHEAD slots ahead, so the schedule stays small enough to continue as new', () => {
    const state = initialLeaseState();
    const hours = 10 * 3_600_000;
    let granted = 0;
    for (let i = 0; i < 5; i++) granted += grantLease(state, ask(`p${i}`, 0, { urgent: 5000, maxWaitMs: hours }), 0).slots.length;
    expect(granted).toBe(MAX_SLOTS_AHEAD);
    const capped = grantLease(state, ask('late', 0, { urgent: 10, spread: 10, maxWaitMs: hours }), 0);
    expect(capped.slots).toEqual([]);
    // it is told when the next slot would be, and gets slots again once the held ones pass
    expect(capped.nextAt).toBeGreaterThan(0);
    // slots given back are handed out again within the cap: they are held ahead already
    const p0 = state.holders.p0!.slots.slice(-10);
    releaseSlots(state, 'p0', p0, 0);
    expect(grantLease(state, ask('late', 0, { seen: capped.seq, urgent: 10, maxWaitMs: hours }), 0).slots).toEqual(p0);
    expect(JSON.stringify(state).length).toBeLessThan(2_000_000);
  });

  it('renews a lapsed lease nobody took back yet: its slots are still its own', () => {
    const state = initialLeaseState();
    const first = grantLease(state, ask('a', 0, { spread: 5, spreadUntil: 3000 }), 0);
    const late = grantLease(state, ask('a', 2000, { seen: first.seq }), 2000);
    expect(late).toMatchObject({ renewed: true, validUntil: 3500 });
    expect(state.holders.a!.slots).toEqual(first.slots.filter((slot) => slot >= 2000));
  });

  it('frees the slots of a grant the holder never received', () => {
    const state = initialLeaseState();
    grantLease(state, ask('a', 0, { urgent: 2 }), 0); // seq 1, received
    const lost = grantLease(state, ask('a', 100, { seen: 1, urgent: 2, notBefore: 300 }), 100); // seq 2, its answer lost
    const again = grantLease(state, ask('a', 200, { seen: 1, urgent: 2, notBefore: 300 }), 200);
    expect(again.slots).toEqual(lost.slots);
    expect(again.seq).toBe(3);
  });

  it('takes back released slots only from the holder that holds them', () => {
    const state = initialLeaseState();
    const a = grantLease(state, ask('a', 0, { urgent: 3 }), 0);
    releaseSlots(state, 'b', a.slots, 10); // not b's
    releaseSlots(state, 'nobody', a.slots, 10);
    expect(state.free).toEqual([]);
    releaseSlots(state, 'a', [a.slots[2]!, -5], 10);
    expect(state.free).toEqual([a.slots[2]]);
    expect(grantLease(state, ask('b', 20, { urgent: 1, notBefore: 20 }), 20).slots).toEqual([a.slots[2]]);
  });

  it('a new rate spaces new slots for it and never hands out slots of the old one again', () => {
    const state = initialLeaseState();
    const a = grantLease(state, ask('a', 0, { urgent: 3 }), 0); // 0, 104, 208; tat 312
    releaseSlots(state, 'a', [208], 10);
    const b = grantLease(state, ask('b', 20, { urgent: 2, notBefore: 20, ratePerSecond: 1 }), 20);
    expect(b.slots).toEqual([312, 1352]);
    releaseSlots(state, 'a', [104], 30);
    expect(state.free).toEqual([]);
    expect(a.slots).toHaveLength(3);
  });

  it('grants nothing beyond what the requests may wait, and says when the next slot is', () => {
    const state = initialLeaseState();
    const lease = grantLease(state, ask('a', 0, { urgent: 5, maxWaitMs: 250 }), 0);
    expect(lease.slots).toEqual([0, 104, 208]);
    expect(lease.nextAt).toBe(312);
  });

  it('answers revision-1 acquire requests from the same schedule', () => {
    const state = initialLeaseState();
    grantLease(state, ask('a', 0, { urgent: 2 }), 0);
    const grants = grantAcquire(state, { ratePerSecond: RATE, jitterBudgetMs: 40, requests: [{ maxWaitMs: 60_000 }, { maxWaitMs: 10 }] }, 0);
    expect(grants).toEqual([{ slotAt: 208 }, { rejected: true, waitMs: 312 }]);
    expect(state.tat).toBe(312);
  });

  it('carries a revision-1 schedule on', () => {
    const old = initialState();
    grantRevision1(old, { ratePerSecond: RATE, jitterBudgetMs: 40, requests: [{ maxWaitMs: 60_000 }, { maxWaitMs: 60_000 }] }, 0);
    old.released = [104];
    const state: LeaseState = leaseStateFromRevision1(old, RATE);
    expect(state).toMatchObject({ tat: 208, free: [104], ratePerSecond: RATE });
    expect(grantLease(state, ask('a', 50, { urgent: 2, notBefore: 50 }), 50).slots).toEqual([104, 208]);
  });

  it('reports grants of the last minute, waiting requests and the expected wait', () => {
    const state = initialLeaseState();
    grantLease(state, ask('a', 0, { urgent: 12, queued: 4 }), 0);
    expect(leaseStatus(state, 500)).toEqual({ grantsLastMinute: 10, waiting: 4, expectedWaitMs: 748, holders: 1 });
    expect(leaseStatus(state, 70_000)).toEqual({ grantsLastMinute: 0, waiting: 0, expectedWaitMs: 0, holders: 0 });
  });

  it('refuses malformed requests with a reason', () => {
    const ok = ask('a', 0);
    expect(leaseRequestProblem(ok)).toBeNull();
    expect(leaseRequestProblem({ ...ok, holder: '' })).toMatch(/holder/);
    expect(leaseRequestProblem({ ...ok, ratePerSecond: 0 })).toMatch(/positive/);
    expect(leaseRequestProblem({ ...ok, ratePerSecond: Infinity })).toMatch(/positive/);
    expect(leaseRequestProblem({ ...ok, jitterBudgetMs: -1 })).toMatch(/jitter/);
    expect(leaseRequestProblem({ ...ok, urgent: 1.5 })).toMatch(/whole/);
    expect(leaseRequestProblem({ ...ok, spread: -1 })).toMatch(/whole/);
    expect(leaseRequestProblem({ ...ok, urgent: 4000, spread: 2000 })).toMatch(/at most 5000/);
    expect(leaseRequestProblem({ ...ok, notBefore: NaN })).toMatch(/numbers/);
    expect(leaseRequestProblem({ ...ok, maxWaitMs: -1 })).toMatch(/negative/);
    expect(leaseRequestProblem({ ...ok, spreadUntil: ok.spreadFrom - 1 })).toMatch(/10 s/);
    expect(leaseRequestProblem({ ...ok, spreadUntil: ok.spreadFrom + 20_000 })).toMatch(/10 s/);
    expect(leaseRequestProblem({ ...ok, spreadFrom: 120_000, spreadUntil: 121_000 })).toMatch(/within a minute/);
  });
});
