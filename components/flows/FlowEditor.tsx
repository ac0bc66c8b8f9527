'use client';
/**
 * The flow canvas: add steps from the palette, connect them, edit the selected step in the side panel,
 * see every validation problem on the step it concerns, save the draft, publish, pause, archive.
 */
import '@xyflow/react/dist/style.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { addEdge, Background, Controls, ReactFlow, useEdgesState, useNodesState, type Connection, type Edge, type Node } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Loading, useTitle } from '../ui';
import { StatusBadge } from '../StatusBadge';
import { nodeTypes } from './FlowNodes';
import { NodePanel } from './NodePanel';
import { outputHandles, type FlowEdge, type FlowGraph, type FlowNode } from '@/lib/flow/graph';

type CanvasNode = Node<Record<string, unknown>>;

function toCanvas(graph: FlowGraph): { nodes: CanvasNode[]; edges: Edge[] } {
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, position: n.position, data: { ...(n.data ?? {}) }, deletable: n.type !== 'trigger' })),
    edges: graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? null })),
  };
}

function toGraph(nodes: CanvasNode[], edges: Edge[]): FlowGraph {
  return {
    nodes: nodes.map((n) => {
      const { problems: _p, webhookName: _w, ...data } = n.data as Record<string, unknown>;
      return { id: n.id, type: n.type, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) }, data } as FlowNode;
    }),
    edges: edges.map((e): FlowEdge => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? null })),
  };
}

const DEFAULT_DATA: Record<string, Record<string, unknown>> = {
  webhook: { webhookId: '' },
  branch: { branches: [{ id: 'b1', label: 'Has email', condition: { kind: 'field', path: 'Customer.Email', op: 'exists' } }] },
  wait: { mode: 'duration', seconds: 3600 },
  end: {},
};

let counter = 0;
const newId = (kind: string) => `${kind}-${Date.now().toString(36)}${(++counter).toString(36)}`;

export function FlowEditor({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const flow = useQuery(trpc.flows.get.queryOptions({ id: flowId }));
  const webhooks = useQuery(trpc.webhooks.list.queryOptions({}));
  useTitle(flow.data?.name ?? 'Flow');
  if (flow.isPending || webhooks.isPending) return <main className="page"><Loading what="flow" /></main>;
  if (flow.isError) return <main className="page"><ErrorBanner error={flow.error} /></main>;
  if (webhooks.isError) return <main className="page"><ErrorBanner error={webhooks.error} /></main>;
  return (
    <Canvas
      key={flow.data.id}
      flow={flow.data}
      webhooks={webhooks.data}
      refresh={() => queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ id: flowId }) })}
    />
  );
}

function Canvas({
  flow,
  webhooks,
  refresh,
}: {
  flow: { id: string; name: string; status: string; draftGraph: unknown; versions: { version: number; publishedAt: string | Date; publishedBy: { email: string } | null }[] };
  webhooks: { id: string; name: string; systemName: string }[];
  refresh: () => void;
}) {
  const trpc = useTRPC();
  const initial = useMemo(() => toCanvas(flow.draftGraph as FlowGraph), [flow.draftGraph]);
  const [nodes, setNodes, onNodesChange] = useNodesState<CanvasNode>(initial.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(initial.edges);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ nodeId?: string; edgeId?: string; message: string }[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const webhookNames = useMemo(() => new Map(webhooks.map((w) => [w.id, w.name])), [webhooks]);

  const save = useMutation(trpc.flows.saveDraft.mutationOptions({ onSuccess: (r) => { setProblems(r.problems); setDirty(false); } }));
  const publish = useMutation(trpc.flows.publish.mutationOptions({ onSuccess: (r) => { if (!r.ok) setProblems(r.problems); else { setProblems([]); refresh(); } } }));
  const pause = useMutation(trpc.flows.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.flows.resume.mutationOptions({ onSuccess: refresh }));
  const archive = useMutation(trpc.flows.archive.mutationOptions({ onSuccess: refresh }));

  const graph = () => toGraph(nodes, edges);
  const saveAndPublish = async () => {
    await save.mutateAsync({ id: flow.id, graph: graph() });
    publish.mutate({ id: flow.id });
  };

  const problemsByNode = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of problems ?? []) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p.message]);
    return map;
  }, [problems]);

  const displayNodes = useMemo(
    () =>
      nodes.map((n) => ({
        ...n,
        selected: n.id === selectedId,
        data: { ...n.data, problems: problemsByNode.get(n.id), webhookName: n.type === 'webhook' ? webhookNames.get(String(n.data.webhookId)) : undefined },
      })),
    [nodes, selectedId, problemsByNode, webhookNames],
  );

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => {
      if (connection.source === connection.target) return false;
      const target = nodes.find((n) => n.id === connection.target);
      if (!target || target.type === 'trigger') return false;
      // One next step per output.
      return !edges.some((e) => e.source === connection.source && (e.sourceHandle ?? null) === (connection.sourceHandle ?? null));
    },
    [nodes, edges],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      setEdges((current) => addEdge({ ...connection, id: newId('e') }, current));
      setDirty(true);
    },
    [setEdges],
  );

  const addNode = (type: 'webhook' | 'branch' | 'wait' | 'end') => {
    const selected = nodes.find((n) => n.id === selectedId);
    const id = newId(type);
    // Connect from the selected step's first free output, which is what people mean most of the time.
    let handle: string | null | undefined;
    let handles: (string | null)[] = [null];
    if (selected) {
      handles = outputHandles({ ...selected, data: selected.data } as unknown as FlowNode);
      handle = handles.find((h) => !edges.some((e) => e.source === selected.id && (e.sourceHandle ?? null) === h));
    }
    const base = selected ?? nodes.at(-1);
    const spread = handle === undefined ? 0 : (handles.indexOf(handle) - (handles.length - 1) / 2) * 240;
    const position = { x: (base?.position.x ?? 0) + spread, y: (base?.position.y ?? 0) + 140 };
    // Never drop a step on top of another one.
    while (nodes.some((n) => Math.abs(n.position.x - position.x) < 180 && Math.abs(n.position.y - position.y) < 90)) position.y += 110;
    setNodes((current) => [...current, { id, type, position, data: structuredClone(DEFAULT_DATA[type]!) }]);
    if (selected && handle !== undefined) setEdges((current) => [...current, { id: newId('e'), source: selected.id, target: id, sourceHandle: handle }]);
    setSelectedId(id);
    setDirty(true);
  };

  const updateNodeData = (id: string, data: Record<string, unknown>) => {
    setNodes((current) => current.map((n) => (n.id === id ? { ...n, data } : n)));
    // A branch output that disappeared takes its connection with it.
    const node = nodes.find((n) => n.id === id);
    if (node?.type === 'branch') {
      const handles = new Set([...((data.branches as { id: string }[]) ?? []).map((b) => b.id), 'else']);
      setEdges((current) => current.filter((e) => e.source !== id || handles.has(e.sourceHandle ?? '')));
    }
    setDirty(true);
  };

  const selected = nodes.find((n) => n.id === selectedId) ?? null;
  const latest = flow.versions[0];
  const error = save.error ?? publish.error ?? pause.error ?? resume.error ?? archive.error;

  return (
    <main className="flow-page">
      <div className="flow-toolbar">
        <h1>{flow.name}</h1>
        <StatusBadge status={flow.status} />
        <span className="muted">{latest ? `v${latest.version} published ${new Date(latest.publishedAt).toLocaleString()}` : 'never published'}</span>
        <span className="spacer" />
        {dirty ? <span className="muted" role="status">Unsaved changes</span> : null}
        <button type="button" onClick={() => save.mutate({ id: flow.id, graph: graph() })} disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save draft'}
        </button>
        <button type="button" className="primary" onClick={() => void saveAndPublish()} disabled={publish.isPending || save.isPending || flow.status === 'archived'}>
          {publish.isPending ? 'Publishing…' : 'Publish'}
        </button>
        {flow.status === 'active' ? (
          <button type="button" onClick={() => pause.mutate({ id: flow.id })}>
            Pause
          </button>
        ) : null}
        {flow.status === 'paused' || flow.status === 'archived' ? (
          <button type="button" onClick={() => resume.mutate({ id: flow.id })}>
            {flow.status === 'archived' ? 'Restore' : 'Resume'}
          </button>
        ) : null}
        {flow.status !== 'archived' ? (
          <ConfirmButton label="Archive" title={`Archive ${flow.name}?`} body={<p>It stops starting runs; running ones finish. You can restore it later.</p>} confirmLabel="Archive" onConfirm={() => archive.mutate({ id: flow.id })} />
        ) : null}
      </div>
      <ErrorBanner error={error} />
      {publish.data?.ok ? <div className="banner banner-ok" role="status">Published version {publish.data.version}. New events run it; running runs keep their version.</div> : null}
      <div className="flow-body">
        <aside className="flow-palette" aria-label="Add a step">
          <h2>Add a step</h2>
          <p className="hint">Select a step first to connect the new one after it.</p>
          {(['webhook', 'branch', 'wait', 'end'] as const).map((type) => (
            <button key={type} type="button" onClick={() => addNode(type)}>
              + {type === 'webhook' ? 'Webhook' : type === 'branch' ? 'Branch' : type === 'wait' ? 'Wait' : 'End'}
            </button>
          ))}
          {problems !== null ? (
            <div className="flow-problems" aria-live="polite">
              <h2>{problems.length === 0 ? 'No problems' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}</h2>
              <ul className="plain-list">
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.nodeId ? (
                      <button type="button" className="link-like" onClick={() => setSelectedId(p.nodeId!)}>
                        {p.message}
                      </button>
                    ) : (
                      p.message
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </aside>
        <div className="flow-canvas" data-testid="flow-canvas">
          <ReactFlow
            nodes={displayNodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={(changes) => {
              onNodesChange(changes);
              if (changes.some((c) => c.type !== 'select' && c.type !== 'dimensions')) setDirty(true);
            }}
            onEdgesChange={(changes) => {
              onEdgesChange(changes);
              if (changes.some((c) => c.type === 'remove')) setDirty(true);
            }}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            onNodeClick={(_, node) => setSelectedId(node.id)}
            onPaneClick={() => setSelectedId(null)}
            fitView
            deleteKeyCode={['Backspace', 'Delete']}
          >
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        <aside className="flow-panel" aria-label="Selected step">
          {selected ? (
            <NodePanel key={selected.id} node={selected} webhooks={webhooks} onChange={(data) => updateNodeData(selected.id, data)} problems={problemsByNode.get(selected.id) ?? []} />
          ) : (
            <p className="muted">Select a step to edit it. Drag from a step&apos;s bottom handle to another step to connect them; select a connection and press Delete to remove it.</p>
          )}
        </aside>
      </div>
    </main>
  );
}
