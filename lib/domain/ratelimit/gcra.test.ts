import { describe, expect, it } from 'vitest';
import { grant, initialState, intervalMs, release, status } from './gcra';

const input = (n: number, maxWaitMs = 60_000, ratePerSecond = 5) => ({ ratePerSecond, jitterBudgetMs: 40, requests: Array.from({ length: n }, () => ({ maxWaitMs })) });

describe('GCRA schedule', () => {
  it('spaces grants by (1000 + jitter budget) / rate, starting now', () => {
    const state = initialState();
    const grants = grant(state, input(4), 1000);
    expect(grants).toEqual([{ slotAt: 1000 }, { slotAt: 1208 }, { slotAt: 1416 }, { slotAt: 1624 }]);
    expect(intervalMs(0.5, 40)).toBe(2080);
  });

  it('never puts more than R slots in any one-second window, across batches and idle gaps', () => {
    const state = initialState();
    const slots: number[] = [];
    for (const [now, n] of [[0, 7], [300, 3], [5000, 12], [5100, 1]] as const) {
      for (const g of grant(state, input(n), now)) if ('slotAt' in g) slots.push(g.slotAt);
    }
    slots.sort((a, b) => a - b);
    for (let i = 0; i < slots.length; i++) expect(slots.filter((t) => t >= slots[i]! && t < slots[i]! + 1000).length).toBeLessThanOrEqual(5);
  });

  it('refuses a request whose slot is further away than it may wait, without moving the schedule', () => {
    const state = initialState();
    grant(state, input(3), 0);
    const tat = state.tat;
    expect(grant(state, input(1, 100), 0)).toEqual([{ rejected: true, waitMs: 624 }]);
    expect(state.tat).toBe(tat);
  });

  it('a rate change applies to the next grants', () => {
    const state = initialState();
    grant(state, input(2, 60_000, 1), 0); // slots 0 and 1040
    const [next, after] = grant(state, input(2, 60_000, 10), 0);
    expect(next).toEqual({ slotAt: 2080 });
    expect(after).toEqual({ slotAt: 2080 + 104 });
  });

  it('reuses a released future slot before moving the schedule, so nobody behind it is shifted', () => {
    const state = initialState();
    grant(state, input(5), 0); // 0, 208, 416, 624, 832; tat 1040
    release(state, [416, -5], 100);
    expect(state.released).toEqual([416]);
    expect(grant(state, input(2), 150)).toEqual([{ slotAt: 416 }, { slotAt: 1040 }]);
    release(state, [900], 100);
    expect(grant(state, input(1), 1000)).toEqual([{ slotAt: 1248 }]);
  });

  it('reports grants of the last minute, waiting slots and the expected wait', () => {
    const state = initialState();
    grant(state, input(6), 0);
    expect(status(state, 500)).toEqual({ grantsLastMinute: 3, waiting: 3, expectedWaitMs: 748 });
    expect(status(state, 70_000)).toEqual({ grantsLastMinute: 0, waiting: 0, expectedWaitMs: 0 });
  });
});
