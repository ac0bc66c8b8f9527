/**
 * Validates a flow graph and compiles it to a plan. Validation reports every problem it finds, each on the
 * node or edge it concerns, in words a marketer understands.
 */
import { conditionWebhooks, type Condition } from './conditions';
import { ELSE_HANDLE, flowGraphSchema, outputHandles, type FlowEdge, type FlowGraph, type FlowNode } from './graph';
import { PLAN_FORMAT, type Plan, type PlanNode } from './plan';
import type { WebhookInfo } from './webhook-catalog';

export interface FlowProblem {
  nodeId?: string;
  edgeId?: string;
  message: string;
}

export type CompileResult = { ok: true; plan: Plan; graph: FlowGraph } | { ok: false; problems: FlowProblem[] };

const nodeLabel: Record<FlowNode['type'], string> = {
  trigger: 'trigger',
  webhook: 'webhook step',
  branch: 'branch',
  wait: 'wait step',
  end: 'end',
};

export function compileFlow(input: unknown, webhooks: ReadonlyMap<string, WebhookInfo>): CompileResult {
  const parsed = flowGraphSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const [collection, index] = issue.path;
        const raw = input as { nodes?: { id?: string }[]; edges?: { id?: string }[] } | null;
        const nodeId = collection === 'nodes' && typeof index === 'number' ? raw?.nodes?.[index]?.id : undefined;
        const edgeId = collection === 'edges' && typeof index === 'number' ? raw?.edges?.[index]?.id : undefined;
        return { nodeId, edgeId, message: `Invalid ${issue.path.slice(2).join('.') || 'graph'}: ${issue.message}` };
      }),
    };
  }
  const graph = parsed.data;
  const problems = validateGraph(graph, webhooks);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: buildPlan(graph, webhooks), graph };
}

function validateGraph(graph: FlowGraph, webhooks: ReadonlyMap<string, WebhookInfo>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const nodes = new Map<string, FlowNode>();
  for (const node of graph.nodes) {
    if (nodes.has(node.id)) problems.push({ nodeId: node.id, message: `Two steps share the id "${node.id}"` });
    nodes.set(node.id, node);
  }

  const triggers = graph.nodes.filter((n) => n.type === 'trigger');
  if (triggers.length === 0) problems.push({ message: 'Add a trigger: a flow starts with exactly one trigger' });
  for (const extra of triggers.slice(1)) {
    problems.push({ nodeId: extra.id, message: 'A flow has exactly one trigger; remove this one' });
  }
  for (const trigger of triggers) {
    if (trigger.type === 'trigger' && trigger.data.eventType.trim() === '') {
      problems.push({ nodeId: trigger.id, message: 'Choose the event type that starts this flow' });
    }
  }

  // Edges: both ends exist, the output exists, one edge per output, no edge into a trigger.
  const outgoing = new Map<string, FlowEdge[]>();
  const seenOutputs = new Map<string, string>();
  const seenPairs = new Set<string>();
  for (const edge of graph.edges) {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source || !target) {
      problems.push({ edgeId: edge.id, message: `This connection points to a step that no longer exists (${!source ? edge.source : edge.target})` });
      continue;
    }
    if (target.type === 'trigger') {
      problems.push({ edgeId: edge.id, nodeId: target.id, message: 'Nothing can connect into the trigger' });
      continue;
    }
    if (edge.source === edge.target) {
      problems.push({ edgeId: edge.id, nodeId: source.id, message: 'A step cannot connect to itself' });
      continue;
    }
    const handles = outputHandles(source);
    const handle = edge.sourceHandle ?? null;
    if (!handles.includes(handle)) {
      problems.push({
        edgeId: edge.id,
        nodeId: source.id,
        message: source.type === 'end' ? 'An end step has no outputs' : `This ${nodeLabel[source.type]} has no output "${handle ?? 'default'}"`,
      });
      continue;
    }
    const pair = `${edge.source}|${handle ?? ''}|${edge.target}`;
    if (seenPairs.has(pair)) {
      problems.push({ edgeId: edge.id, nodeId: source.id, message: 'This connection is drawn twice' });
      continue;
    }
    seenPairs.add(pair);
    const output = `${edge.source}|${handle ?? ''}`;
    if (seenOutputs.has(output)) {
      problems.push({ edgeId: edge.id, nodeId: source.id, message: 'One output can lead to only one next step' });
      continue;
    }
    seenOutputs.set(output, edge.id);
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
  }

  // Cycles (depth-first, colouring).
  const colour = new Map<string, 'grey' | 'black'>();
  const reportedCycle = new Set<string>();
  const visit = (nodeId: string): void => {
    colour.set(nodeId, 'grey');
    for (const edge of outgoing.get(nodeId) ?? []) {
      const state = colour.get(edge.target);
      if (state === 'grey') {
        if (!reportedCycle.has(edge.id)) {
          reportedCycle.add(edge.id);
          problems.push({ edgeId: edge.id, nodeId: edge.target, message: 'This connection makes a loop; flows must always move forward' });
        }
      } else if (state === undefined) {
        visit(edge.target);
      }
    }
    colour.set(nodeId, 'black');
  };
  for (const node of graph.nodes) if (!colour.has(node.id)) visit(node.id);
  const acyclic = reportedCycle.size === 0;

  // Reachability from the trigger.
  const trigger = triggers[0];
  if (trigger) {
    const reached = new Set<string>([trigger.id]);
    const queue = [trigger.id];
    while (queue.length > 0) {
      for (const edge of outgoing.get(queue.shift()!) ?? []) {
        if (!reached.has(edge.target)) {
          reached.add(edge.target);
          queue.push(edge.target);
        }
      }
    }
    for (const node of graph.nodes) {
      if (!reached.has(node.id) && node.type !== 'trigger') {
        problems.push({ nodeId: node.id, message: `This ${nodeLabel[node.type]} can never run: nothing leads to it from the trigger` });
      }
    }
  }

  // Node-specific rules.
  for (const node of graph.nodes) {
    if (node.type === 'branch') {
      if (node.data.branches.length === 0) problems.push({ nodeId: node.id, message: 'Add at least one condition to this branch' });
      const ids = new Set<string>();
      for (const branch of node.data.branches) {
        if (branch.id === ELSE_HANDLE || ids.has(branch.id)) problems.push({ nodeId: node.id, message: `Two outputs of this branch share the id "${branch.id}"` });
        ids.add(branch.id);
      }
      if (!seenOutputs.has(`${node.id}|${ELSE_HANDLE}`)) {
        problems.push({ nodeId: node.id, message: 'Connect the "Else" output: it catches every customer no condition matches' });
      }
    }
    if (node.type === 'webhook') {
      const webhook = webhooks.get(node.data.webhookId);
      if (!node.data.webhookId) problems.push({ nodeId: node.id, message: 'Choose which webhook this step sends' });
      else if (!webhook) problems.push({ nodeId: node.id, message: 'The webhook this step sends no longer exists; choose another' });
      else for (const error of webhook.templateErrors) problems.push({ nodeId: node.id, message: `Webhook "${webhook.name}": ${error}` });
    }
    if (node.type === 'wait' && node.data.mode === 'until' && !isTimeZone(node.data.timeZone)) {
      problems.push({ nodeId: node.id, message: `Unknown time zone "${node.data.timeZone}"` });
    }
  }

  // Variables from other webhooks must come from a webhook that has run on every path to the node.
  if (trigger && acyclic) {
    const ranBefore = webhooksRunBefore(graph, trigger.id, outgoing, webhooks);
    for (const node of graph.nodes) {
      const before = ranBefore.get(node.id);
      if (!before) continue;
      const reads = readsOf(node, webhooks);
      for (const systemName of new Set(reads)) {
        if (before.has(systemName)) continue;
        const exists = [...webhooks.values()].some((w) => w.systemName === systemName);
        problems.push({
          nodeId: node.id,
          message: exists
            ? `Uses the response of "${systemName}", which does not run before this step on every path`
            : `Uses the response of "${systemName}", but no webhook has that system name`,
        });
      }
    }
  }
  return problems;
}

function readsOf(node: FlowNode, webhooks: ReadonlyMap<string, WebhookInfo>): string[] {
  if (node.type === 'webhook') return webhooks.get(node.data.webhookId)?.readsWebhooks ?? [];
  if (node.type === 'branch') return node.data.branches.flatMap((b) => conditionWebhooks(b.condition));
  if (node.type === 'trigger' && node.data.filter) return conditionWebhooks(node.data.filter);
  return [];
}

/**
 * The system names of the webhooks that have run on every path from the trigger to `nodeId`: what its
 * conditions and templates may read. The canvas's variable picker offers exactly these, so it never offers
 * what validation would refuse. Empty while the graph has no trigger or the node is unreachable.
 */
export function webhooksAvailableAt(graph: FlowGraph, nodeId: string, webhooks: ReadonlyMap<string, WebhookInfo>): string[] {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  if (!trigger) return [];
  const outgoing = new Map<string, FlowEdge[]>();
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const edge of graph.edges) if (ids.has(edge.source) && ids.has(edge.target)) outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
  return [...(webhooksRunBefore(graph, trigger.id, outgoing, webhooks).get(nodeId) ?? [])];
}

/** For each reachable node: the webhooks that have run on every path from the trigger to it. */
function webhooksRunBefore(
  graph: FlowGraph,
  triggerId: string,
  outgoing: Map<string, FlowEdge[]>,
  webhooks: ReadonlyMap<string, WebhookInfo>,
): Map<string, Set<string>> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, number>();
  for (const edges of outgoing.values()) for (const e of edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  const result = new Map<string, Set<string>>([[triggerId, new Set()]]);
  const pending = new Map<string, number>();
  const queue = [triggerId];
  while (queue.length > 0) {
    const nodeId = queue.shift()!;
    const node = byId.get(nodeId)!;
    const after = new Set(result.get(nodeId));
    if (node.type === 'webhook') {
      const systemName = webhooks.get(node.data.webhookId)?.systemName;
      if (systemName) after.add(systemName);
    }
    for (const edge of outgoing.get(nodeId) ?? []) {
      const known = result.get(edge.target);
      result.set(edge.target, known ? new Set([...known].filter((s) => after.has(s))) : after);
      const seen = (pending.get(edge.target) ?? 0) + 1;
      pending.set(edge.target, seen);
      if (seen === incoming.get(edge.target)) queue.push(edge.target);
    }
  }
  return result;
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function buildPlan(graph: FlowGraph, webhooks: ReadonlyMap<string, WebhookInfo>): Plan {
  const next = (nodeId: string, handle: string | null) =>
    graph.edges.find((e) => e.source === nodeId && (e.sourceHandle ?? null) === handle)?.target ?? null;
  const nodes: Record<string, PlanNode> = {};
  let entry: string | null = null;
  for (const node of graph.nodes) {
    switch (node.type) {
      case 'trigger':
        entry = next(node.id, null);
        break;
      case 'webhook': {
        const webhook = webhooks.get(node.data.webhookId)!;
        nodes[node.id] = { kind: 'webhook', id: node.id, webhookId: webhook.id, systemName: webhook.systemName, retry: webhook.retry, next: next(node.id, null) };
        break;
      }
      case 'branch':
        nodes[node.id] = {
          kind: 'branch',
          id: node.id,
          branches: node.data.branches.map((b) => ({ id: b.id, label: b.label, condition: b.condition, next: next(node.id, b.id) })),
          elseNext: next(node.id, ELSE_HANDLE),
        };
        break;
      case 'wait':
        nodes[node.id] =
          node.data.mode === 'duration'
            ? { kind: 'wait', id: node.id, seconds: node.data.seconds, next: next(node.id, null) }
            : { kind: 'wait', id: node.id, until: { time: node.data.time, timeZone: node.data.timeZone }, next: next(node.id, null) };
        break;
      case 'end':
        nodes[node.id] = { kind: 'end', id: node.id };
        break;
    }
  }
  return { format: PLAN_FORMAT, entry, nodes };
}

/** The trigger's filter, if any, from a validated graph. */
export function triggerFilter(graph: FlowGraph): Condition | null {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  return trigger?.type === 'trigger' ? (trigger.data.filter ?? null) : null;
}
