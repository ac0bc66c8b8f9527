'use client';
import { useMemo } from 'react';
import type { FlowGraph } from '@/lib/domain/flow/graph';
import { webhooksAvailableAt } from '@/lib/domain/flow/compile';
import type { EditorNode, EditorStore } from '@/components/flows/canvas/store';
import { useView, type CatalogEntry } from '../editor-context';
import { NodePanel } from '../NodePanel';
import { RunsPanel, VersionsPanel } from '../FlowSidePanels';
import { ConnectionsPanel } from './ConnectionsPanel';
import type { EditorFlow } from './types';

export type InspectorTab = 'step' | 'runs' | 'versions';

/**
 * The right panel, in three tabs: the selected step's settings (or, on a read-only version, the clicked
 * step's, disabled), the recent runs, and the published versions.
 */
export function EditorInspector({
  tab,
  onTab,
  flow,
  editor,
  structure,
  catalog,
  catalogMap,
  selectedNodes,
  readOnly,
  inspectedNode,
  watchedRun,
  onWatch,
  viewingVersion,
  onOpenVersion,
}: {
  tab: InspectorTab;
  onTab: (tab: InspectorTab) => void;
  flow: EditorFlow;
  editor: EditorStore;
  /** the store's structure counter: what runs before a step changes with the connections */
  structure: number;
  catalog: CatalogEntry[];
  catalogMap: ReadonlyMap<string, CatalogEntry>;
  selectedNodes: EditorNode[];
  readOnly: boolean;
  /** the step clicked on a read-only version */
  inspectedNode: EditorNode | null;
  watchedRun: string | null;
  onWatch: (runId: string) => void;
  viewingVersion: number | null;
  onOpenVersion: (version: number, graph: FlowGraph) => void;
}) {
  const problems = useView((v) => v.problems);
  const selected = selectedNodes.length === 1 ? selectedNodes[0]! : null;
  const selectedId = selected?.id ?? null;
  const upstream = useMemo(() => {
    if (!selectedId) return [];
    const available = new Set(webhooksAvailableAt(editor.getState().graph(), selectedId, catalogMap));
    return catalog.filter((w) => available.has(w.systemName));
    // `structure` is a dependency on purpose: what runs before a step changes with the connections.
  }, [selectedId, structure, catalog, catalogMap, editor]);

  return (
    <aside className="flow-panel" aria-label="Inspector" id="flow-inspector">
      <div className="tabs" role="tablist">
        {(['step', 'runs', 'versions'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => onTab(t)}>
            {t === 'step' ? 'Step' : t === 'runs' ? 'Runs' : 'Versions'}
          </button>
        ))}
      </div>
      {tab === 'step' ? (
        inspectedNode ? (
          <NodePanel key={`v-${inspectedNode.id}`} node={inspectedNode} webhooks={catalog} upstream={[]} onChange={() => undefined} problems={[]} readOnly />
        ) : readOnly ? (
          <p className="muted">Click a step to see its settings. This version is read-only.</p>
        ) : selected ? (
          <>
            <NodePanel key={selected.id} node={selected} webhooks={catalog} upstream={upstream} onChange={(data) => editor.getState().updateNodeData(selected.id, data)} problems={problems[selected.id] ?? []} />
            <ConnectionsPanel key={`c-${selected.id}`} editor={editor} node={selected} catalog={catalogMap} />
          </>
        ) : selectedNodes.length > 1 ? (
          <p className="muted">{selectedNodes.length} steps selected. Drag to move them together, Ctrl/Cmd+C to copy, Backspace to delete.</p>
        ) : (
          <p className="muted">
            Select a step to edit it (Tab to a step, then Enter). Connect steps by dragging from a step&apos;s bottom handle to another step, or choose where each output leads
            under Connections here.
          </p>
        )
      ) : null}
      {tab === 'runs' ? <RunsPanel flowId={flow.id} watched={watchedRun} onWatch={onWatch} /> : null}
      {tab === 'versions' ? <VersionsPanel flowId={flow.id} versions={flow.versions} viewing={viewingVersion} onOpen={onOpenVersion} /> : null}
    </aside>
  );
}
