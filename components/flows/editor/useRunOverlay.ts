import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { EditorEdge, EditorStore } from '@/components/flows/canvas/store';
import { runOverlay } from '@/components/flows/canvas/overlay';
import { diffGraphs, isEmptyDiff } from '@/components/flows/canvas/diff';
import { useTRPC } from '../../trpc';
import type { NodeRunState, ViewStore } from '../editor-context';

/**
 * The run being watched (`watch(runId)`): its progress is polled every second while it runs (and, once it
 * ended, until the workflow itself answered with its path), and its path
 * lights up: the steps it reached (through the view store, so each step re-renders alone), the current one,
 * and the connections it took (`displayEdges`, the draft's edges with the taken ones marked). A run ran its
 * own version: `runDiffers` says the draft has changed since, and the version view then shows `runGraph`.
 * `structure` is the store's structure counter: the comparison with the draft is redone when it changes.
 */
export function useRunOverlay(editor: EditorStore, view: ViewStore, structure: number, edges: EditorEdge[]) {
  const trpc = useTRPC();
  const [watchedRun, setWatchedRun] = useState<string | null>(null);
  const progress = useQuery(
    trpc.runs.progress.queryOptions(
      { id: watchedRun ?? '' },
      {
        enabled: watchedRun !== null,
        // A finished run is asked once more while its path came from the attempt log only (the workflow did not
        // answer in time, as on a busy worker): the path from the workflow has every step, not just webhooks.
        refetchInterval: (q) => {
          const finished = q.state.data && ['completed', 'failed'].includes(q.state.data.status);
          if (q.state.status === 'error' || (finished && (q.state.data!.live || q.state.dataUpdateCount > 20))) return false;
          return finished ? 2_000 : 1_000;
        },
      },
    ),
  );
  // The run ran its own version: when the draft has changed since, that version is shown (read-only).
  const runGraph = progress.data && watchedRun ? progress.data.graph : null;
  // `structure`: recomputed when the draft's steps or connections change.
  const runDiffers = useMemo(() => (runGraph && structure >= 0 ? !isEmptyDiff(diffGraphs(runGraph, editor.getState().graph())) : false), [runGraph, editor, structure]);
  const overlay = useMemo(() => {
    if (!runGraph || !progress.data) return null;
    return runOverlay(runGraph, progress.data.path, progress.data.status === 'running' || progress.data.status === 'pending', progress.data.outputs);
  }, [runGraph, progress.data]);
  useEffect(() => {
    if (!overlay || !progress.data) {
      view.setState({ run: null });
      return;
    }
    const run: Record<string, NodeRunState> = {};
    for (const id of overlay.reached) run[id] = { reached: true, current: overlay.current === id, attempts: progress.data.attempts[id] };
    view.setState({ run });
  }, [overlay, progress.data, view]);

  const displayEdges = useMemo(() => {
    if (!overlay) return edges;
    return edges.map((e) => (overlay.taken.has(e.id) ? { ...e, animated: true, className: 'flow-edge-taken' } : e));
  }, [edges, overlay]);

  return {
    watchedRun,
    /** watches a run, or stops watching with null */
    watch: setWatchedRun,
    progress,
    runGraph,
    runDiffers,
    runVersion: progress.data?.version ?? null,
    overlay,
    displayEdges,
  };
}

export type RunOverlayState = ReturnType<typeof useRunOverlay>;
