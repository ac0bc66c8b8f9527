/**
 * A send prepares (opens its connection) before its slot. When the slot is too close for that, the send
 * waits for its connection, and the wait counts as lateness: a connection that made it late costs the slot
 * (the request asks for the next one) instead of landing next to an on-time neighbour at the service.
 */
import { describe, expect, it } from 'vitest';
import { SlotClient } from '../../lib/server/ratelimit/client';

/** Grants the given slots in order, relative to the moment each is asked for; no limiter workflow. */
class ScriptedSlots extends SlotClient {
  readonly asked: number[] = [];
  constructor(private readonly offsets: number[]) {
    super({ client: () => Promise.reject(new Error('not used')), taskQueue: 'unused', jitterBudgetMs: 40 });
  }
  override async acquire(): Promise<number> {
    const slotAt = Date.now() + this.offsets[this.asked.length]!;
    this.asked.push(slotAt);
    return slotAt;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('preparing a send before its slot', () => {
  it('sends on a slot that is due now when the connection is ready in time', async () => {
    const slots = new ScriptedSlots([0, 200]);
    const slotAt = await slots.waitForTurn('i', 5, null, sleep, () => Promise.resolve());
    expect(slots.asked).toHaveLength(1);
    expect(slotAt).toBe(slots.asked[0]);
  });

  it('gives up a slot that opening the connection made late, and takes the next one', async () => {
    const slots = new ScriptedSlots([0, 200]);
    let connected = false;
    const slotAt = await slots.waitForTurn('i', 5, null, sleep, () => (connected ? undefined : sleep(60).then(() => void (connected = true))));
    expect(slots.asked).toHaveLength(2);
    expect(slotAt).toBe(slots.asked[1]);
    expect(Date.now() - slotAt).toBeLessThan(60);
  });

  it('prepares a distant slot ahead of it, so the connection is ready when the slot comes', async () => {
    const slots = new ScriptedSlots([700]);
    let preparedAt = 0;
    const slotAt = await slots.waitForTurn('i', 5, null, sleep, () => sleep(60).then(() => void (preparedAt = Date.now())));
    expect(slots.asked).toHaveLength(1);
    expect(preparedAt).toBeLessThan(slotAt);
  });
});
