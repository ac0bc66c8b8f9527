/** The canvas counts' ranges and shape (lib/server/logs/counts.ts reads them). */
export const COUNT_RANGES = ['24h', '7d', '30d'] as const;
export type CountRange = (typeof COUNT_RANGES)[number];
export const COUNT_RANGE_HOURS: Record<CountRange, number> = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24 };

interface Count {
  entered: number;
  succeeded: number;
  failed: number;
}

export interface StepCounts {
  /** the start of the first hour counted */
  since: string;
  /** the runs themselves (shown on the trigger) */
  runs: Count;
  /** per node id; `outputs` holds, for a branch, the runs that took each output */
  steps: Record<string, Count & { outputs: Record<string, number> }>;
}
