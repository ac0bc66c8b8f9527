/**
 * The connection rules the canvas enforces while a marketer drags an edge (xyflow's isValidConnection) and
 * again when the edge is made. Pure, so the same rules run in unit tests and in the browser.
 */
import { outputHandles, type FlowEdge, type FlowNode } from '../../../lib/domain/flow/graph';

export interface ConnectionRequest {
  source: string;
  target: string;
  sourceHandle?: string | null;
}

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

type GraphLike = { nodes: readonly Pick<FlowNode, 'id' | 'type' | 'data'>[]; edges: readonly Pick<FlowEdge, 'source' | 'target' | 'sourceHandle'>[] };

/** Whether `target` can reach `source` by following edges: adding source → target would close a cycle. */
function reaches(edges: GraphLike['edges'], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

export function checkConnection(graph: GraphLike, connection: ConnectionRequest): ConnectionVerdict {
  const source = graph.nodes.find((n) => n.id === connection.source);
  const target = graph.nodes.find((n) => n.id === connection.target);
  if (!source || !target) return { ok: false, reason: 'Both steps must exist' };
  if (source.id === target.id) return { ok: false, reason: 'A step cannot connect to itself' };
  if (target.type === 'trigger') return { ok: false, reason: 'Nothing can lead into the trigger: it is where the flow starts' };
  const handles = outputHandles(source as FlowNode);
  if (handles.length === 0) return { ok: false, reason: 'An End step has no output' };
  const handle = connection.sourceHandle ?? null;
  if (!handles.includes(handle)) return { ok: false, reason: 'That output does not exist on this step' };
  if (graph.edges.some((e) => e.source === source.id && (e.sourceHandle ?? null) === handle)) {
    return { ok: false, reason: 'This output already leads somewhere; delete that connection first' };
  }
  if (reaches(graph.edges, target.id, source.id)) return { ok: false, reason: 'That connection would make a loop' };
  return { ok: true };
}
