/**
 * Validation of a flow graph, as named passes run in a fixed order: the steps and the trigger, the edges,
 * cycles, reachability from the trigger, each step's own rules, and the webhook responses steps read. Every
 * pass reports what it finds, each problem on the node or edge it concerns, in words a marketer understands;
 * the order of the passes is the order of the problems. The passes that walk the graph share one adjacency
 * (`outgoingEdges`), built from the edges the edge pass accepted.
 */
import { conditionWebhooks } from './conditions';
import { ELSE_HANDLE, outputHandles, type FlowEdge, type FlowGraph, type FlowNode } from './graph';
import type { WebhookInfo } from './webhook-catalog';

export interface FlowProblem {
  nodeId?: string;
  edgeId?: string;
  message: string;
}

/** Each node's outgoing edges, in the order of `edges`. */
type Adjacency = Map<string, FlowEdge[]>;

const nodeLabel: Record<FlowNode['type'], string> = {
  trigger: 'trigger',
  webhook: 'webhook step',
  branch: 'branch',
  wait: 'wait step',
  end: 'end',
};

export function validateGraph(graph: FlowGraph, webhooks: ReadonlyMap<string, WebhookInfo>): FlowProblem[] {
  const steps = checkSteps(graph);
  const edges = checkEdges(graph, steps.nodes);
  const outgoing = outgoingEdges(edges.accepted);
  const loops = checkCycles(graph, outgoing);
  const trigger = steps.triggers[0];
  return [
    ...steps.problems,
    ...edges.problems,
    ...loops,
    ...(trigger ? checkReachability(graph, trigger.id, outgoing) : []),
    ...checkStepRules(graph, edges.connectedOutputs, webhooks),
    // Which webhooks run before a step is only defined on a graph without loops.
    ...(trigger && loops.length === 0 ? checkWebhookReferences(graph, trigger.id, outgoing, webhooks) : []),
  ];
}

/** The adjacency every graph walk uses: each node's outgoing edges, in the order given. */
function outgoingEdges(edges: Iterable<FlowEdge>): Adjacency {
  const outgoing: Adjacency = new Map();
  for (const edge of edges) {
    const list = outgoing.get(edge.source);
    if (list) list.push(edge);
    else outgoing.set(edge.source, [edge]);
  }
  return outgoing;
}

/** Step ids are unique; there is exactly one trigger, and it names an event type. */
function checkSteps(graph: FlowGraph): { nodes: Map<string, FlowNode>; triggers: FlowNode[]; problems: FlowProblem[] } {
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
  return { nodes, triggers, problems };
}

/**
 * Edges: both ends exist, nothing goes into a trigger or back into its own step, the output exists, no edge
 * is drawn twice, one edge per output. Only the edges that pass every check are `accepted`; the later passes
 * walk those. `connectedOutputs` holds `<source>|<handle>` of every accepted edge.
 */
function checkEdges(graph: FlowGraph, nodes: ReadonlyMap<string, FlowNode>): { accepted: FlowEdge[]; connectedOutputs: Set<string>; problems: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  const accepted: FlowEdge[] = [];
  const connectedOutputs = new Set<string>();
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
    const handle = edge.sourceHandle ?? null;
    if (!outputHandles(source).includes(handle)) {
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
    if (connectedOutputs.has(output)) {
      problems.push({ edgeId: edge.id, nodeId: source.id, message: 'One output can lead to only one next step' });
      continue;
    }
    connectedOutputs.add(output);
    accepted.push(edge);
  }
  return { accepted, connectedOutputs, problems };
}

/** Loops (depth-first, colouring): each edge that closes one, once. */
function checkCycles(graph: FlowGraph, outgoing: Adjacency): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const colour = new Map<string, 'grey' | 'black'>();
  const reported = new Set<string>();
  const visit = (nodeId: string): void => {
    colour.set(nodeId, 'grey');
    for (const edge of outgoing.get(nodeId) ?? []) {
      const state = colour.get(edge.target);
      if (state === 'grey') {
        if (!reported.has(edge.id)) {
          reported.add(edge.id);
          problems.push({ edgeId: edge.id, nodeId: edge.target, message: 'This connection makes a loop; flows must always move forward' });
        }
      } else if (state === undefined) {
        visit(edge.target);
      }
    }
    colour.set(nodeId, 'black');
  };
  for (const node of graph.nodes) if (!colour.has(node.id)) visit(node.id);
  return problems;
}

/** Every step other than a trigger is reached from the trigger. */
function checkReachability(graph: FlowGraph, triggerId: string, outgoing: Adjacency): FlowProblem[] {
  const reached = new Set<string>([triggerId]);
  const queue = [triggerId];
  while (queue.length > 0) {
    for (const edge of outgoing.get(queue.shift()!) ?? []) {
      if (!reached.has(edge.target)) {
        reached.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return graph.nodes
    .filter((node) => !reached.has(node.id) && node.type !== 'trigger')
    .map((node) => ({ nodeId: node.id, message: `This ${nodeLabel[node.type]} can never run: nothing leads to it from the trigger` }));
}

/** Each step's own settings: a branch's conditions and Else output, a webhook step's webhook, a wait's time zone. */
function checkStepRules(graph: FlowGraph, connectedOutputs: ReadonlySet<string>, webhooks: ReadonlyMap<string, WebhookInfo>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const node of graph.nodes) {
    if (node.type === 'branch') {
      if (node.data.branches.length === 0) problems.push({ nodeId: node.id, message: 'Add at least one condition to this branch' });
      const ids = new Set<string>();
      for (const branch of node.data.branches) {
        if (branch.id === ELSE_HANDLE || ids.has(branch.id)) problems.push({ nodeId: node.id, message: `Two outputs of this branch share the id "${branch.id}"` });
        ids.add(branch.id);
      }
      if (!connectedOutputs.has(`${node.id}|${ELSE_HANDLE}`)) {
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
  return problems;
}

/** A step may read the response of a webhook only if that webhook runs before it on every path from the trigger. */
function checkWebhookReferences(graph: FlowGraph, triggerId: string, outgoing: Adjacency, webhooks: ReadonlyMap<string, WebhookInfo>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const ranBefore = webhooksRunBefore(graph, triggerId, outgoing, webhooks);
  for (const node of graph.nodes) {
    const before = ranBefore.get(node.id);
    if (!before) continue;
    for (const systemName of new Set(readsOf(node, webhooks))) {
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
  const ids = new Set(graph.nodes.map((n) => n.id));
  const outgoing = outgoingEdges(graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)));
  return [...(webhooksRunBefore(graph, trigger.id, outgoing, webhooks).get(nodeId) ?? [])];
}

/** For each reachable node: the webhooks that have run on every path from the trigger to it. */
function webhooksRunBefore(graph: FlowGraph, triggerId: string, outgoing: Adjacency, webhooks: ReadonlyMap<string, WebhookInfo>): Map<string, Set<string>> {
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
