/**
 * A browser story: tests that build on what earlier ones made (an integration, then its webhook, then a
 * flow that sends it), each of which still runs alone with `vitest -t`. Each step runs the steps it builds
 * on first, and every step runs at most once per file run, so the whole file is still one pass through
 * the UI, and a test picked alone replays the earlier steps through the UI before its own.
 */
import { it } from 'vitest';

export type Step = () => Promise<void>;

/** Time for a step and, when it runs alone, the steps before it. */
const STEP_TIMEOUT_MS = 600_000;

export function story() {
  let last: Step | undefined;
  /** Runs `body` once, after `after` (the previous step of this story unless given). */
  const prepare = (body: () => Promise<void>, after: Step[] = last ? [last] : []): Step => {
    let done: Promise<void> | undefined;
    const run: Step = () =>
      (done ??= (async () => {
        for (const earlier of after) await earlier();
        await body();
      })());
    last = run;
    return run;
  };
  /** A test of the story: its own checks, after the steps it builds on. */
  const step = (name: string, body: () => Promise<void>, after?: Step[]): Step => {
    const run = prepare(body, after);
    it(name, run, STEP_TIMEOUT_MS);
    return run;
  };
  return { step, prepare };
}
