/**
 * The webhook steps that have run before a step on every path from the trigger to it: the only ones whose
 * responses a branch there can rely on. (Dominators on the flow's DAG.)
 */
import type { FlowEdge, FlowNode } from '../graph';

export function stepsBeforeOnEveryPath(graph: { nodes: readonly Pick<FlowNode, 'id' | 'type'>[]; edges: readonly FlowEdge[] }, nodeId: string): Set<string> {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  if (!trigger) return new Set();
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const memo = new Map<string, Set<string> | null>();
  // null: not reachable from the trigger. The graph may be mid-edit and hold a cycle: the guard stops it.
  const before = (id: string, visiting: Set<string>): Set<string> | null => {
    if (memo.has(id)) return memo.get(id)!;
    if (id === trigger.id) return new Set([id]);
    if (visiting.has(id)) return null;
    visiting.add(id);
    let common = null as Set<string> | null;
    for (const source of incoming.get(id) ?? []) {
      const set = before(source, visiting);
      if (!set) continue;
      common = common === null ? new Set(set) : new Set([...common].filter((x) => set.has(x)));
    }
    visiting.delete(id);
    const result = common === null ? null : new Set([...common, id]);
    memo.set(id, result);
    return result;
  };
  const result = before(nodeId, new Set()) ?? new Set<string>();
  result.delete(nodeId);
  return result;
}

/** The webhook steps (node ids) every path runs before `nodeId`, in graph order. */
export function webhookStepsBefore(graph: { nodes: readonly FlowNode[]; edges: readonly FlowEdge[] }, nodeId: string): Extract<FlowNode, { type: 'webhook' }>[] {
  const before = stepsBeforeOnEveryPath(graph, nodeId);
  return graph.nodes.filter((n): n is Extract<FlowNode, { type: 'webhook' }> => n.type === 'webhook' && before.has(n.id));
}
