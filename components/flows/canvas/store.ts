/**
 * All state of the flow editor in one store (zustand, which xyflow itself uses): the steps and connections,
 * the selection (xyflow's `selected` flags), undo/redo history, the clipboard and a revision counter that
 * autosave watches. Every action is plain data in, plain data out, so it is unit-tested without a browser.
 */
import { applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { outputHandles, type FlowEdge, type FlowGraph, type FlowNode, type FlowNodeType } from '../../../lib/domain/flow/graph';
import { copyFragment, placeFragment, boundsCentre, type Fragment, type Point } from './clipboard';
import { checkConnection, type ConnectionRequest, type ConnectionVerdict } from './connections';
import { tidyLayout } from './layout';

/** A canvas node of one kind, with that kind's data: a typed union, like the graph's own nodes. */
export type EditorNodeOf<K extends FlowNodeType> = Node<NonNullable<Extract<FlowNode, { type: K }>['data']>, K>;
export type EditorNode = { [K in FlowNodeType]: EditorNodeOf<K> }[FlowNodeType];
export type EditorEdge = Edge;

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** How many steps back undo reaches. */
const HISTORY_LIMIT = 100;
/** Edits to the same thing within this time are one undo step (typing a label is not 12 undo steps). */
export const COALESCE_MS = 1_000;

const DEFAULT_NODE_DATA: Record<FlowNodeType, (flow: { eventType: string }) => Record<string, unknown>> = {
  trigger: (flow) => ({ eventType: flow.eventType }),
  webhook: () => ({ webhookId: '' }),
  branch: () => ({ branches: [{ id: 'b1', label: 'Condition 1', condition: { kind: 'field', path: 'Customer.Email', op: 'exists' } }] }),
  wait: () => ({ mode: 'duration', seconds: 3600 }),
  end: () => ({}),
};

interface EditorState {
  nodes: EditorNode[];
  edges: EditorEdge[];
  past: Snapshot[];
  future: Snapshot[];
  /** bumps on every change to what would be saved */
  revision: number;
  /** bumps on every change except moves: what validation depends on */
  structure: number;
  clipboard: Fragment | null;
  /** the last undo step and what made it, for coalescing */
  lastStep: { key: string; at: number } | null;
  /** a drag in progress already has its undo step */
  moving: boolean;
}

interface EditorActions {
  /** Replaces the graph as one undoable step (restoring an old version as the draft). */
  replace(graph: FlowGraph): void;
  onNodesChange(changes: NodeChange<EditorNode>[]): void;
  onEdgesChange(changes: EdgeChange<EditorEdge>[]): void;
  canConnect(connection: ConnectionRequest): ConnectionVerdict;
  connect(connection: ConnectionRequest): ConnectionVerdict;
  /** Points one output of a step at another step, or at nothing (null), replacing what it led to: one undo step. */
  setConnection(source: string, sourceHandle: string | null, target: string | null): ConnectionVerdict;
  addNode(type: FlowNodeType, position: Point, options?: { connectFrom?: string; intoEdge?: string }): string;
  updateNodeData(id: string, data: Record<string, unknown>): void;
  select(ids: readonly string[]): void;
  /** Moves the selected steps by (dx, dy): the keyboard's drag. Quick repeats are one undo step. */
  moveSelection(dx: number, dy: number): number;
  deleteSelection(): void;
  copySelection(): number;
  paste(centre: Point): number;
  duplicateSelection(): number;
  undo(): void;
  redo(): void;
  tidy(): void;
  graph(): FlowGraph;
}

export type EditorStore = StoreApi<EditorState & EditorActions>;

export interface EditorOptions {
  eventType: string;
  newId?: (kind: string) => string;
  now?: () => number;
}

function toFlowNode(node: EditorNode): FlowNode {
  return { id: node.id, type: node.type, position: { x: Math.round(node.position.x), y: Math.round(node.position.y) }, data: structuredClone(node.data) } as FlowNode;
}

function toFlowEdge(edge: EditorEdge): FlowEdge {
  return { id: edge.id, source: edge.source, target: edge.target, sourceHandle: edge.sourceHandle ?? null };
}

function toEditorNode(node: FlowNode, measured?: EditorNode['measured']): EditorNode {
  return { id: node.id, type: node.type, position: { ...node.position }, data: structuredClone(node.data ?? {}), ...(measured ? { measured } : {}) } as EditorNode;
}

function toEditorEdge(edge: FlowEdge): EditorEdge {
  return { id: edge.id, source: edge.source, target: edge.target, sourceHandle: edge.sourceHandle ?? null };
}

let sequence = 0;
function defaultNewId(kind: string): string {
  sequence += 1;
  return `${kind}-${Date.now().toString(36)}${sequence.toString(36)}${Math.random().toString(36).slice(2, 5)}`;
}

type SetState = StoreApi<EditorState & EditorActions>['setState'];
type Get = () => EditorState & EditorActions;

/** What every group of actions shares: the store, ids and time, and the undo bookkeeping. */
interface StoreKit {
  set: SetState;
  get: Get;
  newId: (kind: string) => string;
  eventType: string;
  snapshot(): Snapshot;
  /** Records the state before a change as one undo step; `key` merges quick repeats of the same edit. */
  remember(key?: string | null): void;
  changed(moveOnly?: boolean): void;
  restore(target: Snapshot): void;
  insert(fragment: Fragment): void;
  selectedIds(): Set<string>;
}

export function createEditorStore(initial: FlowGraph, options: EditorOptions): EditorStore {
  return createStore<EditorState & EditorActions>()((set, get) => {
    const kit = storeKit(set, get, options);
    return {
      nodes: initial.nodes.map((n) => toEditorNode(n)),
      edges: initial.edges.map(toEditorEdge),
      past: [],
      future: [],
      revision: 0,
      structure: 0,
      clipboard: null,
      lastStep: null,
      moving: false,
      ...changeActions(kit),
      ...editActions(kit),
      ...clipboardActions(kit),
      ...historyActions(kit),
    };
  });
}

function storeKit(set: SetState, get: Get, options: EditorOptions): StoreKit {
  const now = options.now ?? Date.now;
  const kit: StoreKit = {
    set,
    get,
    newId: options.newId ?? defaultNewId,
    eventType: options.eventType,
    snapshot: () => ({ nodes: get().nodes.map(toFlowNode), edges: get().edges.map(toFlowEdge) }),
    remember(key = null) {
      const { lastStep, past } = get();
      const at = now();
      if (key !== null && lastStep?.key === key && at - lastStep.at < COALESCE_MS) {
        set({ lastStep: { key, at }, future: [] });
        return;
      }
      set({ past: [...past, kit.snapshot()].slice(-HISTORY_LIMIT), future: [], lastStep: key === null ? null : { key, at } });
    },
    changed: (moveOnly = false) => set((s) => ({ revision: s.revision + 1, structure: moveOnly ? s.structure : s.structure + 1 })),
    restore(target) {
      const measured = new Map(get().nodes.map((n) => [n.id, n.measured]));
      set({ nodes: target.nodes.map((n) => toEditorNode(n, measured.get(n.id))), edges: target.edges.map(toEditorEdge), lastStep: null, moving: false });
      kit.changed();
    },
    insert(fragment) {
      const ids = new Set(fragment.nodes.map((n) => n.id));
      set((s) => ({
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...fragment.nodes.map((n) => ({ ...toEditorNode(n), selected: ids.has(n.id) }))],
        edges: [...s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...fragment.edges.map(toEditorEdge)],
      }));
      kit.changed();
    },
    selectedIds: () => new Set(get().nodes.filter((n) => n.selected).map((n) => n.id)),
  };
  return kit;
}

/** xyflow's own change events: moves (a drag is one undo step), deletions, selection. */
function changeActions({ set, get, remember, changed, restore }: StoreKit): Pick<EditorActions, 'replace' | 'onNodesChange' | 'onEdgesChange'> {
  return {
    replace(graph) {
      remember();
      restore({ nodes: graph.nodes, edges: graph.edges });
    },

    onNodesChange(changes) {
      const content = changes.filter((c) => c.type !== 'select' && c.type !== 'dimensions');
      const moveOnly = content.every((c) => c.type === 'position');
      if (content.length > 0) {
        if (moveOnly) {
          // A drag is one undo step: remembered when it starts, finished when the drop arrives.
          if (!get().moving) remember();
          set({ moving: content.some((c) => c.type === 'position' && c.dragging) });
        } else {
          remember(content.every((c) => c.type === 'remove') ? 'delete' : null);
        }
      }
      set((s) => ({ nodes: applyNodeChanges(changes, s.nodes) }));
      if (content.length > 0) changed(moveOnly);
    },

    onEdgesChange(changes) {
      const content = changes.filter((c) => c.type !== 'select');
      // Deleting steps also deletes their connections in a second call: both are one undo step.
      if (content.length > 0) remember(content.every((c) => c.type === 'remove') ? 'delete' : null);
      set((s) => ({ edges: applyEdgeChanges(changes, s.edges) }));
      if (content.length > 0) changed();
    },
  };
}

/** Adding, connecting, editing, selecting and deleting steps. */
function editActions({ set, get, newId, eventType, remember, changed, selectedIds }: StoreKit): Pick<EditorActions, 'canConnect' | 'connect' | 'setConnection' | 'addNode' | 'updateNodeData' | 'select' | 'moveSelection' | 'deleteSelection'> {
  return {
    canConnect(connection) {
      return checkConnection({ nodes: get().nodes.map(toFlowNode), edges: get().edges.map(toFlowEdge) }, connection);
    },

    connect(connection) {
      const verdict = get().canConnect(connection);
      if (!verdict.ok) return verdict;
      remember();
      set((s) => ({ edges: [...s.edges, toEditorEdge({ id: newId('e'), source: connection.source, target: connection.target, sourceHandle: connection.sourceHandle ?? null })] }));
      changed();
      return verdict;
    },

    setConnection(source, sourceHandle, target) {
      const current = get().edges.find((e) => e.source === source && (e.sourceHandle ?? null) === sourceHandle);
      if ((current?.target ?? null) === target) return { ok: true };
      const others = get().edges.filter((e) => e.id !== current?.id);
      if (target !== null) {
        const verdict = checkConnection({ nodes: get().nodes.map(toFlowNode), edges: others.map(toFlowEdge) }, { source, target, sourceHandle });
        if (!verdict.ok) return verdict;
      }
      remember();
      set({ edges: target === null ? others : [...others, toEditorEdge({ id: newId('e'), source, target, sourceHandle })] });
      changed();
      return { ok: true };
    },

    addNode(type, position, addOptions = {}) {
      remember();
      const id = newId(type);
      const node = { id, type, position: { x: Math.round(position.x), y: Math.round(position.y) }, data: DEFAULT_NODE_DATA[type]({ eventType }) } as FlowNode;
      const { edges, removeEdge } = connectionsOfNewNode(get(), node, addOptions, newId);
      set((s) => ({
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...toEditorNode(node), selected: true }],
        edges: [...s.edges.filter((e) => e.id !== removeEdge), ...edges.map(toEditorEdge)],
      }));
      changed();
      return id;
    },

    updateNodeData(id, data) {
      remember(`data:${id}`);
      set((s) => {
        const nodes = s.nodes.map((n) => (n.id === id ? ({ ...n, data: structuredClone(data) } as EditorNode) : n));
        const node = nodes.find((n) => n.id === id);
        // A branch output that disappeared takes its connection with it.
        const handles = node ? new Set(outputHandles(toFlowNode(node))) : null;
        const edges = handles ? s.edges.filter((e) => e.source !== id || handles.has(e.sourceHandle ?? null)) : s.edges;
        return { nodes, edges };
      });
      changed();
    },

    select(ids) {
      const wanted = new Set(ids);
      set((s) => ({
        nodes: s.nodes.map((n) => (Boolean(n.selected) === wanted.has(n.id) ? n : { ...n, selected: wanted.has(n.id) })),
        edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      }));
    },

    moveSelection(dx, dy) {
      const ids = selectedIds();
      if (ids.size === 0) return 0;
      remember(`move:${[...ids].sort().join(',')}`);
      set((s) => ({ nodes: s.nodes.map((n) => (ids.has(n.id) ? { ...n, position: { x: n.position.x + dx, y: n.position.y + dy } } : n)) }));
      changed(true);
      return ids.size;
    },

    deleteSelection() {
      const nodes = selectedIds();
      const edges = new Set(get().edges.filter((e) => e.selected || nodes.has(e.source) || nodes.has(e.target)).map((e) => e.id));
      if (nodes.size === 0 && edges.size === 0) return;
      remember();
      set((s) => ({ nodes: s.nodes.filter((n) => !nodes.has(n.id)), edges: s.edges.filter((e) => !edges.has(e.id)) }));
      changed();
    },
  };
}

/**
 * The connections a new step gets: dropped on a connection, A → B becomes A → new → B (a trigger or an End
 * cannot sit in between); added after a step, it takes that step's first free output.
 */
function connectionsOfNewNode(
  state: EditorState,
  node: FlowNode,
  options: { connectFrom?: string; intoEdge?: string },
  newId: (kind: string) => string,
): { edges: FlowEdge[]; removeEdge: string | null } {
  const into = options.intoEdge ? state.edges.find((e) => e.id === options.intoEdge) : undefined;
  const first = outputHandles(node)[0];
  if (into && first !== undefined) {
    return {
      removeEdge: into.id,
      edges: [
        { id: newId('e'), source: into.source, target: node.id, sourceHandle: into.sourceHandle ?? null },
        { id: newId('e'), source: node.id, target: into.target, sourceHandle: first },
      ],
    };
  }
  const from = options.connectFrom && node.type !== 'trigger' ? state.nodes.find((n) => n.id === options.connectFrom) : undefined;
  if (!from) return { edges: [], removeEdge: null };
  const free = outputHandles(toFlowNode(from)).find((h) => !state.edges.some((e) => e.source === from.id && (e.sourceHandle ?? null) === h));
  return { edges: free === undefined ? [] : [{ id: newId('e'), source: from.id, target: node.id, sourceHandle: free }], removeEdge: null };
}

/** Copy, paste and duplicate. */
function clipboardActions({ set, get, newId, remember, insert, selectedIds }: StoreKit): Pick<EditorActions, 'copySelection' | 'paste' | 'duplicateSelection'> {
  return {
    copySelection() {
      const fragment = copyFragment(get().nodes.map(toFlowNode), get().edges.map(toFlowEdge), selectedIds());
      if (fragment.nodes.length > 0) set({ clipboard: fragment });
      return fragment.nodes.length;
    },

    paste(centre) {
      const clipboard = get().clipboard;
      if (!clipboard || clipboard.nodes.length === 0) return 0;
      remember();
      insert(placeFragment(clipboard, centre, get().nodes, newId));
      return clipboard.nodes.length;
    },

    duplicateSelection() {
      const fragment = copyFragment(get().nodes.map(toFlowNode), get().edges.map(toFlowEdge), selectedIds());
      if (fragment.nodes.length === 0) return 0;
      remember();
      const centre = boundsCentre(fragment.nodes);
      insert(placeFragment(fragment, { x: centre.x + 40, y: centre.y + 40 }, get().nodes, newId));
      return fragment.nodes.length;
    },
  };
}

/** Undo, redo, tidy-up and the graph as it would be saved. */
function historyActions({ set, get, snapshot, remember, changed, restore }: StoreKit): Pick<EditorActions, 'undo' | 'redo' | 'tidy' | 'graph'> {
  return {
    undo() {
      const { past, future } = get();
      const previous = past.at(-1);
      if (!previous) return;
      const current = snapshot();
      set({ past: past.slice(0, -1), future: [current, ...future] });
      restore(previous);
    },

    redo() {
      const { past, future } = get();
      const next = future[0];
      if (!next) return;
      const current = snapshot();
      set({ past: [...past, current], future: future.slice(1) });
      restore(next);
    },

    tidy() {
      if (get().nodes.length === 0) return;
      remember();
      const positions = tidyLayout(
        get().nodes.map((n) => ({ ...toFlowNode(n), measured: n.measured })),
        get().edges.map(toFlowEdge),
      );
      set((s) => ({ nodes: s.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) }));
      changed(true);
    },

    graph() {
      return snapshot();
    },
  };
}
