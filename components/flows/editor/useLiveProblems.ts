import { useEffect, useMemo } from 'react';
import { compileFlow, type FlowProblem } from '@/lib/domain/flow/compile';
import type { EditorStore } from '@/components/flows/canvas/store';
import type { CatalogEntry, ViewStore } from '../editor-context';

/** Problems per node, keeping each node's array identity while its problems are unchanged (fewer re-renders). */
function problemsByNode(problems: FlowProblem[], edgesById: Map<string, string>, previous: Record<string, string[]>): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  for (const problem of problems) {
    const nodeId = problem.nodeId ?? (problem.edgeId ? edgesById.get(problem.edgeId) : undefined);
    if (nodeId) (next[nodeId] ??= []).push(problem.message);
  }
  for (const [id, list] of Object.entries(next)) if (previous[id]?.join('\n') === list.join('\n')) next[id] = previous[id]!;
  return next;
}

/**
 * Live validation with the runtime's own validator; moves do not change validity, so they skip it
 * (`structure` is the store's counter of every change except moves). Each problem also goes to the view
 * store under its step (an edge's problem under the edge's source), where the step's badge reads it.
 */
export function useLiveProblems(editor: EditorStore, view: ViewStore, structure: number, catalog: ReadonlyMap<string, CatalogEntry>): FlowProblem[] {
  const problems = useMemo<FlowProblem[]>(() => {
    const result = compileFlow(editor.getState().graph(), catalog);
    // `structure` is the dependency that matters: it changes with every edit except moves.
    return result.ok || structure < 0 ? [] : result.problems;
  }, [structure, editor, catalog]);
  useEffect(() => {
    const edgeSource = new Map(editor.getState().edges.map((e) => [e.id, e.source]));
    view.setState((v) => ({ problems: problemsByNode(problems, edgeSource, v.problems) }));
  }, [problems, editor, view]);
  return problems;
}
