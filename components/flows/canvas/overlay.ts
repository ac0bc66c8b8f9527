/**
 * The live run overlay: which steps a run reached, which one it is on, and which connections it took,
 * from the node path the customerFlow workflow reports.
 */
import type { FlowEdge, FlowNode } from '../../../lib/domain/flow/graph';

export interface RunOverlay {
  reached: Set<string>;
  current: string | null;
  taken: Set<string>;
}

export function runOverlay(
  graph: { nodes: readonly Pick<FlowNode, 'id' | 'type'>[]; edges: readonly FlowEdge[] },
  path: readonly string[],
  running: boolean,
  /** the output each branch took, when known: tells apart two outputs that lead to the same step */
  outputs: Readonly<Record<string, string>> = {},
): RunOverlay {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  const walked = trigger ? [trigger.id, ...path] : [...path];
  const taken = new Set<string>();
  for (let i = 1; i < walked.length; i++) {
    const from = walked[i - 1]!;
    const edge = graph.edges.find((e) => e.source === from && e.target === walked[i] && (!(from in outputs) || (e.sourceHandle ?? null) === outputs[from]));
    if (edge) taken.add(edge.id);
  }
  return { reached: new Set(walked), current: running ? (walked.at(-1) ?? null) : null, taken };
}
