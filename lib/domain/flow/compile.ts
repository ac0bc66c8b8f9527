/**
 * Validates a flow graph and compiles it to a plan. Validation (validate.ts) reports every problem it finds,
 * each on the node or edge it concerns, in words a marketer understands; only a graph without problems
 * becomes a plan.
 */
import type { Condition } from './conditions';
import { ELSE_HANDLE, flowGraphSchema, type FlowGraph } from './graph';
import { PLAN_FORMAT, type Plan, type PlanNode } from './plan';
import { validateGraph, type FlowProblem } from './validate';
import type { WebhookInfo } from './webhook-catalog';

export { webhooksAvailableAt, type FlowProblem } from './validate';

export type CompileResult = { ok: true; plan: Plan; graph: FlowGraph } | { ok: false; problems: FlowProblem[] };

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
        nodes[node.id] = {
          kind: 'webhook',
          id: node.id,
          webhookId: webhook.id,
          systemName: webhook.systemName,
          name: webhook.name,
          request: webhook.method === undefined ? undefined : { method: webhook.method, integration: webhook.integrationName ?? '', path: webhook.path ?? '' },
          retry: webhook.retry,
          next: next(node.id, null),
        };
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
