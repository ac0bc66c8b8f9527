'use client';
import { COUNT_RANGES, type CountRange } from '@/lib/domain/logs/counts';
import { ErrorBanner } from '../../ui';
import type { StepCountsState } from './useStepCounts';

const LABELS: Record<CountRange, string> = { '24h': '24 h', '7d': '7 d', '30d': '30 d' };

/** Above the canvas of a published flow: which range the step counts cover, or off. */
export function StepCountsBar({ state }: { state: StepCountsState }) {
  if (!state.published) return null;
  const runs = state.counts.data?.runs;
  return (
    <div className="counts-bar" role="group" aria-label="Step counts">
      <span>Runs per step, last</span>
      {COUNT_RANGES.map((range) => (
        <button key={range} type="button" className={`tab${state.range === range ? ' active' : ''}`} aria-pressed={state.range === range} onClick={() => state.setRange(range)}>
          {LABELS[range]}
        </button>
      ))}
      <button type="button" className={`tab${state.range === null ? ' active' : ''}`} aria-pressed={state.range === null} onClick={() => state.setRange(null)}>
        Off
      </button>
      {state.range !== null && runs ? (
        <span className="muted" data-testid="counts-summary">
          {runs.entered} finished run{runs.entered === 1 ? '' : 's'} ({runs.failed} failed). Click a count to see its attempts in the log.
        </span>
      ) : null}
      {state.counts.isError ? <ErrorBanner error={new Error(`Could not load the counts: ${state.counts.error.message}`)} /> : null}
    </div>
  );
}
