/**
 * The jitter budget a worker asks its limiter for follows the tail of how late its sends really went
 * out: one late send in a window next to one on time is what puts R + 1 requests into a second.
 */
import { describe, expect, it } from 'vitest';
import { SlotClient } from '../../lib/server/ratelimit/client';

const client = () => new SlotClient({ client: () => Promise.reject(new Error('not used')), taskQueue: 'unused', jitterBudgetMs: 40 });

describe('jitter budget', () => {
  it('stays at the configured budget while sends go out on time', () => {
    const slots = client();
    for (let i = 0; i < 300; i++) slots.observeLateness(i % 7);
    expect(slots.jitterBudget()).toBe(40);
  });

  it('is not moved by a handful of samples', () => {
    const slots = client();
    for (let i = 0; i < 19; i++) slots.observeLateness(150);
    expect(slots.jitterBudget()).toBe(40);
  });

  it('grows with the slowest few sends in a hundred, not with the median', () => {
    const slots = client();
    // 97 of 100 sends on time, 3 of them 60 ms late: the median is 2 ms, the 99th percentile 60 ms.
    for (let i = 0; i < 300; i++) slots.observeLateness(i % 100 < 97 ? 2 : 60);
    expect(slots.jitterBudget()).toBe(85);
  });

  it('never asks for more than a fifth of a second, and recovers once sends are on time again', () => {
    const slots = client();
    for (let i = 0; i < 300; i++) slots.observeLateness(1_000);
    expect(slots.jitterBudget()).toBe(200);
    for (let i = 0; i < 300; i++) slots.observeLateness(1);
    expect(slots.jitterBudget()).toBe(40);
  });
});
