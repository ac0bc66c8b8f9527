/**
 * "Tidy up": a layered top-to-bottom layout with dagre (@dagrejs/dagre, the maintained fork), which is what
 * the xyflow examples use for flow charts. Branch outputs are laid out left to right in handle order.
 */
import dagre from '@dagrejs/dagre';
import { outputHandles, type FlowEdge, type FlowNode } from '../../../lib/domain/flow/graph';
import { DEFAULT_NODE_SIZE, type Point } from './clipboard';

export interface Sized {
  width?: number;
  height?: number;
}

export function tidyLayout(nodes: readonly (FlowNode & { measured?: Sized })[], edges: readonly FlowEdge[]): Map<string, Point> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 72, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, FlowEdge[]>();
  for (const edge of edges) if (byId.has(edge.source) && byId.has(edge.target)) outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
  for (const [source, out] of outgoing) {
    const handles = outputHandles(byId.get(source)!);
    out.sort((a, b) => handles.indexOf(a.sourceHandle ?? null) - handles.indexOf(b.sourceHandle ?? null));
  }
  // dagre's first ordering comes from insertion order: nodes depth-first along outputs in handle order,
  // edges in reverse handle order, keeps "condition 1 … else" left to right (tested with a branch).
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const node = byId.get(id)!;
    g.setNode(id, { width: node.measured?.width ?? DEFAULT_NODE_SIZE.width, height: node.measured?.height ?? DEFAULT_NODE_SIZE.height });
    for (const edge of outgoing.get(id) ?? []) visit(edge.target);
  };
  const hasInput = new Set(edges.map((e) => e.target));
  for (const node of nodes) if (node.type === 'trigger' || !hasInput.has(node.id)) visit(node.id);
  for (const node of nodes) visit(node.id);
  for (const out of outgoing.values()) for (const edge of [...out].reverse()) g.setEdge(edge.source, edge.target, {}, edge.id);
  dagre.layout(g);
  const positions = new Map<string, Point>();
  for (const node of nodes) {
    const laid = g.node(node.id);
    // dagre gives centres; xyflow positions are top-left corners.
    positions.set(node.id, { x: Math.round(laid.x - laid.width / 2), y: Math.round(laid.y - laid.height / 2) });
  }
  return positions;
}
