'use client';
/**
 * The flow canvas. Marketers drag steps in from the palette (onto a connection to insert into it), connect
 * them under the connection rules, edit the selected step in the inspector, and see every validation
 * problem on its step as they go. Undo/redo, copy/paste/duplicate, tidy-up and autosave come from the
 * editor store; publishing shows what changed; test events light up the path a run takes.
 *
 * This module loads the flow and composes the editor; each concern is a hook or a component in editor/.
 */
import '@xyflow/react/dist/style.css';
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { FlowGraph } from '@/lib/domain/flow/graph';
import { createEditorStore } from '@/components/flows/canvas/store';
import { useTRPC } from '../trpc';
import { ErrorBanner, Loading, useTitle } from '../ui';
import { createViewStore, ViewProvider, type CatalogEntry, type ViewStore } from './editor-context';
import type { EditorFlow } from './editor/types';
import { useLiveProblems } from './editor/useLiveProblems';
import { useFlowLifecycle } from './editor/useFlowLifecycle';
import { useStepPlacement } from './editor/useStepPlacement';
import { useEditorShortcuts } from './editor/useEditorShortcuts';
import { useRunOverlay } from './editor/useRunOverlay';
import { useVersionView } from './editor/useVersionView';
import { useAutosave } from './editor/useAutosave';
import { useStepCounts } from './editor/useStepCounts';
import { StepCountsBar } from './editor/StepCountsBar';
import { EditorToolbar } from './editor/EditorToolbar';
import { EditorNotices, RunBanner, VersionBanner } from './editor/EditorBanners';
import { StepPalette } from './editor/StepPalette';
import { EditorCanvas } from './editor/EditorCanvas';
import { EditorInspector, type InspectorTab } from './editor/EditorInspector';

export function FlowEditor({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const flow = useQuery(trpc.flows.get.queryOptions({ id: flowId }, { refetchOnWindowFocus: false }));
  const catalog = useQuery(trpc.flows.catalog.queryOptions());
  useTitle(flow.data?.name ?? 'Flow');
  if (flow.isPending || catalog.isPending) return <main className="page"><Loading what="flow" /></main>;
  // Only a failed first load replaces the editor: a failed background refetch must not throw away edits.
  if (!flow.data) return <main className="page"><ErrorBanner error={flow.error} /></main>;
  if (!catalog.data) return <main className="page"><ErrorBanner error={catalog.error} /></main>;
  return (
    <ReactFlowProvider>
      <Editor key={flow.data.id} flow={flow.data} catalog={catalog.data} />
    </ReactFlowProvider>
  );
}

function Editor({ flow, catalog }: { flow: EditorFlow; catalog: CatalogEntry[] }) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const [editor] = useState(() => createEditorStore(flow.draftGraph as FlowGraph, { eventType: flow.triggerEventType }));
  const [view] = useState<ViewStore>(() => createViewStore(catalog));
  // Fit the view to the flow when it opens, but not on an empty canvas (xyflow would fit to the first step
  // dropped and move the canvas under the marketer's pointer), nor on a new flow's lone trigger: that one is
  // shown at the top, in the middle, at full size, with room below for what comes next.
  const [fitOnOpen] = useState(() => editor.getState().nodes.length > 1);
  const [loneTrigger] = useState(() => (editor.getState().nodes.length === 1 && editor.getState().nodes[0]!.type === 'trigger' ? editor.getState().nodes[0]!.position : null));
  const nodes = useStore(editor, (s) => s.nodes);
  const edges = useStore(editor, (s) => s.edges);
  const structure = useStore(editor, (s) => s.structure);
  const catalogMap = useMemo(() => new Map(catalog.map((c) => [c.id, c])), [catalog]);
  // Webhook steps show the catalog as it is now (a webhook renamed in another tab shows its new name).
  useEffect(() => view.setState({ catalog: Object.fromEntries(catalog.map((c) => [c.id, c])) }), [catalog, view]);
  useEffect(() => {
    // The canvas benchmark measures render time from here (bench/canvas.ts).
    performance.mark('hookflow:editor-mounted');
  }, []);
  const [tab, setTab] = useState<InspectorTab>('step');
  const [notice, setNotice] = useState<string | null>(null);

  const lifecycle = useFlowLifecycle(flow.id);
  const problems = useLiveProblems(editor, view, structure, catalogMap);
  const selectedNodes = nodes.filter((n) => n.selected);
  const placement = useStepPlacement(editor, canvasRef, selectedNodes.length === 1 ? selectedNodes[0]! : null, () => setTab('step'));
  useEditorShortcuts(editor, view, placement.viewportCentre, setNotice);
  // The run being watched lights up its path; a version (opened, or the one the run ran) can replace the draft.
  const run = useRunOverlay(editor, view, structure, edges);
  const version = useVersionView(editor, view, { graph: run.runGraph, differs: run.runDiffers, version: run.runVersion, overlay: run.overlay }, setNotice);
  const autosave = useAutosave(editor, flow.id, version.viewing !== null);
  const counts = useStepCounts(view, flow.id, flow.versions.length > 0);

  return (
    <ViewProvider value={view}>
      <main className="flow-page">
        <EditorToolbar
          flow={flow}
          editor={editor}
          autosave={autosave}
          lifecycle={lifecycle}
          readOnly={version.readOnly}
          problemCount={problems.length}
          catalog={catalogMap}
          onTestRun={(runId) => {
            run.watch(runId);
            setTab('runs');
          }}
        />
        <EditorNotices error={autosave.error ?? lifecycle.error} publishedVersion={lifecycle.publishedVersion} notice={notice} onDismiss={() => setNotice(null)} />
        <VersionBanner viewing={version.viewing} onRestore={version.restore} onBack={version.close} />
        <RunBanner run={run} versionOpen={version.viewing !== null} />
        <StepCountsBar state={counts} />
        <div className="flow-body">
          <StepPalette readOnly={version.readOnly} hasTrigger={nodes.some((n) => n.type === 'trigger')} problems={problems} onAdd={placement.addFromPalette} onFocus={placement.focusNode} />
          <EditorCanvas
            editor={editor}
            canvasRef={canvasRef}
            nodes={version.nodes ?? nodes}
            edges={version.edges ?? run.displayEdges}
            draftNodeCount={nodes.length}
            readOnly={version.readOnly}
            fitOnOpen={fitOnOpen}
            topCentre={loneTrigger}
            eventType={flow.triggerEventType}
            onDrop={placement.dropStep}
            notify={setNotice}
            onInspect={(nodeId) => {
              version.inspect(nodeId);
              setTab('step');
            }}
          />
          <EditorInspector
            tab={tab}
            onTab={setTab}
            flow={flow}
            editor={editor}
            structure={structure}
            catalog={catalog}
            catalogMap={catalogMap}
            selectedNodes={selectedNodes}
            readOnly={version.readOnly}
            inspectedNode={version.inspectedNode}
            watchedRun={run.watchedRun}
            onWatch={run.watch}
            viewingVersion={version.viewing?.version ?? null}
            onOpenVersion={(opened, graph) => {
              run.watch(null);
              version.open(opened, graph);
            }}
          />
        </div>
      </main>
    </ViewProvider>
  );
}
