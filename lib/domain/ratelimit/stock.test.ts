import { describe, expect, it } from 'vitest';
import type { LeaseGrant } from './lease';
import { SlotStock } from './stock';

const grant = (slots: number[], fields: Partial<LeaseGrant> = {}): LeaseGrant => ({ slots, seq: 1, validUntil: 10_000, renewed: true, nextAt: 0, ...fields });

/** `n` arrivals spread over [from, to), then a plan at `to` */
function arrive(stock: SlotStock, n: number, from: number, to: number) {
  for (let i = 0; i < n; i++) stock.noteArrival(from + ((to - from) * i) / n);
}

describe('a worker process’s stock of slots', () => {
  it('hands out the earliest slot, skipping those already too far behind', () => {
    const stock = new SlotStock(10, 0);
    stock.receive(grant([100, 200, 300]));
    expect(stock.take(120)).toBe(200); // 100 is 20 ms behind: stale
    expect(stock.take(120)).toBe(300);
    expect(stock.take(120)).toBeUndefined();
    expect(stock.claimedCount).toBe(2);
  });

  it('asks only for the waiting requests while it sends rarely', () => {
    const stock = new SlotStock(10, 0);
    arrive(stock, 1, 0, 1000);
    const plan = stock.plan(1000, 1, 1020, 5000, 40, 'h');
    expect(stock.speculating()).toBe(false);
    expect(plan).toMatchObject({ holder: 'h', urgent: 1, spread: 0, notBefore: 1020, maxWaitMs: 5000, queued: 1, seen: 0 });
  });

  it('asks ahead for a lease period and a half of its demand once it sends often, less what it holds', () => {
    const stock = new SlotStock(1000, 0);
    arrive(stock, 50, 0, 500);
    stock.plan(500, 0, 520, 60_000, 40, 'h');
    expect(stock.demand).toBe(0); // one sample is not a trend yet
    arrive(stock, 50, 500, 1000);
    const first = stock.plan(1000, 0, 1020, 60_000, 40, 'h');
    expect(stock.demand).toBe(100);
    expect(first).toMatchObject({ urgent: 0, spread: 150, spreadFrom: 1020, spreadUntil: 2520 });
    stock.receive(grant(Array.from({ length: 150 }, (_, i) => 1020 + i * 10)));
    arrive(stock, 100, 1000, 2000);
    for (let i = 0; i < 100; i++) stock.take(1020 + i * 10);
    const next = stock.plan(2000, 0, 2020, 60_000, 40, 'h');
    // 50 left, ending at 2510: the next 100 go after them
    expect(next).toMatchObject({ spread: 100, spreadFrom: 2510, queued: 100 });
    expect(next.spreadUntil).toBe(3510);
  });

  it('asks for no stock ahead while its claimed backlog reaches well past the window (a burst)', () => {
    // 60 requests in half a second at R = 5/s: a forecast of 5/s, and claimed slots 12 s ahead.
    const stock = new SlotStock(5, 0);
    arrive(stock, 30, 0, 250);
    stock.plan(250, 30, 270, 60_000, 40, 'h');
    arrive(stock, 30, 250, 500);
    stock.receive(grant(Array.from({ length: 60 }, (_, i) => 300 + i * 208)));
    for (let i = 0; i < 60; i++) stock.take(500);
    const plan = stock.plan(500, 0, 520, 60_000, 40, 'h');
    expect(stock.speculating()).toBe(true);
    // Stock behind 12 s of backlog would go back unused when the burst is all there is, and leave a hole
    // in the schedule that the backlog's requests, holding later slots, cannot move into.
    expect(plan).toMatchObject({ urgent: 0, spread: 0 });
    // Once the backlog is within reach of the window, the forecast asks ahead again.
    for (let i = 0; i < 50; i++) stock.done(300 + i * 208);
    stock.plan(10_500, 0, 10_520, 60_000, 40, 'h');
    arrive(stock, 3, 10_500, 11_000);
    stock.plan(11_000, 0, 11_020, 60_000, 40, 'h');
    arrive(stock, 3, 11_000, 11_500);
    expect(stock.plan(11_500, 0, 11_520, 60_000, 40, 'h').spread).toBeGreaterThan(0);
  });

  it('counts a backlog only while its requests still hold their slots (a cancelled burst stops counting)', () => {
    const stock = new SlotStock(5, 0);
    stock.receive(grant([1000, 5000, 9000]));
    const [a, b, c] = [stock.take(900), stock.take(900), stock.take(900)];
    expect(stock.latestClaimed()).toBe(9000);
    stock.putBack(c!, 900);
    expect(stock.latestClaimed()).toBe(5000);
    stock.done(b!);
    stock.done(a!);
    expect(stock.latestClaimed()).toBe(0);
  });

  it('forecasts the lower of the last two samples, never above the limit: a lone burst does not make a trend', () => {
    const stock = new SlotStock(50, 0);
    arrive(stock, 100, 0, 1000);
    stock.plan(1000, 0, 1000, 1000, 40, 'h');
    arrive(stock, 80, 1000, 2000);
    stock.plan(2000, 0, 2000, 1000, 40, 'h');
    expect(stock.demand).toBe(50);
    arrive(stock, 30, 2000, 2100);
    stock.plan(3000, 0, 3000, 1000, 40, 'h');
    expect(stock.demand).toBe(30);
    stock.plan(4000, 0, 4000, 1000, 40, 'h');
    expect(stock.demand).toBe(0);
    expect(stock.speculating()).toBe(false);
  });

  it('sends only on confirmed slots: before the lease’s end, and not taken back when the lease had lapsed', () => {
    const stock = new SlotStock(10, 0);
    stock.receive(grant([1000, 2000, 3000], { validUntil: 1500 }));
    const early = stock.take(990)!;
    const late = stock.take(990)!;
    expect(stock.confirmed(early)).toBe(true);
    expect(stock.confirmed(late)).toBe(false);
    // The limiter had taken the lease back: everything from 1500 on is gone, claimed or not.
    stock.receive(grant([2500], { seq: 3, validUntil: 4000, renewed: false }));
    expect(stock.confirmed(late)).toBe(false);
    expect(stock.take(990)).toBe(2500);
    expect(stock.take(990)).toBeUndefined();
    stock.putBack(late, 1000);
    expect(stock.take(1000)).toBe(undefined);
  });

  it('takes back an unused slot, unless it is about to pass', () => {
    const stock = new SlotStock(10, 0);
    stock.receive(grant([100, 500]));
    const slot = stock.take(50)!;
    stock.putBack(slot, 60);
    expect(stock.take(60)).toBe(100);
    stock.putBack(100, 95);
    expect(stock.take(95)).toBe(500);
  });

  it('gives back what it will not need: all of it once quiet, the surplus beyond twice its forecast otherwise', () => {
    const stock = new SlotStock(100, 0);
    arrive(stock, 5, 0, 500);
    stock.plan(500, 0, 500, 1000, 40, 'h');
    arrive(stock, 5, 500, 1000);
    stock.plan(1000, 0, 1000, 1000, 40, 'h'); // demand 10/s: keep 15
    stock.receive(grant(Array.from({ length: 30 }, (_, i) => 1100 + i * 10)));
    expect(stock.excess(1000, false)).toEqual([]);
    stock.receive(grant(Array.from({ length: 10 }, (_, i) => 1500 + i * 10)));
    const back = stock.excess(1000, false);
    expect(back).toHaveLength(25);
    expect(stock.size).toBe(15);
    expect(stock.quiet(1000)).toBe(false);
    expect(stock.quiet(4000)).toBe(true);
    // once quiet, everything still ahead goes back (the slots about to pass stay)
    expect(stock.excess(1200, true)).toEqual([1220, 1230, 1240]);
    expect(stock.size).toBe(3);
    expect(stock.claimedCount).toBe(0);
  });
});
