import { useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowGraph, FlowNode } from '@/lib/domain/flow/graph';
import type { EditorNode, EditorStore } from '@/components/flows/canvas/store';
import type { RunOverlay } from '@/components/flows/canvas/overlay';
import type { ViewStore } from '../editor-context';

interface ShownRun {
  /** the graph of the version the watched run ran, if any */
  graph: FlowGraph | null;
  /** whether the draft has changed since that version */
  differs: boolean;
  version: number | null;
  overlay: RunOverlay | null;
}

/**
 * A version on the canvas instead of the draft, read-only: the one opened from the Versions tab (`open`),
 * or else the version a watched run ran when the draft has changed since. Clicking a step inspects it
 * (`inspect`); `restore` makes the opened version the draft as one undo step. The view store's `readOnly`
 * follows, and the canvas fits the graph shown whenever it changes.
 */
export function useVersionView(editor: EditorStore, view: ViewStore, run: ShownRun, notify: (message: string) => void) {
  const reactFlow = useReactFlow<EditorNode>();
  const [viewing, setViewing] = useState<{ version: number; graph: FlowGraph } | null>(null);
  const { graph: runGraph, differs: runDiffers, version: runVersion, overlay } = run;
  // Stable objects: xyflow measures new node objects again, and hides them until it has.
  const shownVersion = useMemo(
    () => viewing ?? (runGraph && runDiffers && runVersion !== null ? { version: runVersion, graph: runGraph } : null),
    [viewing, runGraph, runDiffers, runVersion],
  );
  const readOnly = shownVersion !== null;
  // In a read-only version, clicking a step shows its settings (disabled) in the inspector.
  const [inspected, setInspected] = useState<string | null>(null);
  const readOnlyNodes = useMemo(
    () =>
      shownVersion?.graph.nodes.map((n: FlowNode) => ({ id: n.id, type: n.type, position: n.position, data: n.data ?? {}, draggable: false, selectable: false, connectable: false }) as EditorNode) ??
      null,
    [shownVersion],
  );
  const inspectedNode = readOnlyNodes?.find((n) => n.id === inspected) ?? null;
  const readOnlyEdges = useMemo(
    () =>
      shownVersion?.graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: e.sourceHandle ?? null,
        ...(overlay?.taken.has(e.id) ? { animated: true, className: 'flow-edge-taken' } : {}),
      })) ?? null,
    [shownVersion, overlay],
  );
  useEffect(() => view.setState({ readOnly: shownVersion !== null }), [shownVersion, view]);
  const previousShown = useRef(shownVersion);
  useEffect(() => {
    // Another graph on screen (a version, the version a run ran, or the draft again): show all of it once
    // measured. Never on first render: an empty canvas must not move under the first drop.
    if (previousShown.current === shownVersion) return;
    previousShown.current = shownVersion;
    const timer = setTimeout(() => void reactFlow.fitView({ duration: 200, maxZoom: 1 }), 100);
    return () => clearTimeout(timer);
  }, [shownVersion, reactFlow]);

  return {
    /** the version opened from the Versions tab */
    viewing,
    open: (version: number, graph: FlowGraph) => setViewing({ version, graph }),
    close: () => setViewing(null),
    restore: () => {
      if (!viewing) return;
      editor.getState().replace(viewing.graph);
      setViewing(null);
      notify(`Version ${viewing.version} is the draft now. Undo brings back what you had.`);
    },
    readOnly,
    /** what the canvas shows instead of the draft, or null for the draft */
    nodes: readOnlyNodes,
    edges: readOnlyEdges,
    inspectedNode,
    inspect: setInspected,
  };
}
