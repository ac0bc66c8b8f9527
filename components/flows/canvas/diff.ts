/**
 * What publishing would change: steps added, removed or changed since the published version. Moving a step
 * on the canvas is not a change; a different connection out of a step is.
 */
import type { FlowEdge, FlowGraph, FlowNode } from '../../../lib/domain/flow/graph';
import { sameJson } from '../../../lib/domain/json';

export interface GraphDiff {
  added: FlowNode[];
  removed: FlowNode[];
  changed: FlowNode[];
}

function outgoing(edges: readonly FlowEdge[], nodeId: string): string {
  return edges
    .filter((e) => e.source === nodeId)
    .map((e) => `${e.sourceHandle ?? ''}->${e.target}`)
    .sort()
    .join(',');
}

export function diffGraphs(before: FlowGraph | null, after: FlowGraph): GraphDiff {
  const old = new Map((before?.nodes ?? []).map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const diff: GraphDiff = { added: [], removed: [], changed: [] };
  for (const node of after.nodes) {
    const previous = old.get(node.id);
    if (!previous) diff.added.push(node);
    else if (
      previous.type !== node.type ||
      !sameJson(previous.data ?? {}, node.data ?? {}) ||
      outgoing(before!.edges, node.id) !== outgoing(after.edges, node.id)
    ) {
      diff.changed.push(node);
    }
  }
  for (const node of before?.nodes ?? []) if (!now.has(node.id)) diff.removed.push(node);
  return diff;
}

export function isEmptyDiff(diff: GraphDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}
