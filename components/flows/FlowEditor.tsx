'use client';
/**
 * The flow canvas. Marketers drag steps in from the palette (onto a connection to insert into it), connect
 * them under the connection rules, edit the selected step in the inspector, and see every validation
 * problem on its step as they go. Undo/redo, copy/paste/duplicate, tidy-up and autosave come from the
 * editor store; publishing shows what changed; test events light up the path a run takes.
 */
import '@xyflow/react/dist/style.css';
import { useQuery } from '@tanstack/react-query';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type IsValidConnection,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useStore } from 'zustand';
import { compileFlow, webhooksAvailableAt, type FlowProblem } from '@/lib/domain/flow/compile';
import type { FlowGraph, FlowNodeType } from '@/lib/domain/flow/graph';
import { createEditorStore, type EditorNode } from '@/components/flows/canvas/store';
import { DEFAULT_NODE_SIZE } from '@/components/flows/canvas/clipboard';
import { useTRPC } from '../trpc';
import { ErrorBanner, Loading, useTitle } from '../ui';
import { StatusBadge } from '../StatusBadge';
import { createViewStore, ViewProvider, type CatalogEntry, type ViewStore } from './editor-context';
import { nodeTypes } from './FlowNodes';
import { NodePanel } from './NodePanel';
import { RunsPanel, VersionsPanel } from './FlowSidePanels';
import type { EditorFlow } from './editor/types';
import { useAutosave } from './editor/useAutosave';
import { useEditorShortcuts } from './editor/useEditorShortcuts';
import { useRunOverlay } from './editor/useRunOverlay';
import { useFlowLifecycle } from './editor/useFlowLifecycle';
import { EditorToolbar } from './editor/EditorToolbar';
import { useVersionView } from './editor/useVersionView';

const DRAG_TYPE = 'application/x-hookflow-step';
const PALETTE: { type: FlowNodeType; label: string; hint: string }[] = [
  { type: 'trigger', label: 'Trigger', hint: 'Where the flow starts: an event type' },
  { type: 'webhook', label: 'Webhook', hint: 'Call an outside service' },
  { type: 'branch', label: 'Branch', hint: 'Route on what happened' },
  { type: 'wait', label: 'Wait', hint: 'Pause for a time' },
  { type: 'end', label: 'End', hint: 'The run ends here' },
];

export type { EditorFlow };

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

/** The minimap colours each step like its palette item (app/globals.css). */
const minimapClass = (node: { type?: string }) => `minimap-${node.type ?? 'step'}`;

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

function Editor({ flow, catalog }: { flow: EditorFlow; catalog: CatalogEntry[] }) {
  const reactFlow = useReactFlow<EditorNode>();
  const canvasRef = useRef<HTMLDivElement>(null);
  const [editor] = useState(() => createEditorStore(flow.draftGraph as FlowGraph, { eventType: flow.triggerEventType }));
  const [view] = useState<ViewStore>(() => createViewStore(catalog));
  // Fit the view to the flow when it opens, but not on an empty canvas: xyflow would fit to the first step
  // dropped and move the canvas under the marketer's pointer.
  const [fitOnOpen] = useState(() => editor.getState().nodes.length > 0);
  const nodes = useStore(editor, (s) => s.nodes);
  const edges = useStore(editor, (s) => s.edges);
  const structure = useStore(editor, (s) => s.structure);
  const actions = editor.getState();
  const selectedProblems = useStore(view, (v) => v.problems);
  const catalogMap = useMemo(() => new Map(catalog.map((c) => [c.id, c])), [catalog]);
  // Webhook steps show the catalog as it is now (a webhook renamed in another tab shows its new name).
  useEffect(() => view.setState({ catalog: Object.fromEntries(catalog.map((c) => [c.id, c])) }), [catalog, view]);

  useEffect(() => {
    // The canvas benchmark measures render time from here (bench/canvas.ts).
    performance.mark('hookflow:editor-mounted');
  }, []);
  const [tab, setTab] = useState<'step' | 'runs' | 'versions'>('step');
  const [notice, setNotice] = useState<string | null>(null);

  const lifecycle = useFlowLifecycle(flow.id);

  // Live validation with the runtime's own validator; moves do not change validity, so they skip it.
  const problems = useMemo<FlowProblem[]>(() => {
    const result = compileFlow(editor.getState().graph(), catalogMap);
    // `structure` is the dependency that matters: it changes with every edit except moves.
    return result.ok || structure < 0 ? [] : result.problems;
  }, [structure, editor, catalogMap]);
  useEffect(() => {
    const edgeSource = new Map(editor.getState().edges.map((e) => [e.id, e.source]));
    view.setState((v) => ({ problems: problemsByNode(problems, edgeSource, v.problems) }));
  }, [problems, editor, view]);

  const viewportCentre = useCallback(() => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect) return { x: 0, y: 0 };
    return reactFlow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
  }, [reactFlow]);

  useEditorShortcuts(editor, view, viewportCentre, setNotice);

  const isValidConnection = useCallback<IsValidConnection<Edge>>((c) => editor.getState().canConnect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle }).ok, [editor]);
  const onConnect = useCallback(
    (c: Connection) => {
      const verdict = editor.getState().connect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle });
      if (!verdict.ok) setNotice(verdict.reason);
    },
    [editor],
  );

  const hasTrigger = nodes.some((n) => n.type === 'trigger');
  const selectedNodes = nodes.filter((n) => n.selected);
  const selected = selectedNodes.length === 1 ? selectedNodes[0]! : null;

  const addFromPalette = (type: FlowNodeType) => {
    const centre = viewportCentre();
    const from = selected && type !== 'trigger' ? selected : null;
    const position = from ? { x: from.position.x, y: from.position.y + 140 } : { x: centre.x - DEFAULT_NODE_SIZE.width / 2, y: centre.y - DEFAULT_NODE_SIZE.height / 2 };
    while (editor.getState().nodes.some((n) => Math.abs(n.position.x - position.x) < 180 && Math.abs(n.position.y - position.y) < 90)) position.y += 110;
    actions.addNode(type, position, { connectFrom: from?.id });
    setTab('step');
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    const type = event.dataTransfer.getData(DRAG_TYPE) as FlowNodeType;
    if (!type) return;
    event.preventDefault();
    const edgeElement = document.elementsFromPoint(event.clientX, event.clientY).map((el) => el.closest('.react-flow__edge')).find(Boolean);
    const point = reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    actions.addNode(type, { x: point.x - DEFAULT_NODE_SIZE.width / 2, y: point.y - DEFAULT_NODE_SIZE.height / 2 }, { intoEdge: edgeElement?.getAttribute('data-id') ?? undefined });
    setTab('step');
  };

  const focusNode = (id: string) => {
    actions.select([id]);
    const node = reactFlow.getNode(id);
    if (node) void reactFlow.setCenter(node.position.x + (node.measured?.width ?? DEFAULT_NODE_SIZE.width) / 2, node.position.y + 40, { zoom: Math.max(reactFlow.getZoom(), 1), duration: 300 });
    setTab('step');
  };

  // The run being watched lights up its path; a version (opened, or the one the run ran) can replace the draft.
  const run = useRunOverlay(editor, view, structure, edges);
  const version = useVersionView(editor, view, { graph: run.runGraph, differs: run.runDiffers, version: run.runVersion, overlay: run.overlay }, setNotice);
  const readOnly = version.readOnly;
  const autosave = useAutosave(editor, flow.id, version.viewing !== null);

  const error = autosave.error ?? lifecycle.error;
  const selectedId = selected?.id ?? null;
  const upstream = useMemo(() => {
    if (!selectedId) return [];
    const available = new Set(webhooksAvailableAt(editor.getState().graph(), selectedId, catalogMap));
    return catalog.filter((w) => available.has(w.systemName));
    // `structure` is a dependency on purpose: what runs before a step changes with the connections.
  }, [selectedId, structure, catalog, catalogMap, editor]);

  return (
    <ViewProvider value={view}>
      <main className="flow-page">
        <EditorToolbar
          flow={flow}
          editor={editor}
          autosave={autosave}
          lifecycle={lifecycle}
          readOnly={readOnly}
          problemCount={problems.length}
          catalog={catalogMap}
          onTestRun={(runId) => {
            run.watch(runId);
            setTab('runs');
          }}
        />
        <ErrorBanner error={error} />
        {lifecycle.publishedVersion !== null ? (
          <div className="banner banner-ok" role="status">
            Published version {lifecycle.publishedVersion}. New events run it; running runs keep their version.
          </div>
        ) : null}
        {notice ? (
          <div className="banner banner-info" role="status">
            {notice}{' '}
            <button type="button" className="link-like" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        ) : null}
        {version.viewing ? (
          <div className="banner banner-info" role="status">
            Viewing version {version.viewing.version}, read-only.{' '}
            <button type="button" onClick={version.restore}>
              Restore as draft
            </button>{' '}
            <button type="button" onClick={version.close}>
              Back to the draft
            </button>
          </div>
        ) : null}
        {run.watchedRun && run.progress.isError ? <ErrorBanner error={new Error(`Could not follow the run: ${run.progress.error.message}`)} /> : null}
        {run.watchedRun && run.progress.data ? (
          <div className="banner banner-info run-banner" role="status" data-testid="run-banner">
            Watching a run of v{run.progress.data.version}
            {run.runDiffers && !version.viewing ? ' (shown as v' + run.progress.data.version + ' ran it; the draft has changed since)' : ''}: <StatusBadge status={run.progress.data.status} />{' '}
            <a href={run.progress.data.temporalUrl} target="_blank" rel="noreferrer">
              Open in Temporal ↗
            </a>{' '}
            <a href={`/runs/${run.progress.data.id}`}>Requests and responses</a>{' '}
            <button type="button" className="link-like" onClick={() => run.watch(null)}>
              Stop watching
            </button>
          </div>
        ) : null}
        <div className="flow-body">
          <aside className="flow-palette" aria-label="Add a step">
            <h2>Add a step</h2>
            <p className="hint">Drag a step onto the canvas (onto a connection to insert it there), or click to add it after the selected step.</p>
            {PALETTE.map((item) => {
              const disabled = readOnly || (item.type === 'trigger' && hasTrigger);
              return (
                <button
                  key={item.type}
                  type="button"
                  className={`palette-item palette-${item.type}`}
                  draggable={!disabled}
                  disabled={disabled}
                  title={item.type === 'trigger' && hasTrigger ? 'A flow has one trigger' : item.hint}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(DRAG_TYPE, item.type);
                    event.dataTransfer.effectAllowed = 'move';
                  }}
                  onClick={() => addFromPalette(item.type)}
                >
                  + {item.label}
                </button>
              );
            })}
            <div className="flow-problems" aria-live="polite" data-testid="flow-problems">
              <h2 className={problems.length ? 'error' : 'ok'}>{problems.length === 0 ? '✓ Ready to publish' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}</h2>
              <ul className="plain-list">
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.nodeId ? (
                      <button type="button" className="link-like" onClick={() => focusNode(p.nodeId!)}>
                        {p.message}
                      </button>
                    ) : (
                      p.message
                    )}
                  </li>
                ))}
              </ul>
            </div>
            <p className="hint shortcuts">
              Ctrl/Cmd+Z undo · Shift+Ctrl/Cmd+Z redo · Ctrl/Cmd+C, V copy and paste · Ctrl/Cmd+D duplicate · Backspace delete · Shift+drag to select several
            </p>
          </aside>
          <div className="flow-canvas" data-testid="flow-canvas" ref={canvasRef} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop}>
            {nodes.length === 0 && !readOnly ? (
              <div className="canvas-empty" role="note">
                <strong>Start with a trigger.</strong> Drag <em>Trigger</em> from the left onto the canvas: the flow runs for every <code>{flow.triggerEventType}</code> event. Then add webhooks, branches, waits and an End.
              </div>
            ) : null}
            <ReactFlow<EditorNode>
              nodes={version.nodes ?? nodes}
              edges={version.edges ?? run.displayEdges}
              nodeTypes={nodeTypes}
              onNodesChange={readOnly ? undefined : actions.onNodesChange}
              onEdgesChange={readOnly ? undefined : actions.onEdgesChange}
              onConnect={onConnect}
              isValidConnection={isValidConnection}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              elementsSelectable={!readOnly}
              deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
              onNodeClick={readOnly ? (_, node) => { version.inspect(node.id); setTab('step'); } : undefined}
              multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
              selectionKeyCode="Shift"
              fitView={fitOnOpen}
              fitViewOptions={{ maxZoom: 1.2 }}
              minZoom={0.1}
              onlyRenderVisibleElements={nodes.length > 150}
            >
              <Background />
              <Controls showInteractive={false} />
              <MiniMap pannable zoomable ariaLabel="Overview of the flow" nodeClassName={minimapClass} />
            </ReactFlow>
          </div>
          <aside className="flow-panel" aria-label="Inspector">
            <div className="tabs" role="tablist">
              {(['step', 'runs', 'versions'] as const).map((t) => (
                <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
                  {t === 'step' ? 'Step' : t === 'runs' ? 'Runs' : 'Versions'}
                </button>
              ))}
            </div>
            {tab === 'step' ? (
              version.inspectedNode ? (
                <NodePanel key={`v-${version.inspectedNode.id}`} node={version.inspectedNode} webhooks={catalog} upstream={[]} onChange={() => undefined} problems={[]} readOnly />
              ) : readOnly ? (
                <p className="muted">Click a step to see its settings. This version is read-only.</p>
              ) : selected ? (
                <NodePanel key={selected.id} node={selected} webhooks={catalog} upstream={upstream} onChange={(data) => actions.updateNodeData(selected.id, data)} problems={selectedProblems[selected.id] ?? []} />
              ) : selectedNodes.length > 1 ? (
                <p className="muted">{selectedNodes.length} steps selected. Drag to move them together, Ctrl/Cmd+C to copy, Backspace to delete.</p>
              ) : (
                <p className="muted">Select a step to edit it. Drag from a step&apos;s bottom handle to another step to connect them; select a connection and press Backspace to remove it.</p>
              )
            ) : null}
            {tab === 'runs' ? <RunsPanel flowId={flow.id} watched={run.watchedRun} onWatch={run.watch} /> : null}
            {tab === 'versions' ? (
              <VersionsPanel
                flowId={flow.id}
                versions={flow.versions}
                viewing={version.viewing?.version ?? null}
                onOpen={(opened, graph) => {
                  run.watch(null);
                  version.open(opened, graph);
                }}
              />
            ) : null}
          </aside>
        </div>
      </main>
    </ViewProvider>
  );
}
