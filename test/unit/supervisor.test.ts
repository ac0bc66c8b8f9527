/**
 * npm start's supervisor on real child processes: a child that dies is started again with back-off, one that
 * keeps dying is given up on, and stopping the group restarts nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProcessGroup, spawnChild } from '../../scripts/processes';

const FAST = { maxRestarts: 2, windowMs: 10_000, baseDelayMs: 50, maxDelayMs: 200 };
let group: ProcessGroup | null = null;

afterEach(async () => {
  await group?.stopAll(1000);
  group = null;
  vi.restoreAllMocks();
});

const node = (code: string) => () => spawnChild(process.execPath, ['-e', code]);

describe('ProcessGroup.supervise', () => {
  it('restarts a child that keeps exiting, with growing delays, then gives up and reports it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const gaveUp: [string, number | null][] = [];
    group = new ProcessGroup((name, code) => gaveUp.push([name, code]));
    const starts: number[] = [];
    const start = node('process.exit(3)');
    group.supervise('flaky', () => {
      starts.push(Date.now());
      return start();
    }, FAST);
    await expect.poll(() => gaveUp, { timeout: 10_000 }).toEqual([['flaky', 3]]);
    expect(starts).toHaveLength(3);
    // At least 50 ms, then at least 100 ms: lower bounds only, since each gap also holds a process start,
    // which takes longer than the difference between the delays on a loaded machine.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(45);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(95);
    expect(vi.mocked(console.error).mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringContaining('flaky exited with code 3; restarting in 0.05 s (restart 1 of 2'),
      expect.stringContaining('flaky exited with code 3; restarting in 0.1 s (restart 2 of 2'),
      expect.stringContaining('flaky exited with code 3 3 times within 10 s; giving up.'),
    ]);
  });

  it('starts a killed child again, and stopping the group starts nothing more', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const gaveUp: string[] = [];
    group = new ProcessGroup((name) => gaveUp.push(name));
    const children: ChildProcess[] = [];
    const start = node('setInterval(() => {}, 1000)');
    group.supervise('worker', () => {
      const child = start();
      children.push(child);
      return child;
    }, FAST);
    await expect.poll(() => children[0]?.pid).toBeDefined();
    process.kill(children[0]!.pid!, 'SIGKILL');
    await expect.poll(() => children.length).toBe(2);
    expect(children[1]!.pid).not.toBe(children[0]!.pid);
    expect(vi.mocked(console.error).mock.calls[0]![0]).toContain('worker exited on SIGKILL; restarting in 0.05 s');

    await group.stopAll(1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(children).toHaveLength(2);
    expect(children[1]!.exitCode !== null || children[1]!.signalCode !== null).toBe(true);
    expect(gaveUp).toEqual([]);
  });
});
