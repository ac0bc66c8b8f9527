import { describe, expect, it } from 'vitest';
import { GroupCommit, QueueFullError } from './group-commit';

/** A write that records its batches and finishes when told to. */
function controlledWrite() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const write = (items: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push(items);
      pending.push(() => (items.includes(13) ? reject(new Error('thirteen')) : resolve(items.map((i) => i * 10))));
    });
  const finishNext = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { batches, write, finishNext };
}

describe('group commit', () => {
  it('writes a lone item at once, and the items that arrive meanwhile together in the next write', async () => {
    const { batches, write, finishNext } = controlledWrite();
    const commit = new GroupCommit(write, { maxBatch: 10, maxQueue: 100 });
    const first = commit.submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((i) => commit.submit(i));
    expect(commit.waiting).toBe(3);
    await finishNext();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await finishNext();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('caps a write at maxBatch items', async () => {
    const { batches, write, finishNext } = controlledWrite();
    const commit = new GroupCommit(write, { maxBatch: 2, maxQueue: 100 });
    const all = [1, 2, 3, 4, 5].map((i) => commit.submit(i));
    for (let i = 0; i < 4; i++) await finishNext();
    await Promise.all(all);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('writes items submitted together in one write, past maxBatch, and each gets its own result', async () => {
    const { batches, write, finishNext } = controlledWrite();
    const commit = new GroupCommit(write, { maxBatch: 2, maxQueue: 100 });
    const first = commit.submit(1);
    const group = commit.submitAll([2, 3, 4, 5]);
    const after = commit.submit(6);
    for (let i = 0; i < 3; i++) await finishNext();
    expect(await first).toBe(10);
    expect(await Promise.all(group)).toEqual([20, 30, 40, 50]);
    expect(await after).toBe(60);
    expect(batches).toEqual([[1], [2, 3, 4, 5], [6]]);
  });

  it('refuses a whole group that does not fit in the queue', async () => {
    const { write, finishNext } = controlledWrite();
    const commit = new GroupCommit(write, { maxBatch: 10, maxQueue: 3 });
    const first = commit.submit(1);
    const refused = await Promise.allSettled(commit.submitAll([2, 3, 4, 5]));
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
    expect(commit.waiting).toBe(0);
    await finishNext();
    expect(await first).toBe(10);
  });

  it('when a write fails, writes each item alone so that only the bad one fails', async () => {
    const { batches, write, finishNext } = controlledWrite();
    const commit = new GroupCommit(write, { maxBatch: 10, maxQueue: 100 });
    const first = commit.submit(1);
    const [a, bad, b] = [12, 13, 14].map((i) => commit.submit(i));
    const badResult = bad!.catch((error: Error) => error.message);
    for (let i = 0; i < 5; i++) await finishNext();
    expect(await first).toBe(10);
    expect(await a).toBe(120);
    expect(await b).toBe(140);
    expect(await badResult).toBe('thirteen');
    expect(batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('refuses at once when the queue is full, and takes items again once it drains', async () => {
    const { write, finishNext } = controlledWrite();
    const commit = new GroupCommit(write, { maxBatch: 10, maxQueue: 2 });
    const accepted = [commit.submit(1), commit.submit(2), commit.submit(3)];
    await expect(commit.submit(4)).rejects.toBeInstanceOf(QueueFullError);
    await finishNext();
    await finishNext();
    await Promise.all(accepted);
    const fifth = commit.submit(5);
    await finishNext();
    await expect(fifth).resolves.toBe(50);
  });
});
