import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { CountRange } from '@/lib/domain/logs/counts';
import { useTRPC } from '../../trpc';
import type { ViewStore } from '../editor-context';

/**
 * The counts overlay of a published flow: per step, the finished runs that entered it, succeeded and
 * failed over the chosen range, and per branch output the runs that took it. Handed to the steps through
 * the view store (each step subscribes to its own counts); refreshed every 15 s.
 */
export function useStepCounts(view: ViewStore, flowId: string, published: boolean) {
  const trpc = useTRPC();
  const [range, setRange] = useState<CountRange | null>('7d');
  const counts = useQuery(
    trpc.logs.stepCounts.queryOptions({ flowId, range: range ?? '24h' }, { enabled: published && range !== null, refetchInterval: 15_000 }),
  );
  useEffect(() => {
    if (!published || range === null || !counts.data) {
      view.setState({ counts: null });
      return;
    }
    view.setState({ counts: { ...counts.data, flowId } });
  }, [counts.data, published, range, flowId, view]);
  return { range, setRange, counts, published };
}

export type StepCountsState = ReturnType<typeof useStepCounts>;
