/**
 * What publishing would change: steps added, removed or changed since the published version. Moving a step
 * on the canvas is not a change; a different connection out of a step is.
 */
import type { FlowEdge, FlowGraph, FlowNode } from '../graph';

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

/** Key order does not matter: {a, b} equals {b, a}. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
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
      stableJson(previous.data ?? {}) !== stableJson(node.data ?? {}) ||
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
