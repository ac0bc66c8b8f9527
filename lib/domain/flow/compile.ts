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
      problems: parsed.error.issues.flatMap(unionBranchIssues).map((issue) => {
        const [collection, index] = issue.path;
        const raw = input as { nodes?: { id?: string }[]; edges?: { id?: string }[] } | null;
        const nodeId = collection === 'nodes' && typeof index === 'number' ? raw?.nodes?.[index]?.id : undefined;
        const edgeId = collection === 'edges' && typeof index === 'number' ? raw?.edges?.[index]?.id : undefined;
        return { nodeId, edgeId, message: issueMessage(issue.path.slice(2), issue) };
      }),
    };
  }
  const graph = parsed.data;
  const problems = validateGraph(graph, webhooks);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: buildPlan(graph, webhooks), graph };
}

type Issue = { code: string; message: string; path: PropertyKey[]; errors?: Issue[][] };

/**
 * A value that matches none of a union's shapes (a wait, a condition) is explained by the shape it was
 * meant to be: the one whose kind matched, so the person sees "Wait: at least 1 second", not "invalid input".
 */
function unionBranchIssues(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const meant = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_value' || (i.code === 'invalid_type' && i.path.length === 0)));
  const best = (meant.length ? meant : issue.errors).reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((i) => unionBranchIssues({ ...i, path: [...issue.path, ...i.path] }));
}

/** A settings problem in words: the field's label as the inspector shows it, never a data path. */
function issueMessage(path: PropertyKey[], issue: { code: string; message: string }): string {
  const label = fieldLabel(path.map(String));
  const message = issue.code === 'invalid_type' && /expected|received/i.test(issue.message) ? 'Fill this in' : issue.code === 'invalid_union' ? 'Choose what to check again' : issue.message;
  return label ? `${label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message;
}

const CONDITION_PARTS: Record<string, string> = { path: 'variable', value: 'value', op: 'comparison', webhook: 'webhook', outcome: 'outcome', min: 'status', max: 'status', combinator: 'all/any', kind: 'kind' };

function fieldLabel(path: string[]): string {
  const [root, field, index, ...rest] = path;
  if (root !== 'data') return root === 'position' ? 'Position' : root === 'id' ? 'Step id' : '';
  if (field === 'eventType') return 'Event type';
  if (field === 'filter') return `Trigger filter${conditionLabel([index ?? '', ...rest].filter(Boolean))}`;
  if (field === 'webhookId') return 'Webhook';
  if (field === 'seconds' || field === 'mode') return 'Wait';
  if (field === 'time') return 'Time';
  if (field === 'timeZone') return 'Time zone';
  if (field === 'branches') {
    if (index === undefined) return 'Outputs';
    const output = `Output ${Number(index) + 1}`;
    if (rest[0] === 'label') return `${output} label`;
    if (rest[0] === 'condition') return `${output} condition${conditionLabel(rest.slice(1))}`;
    return output;
  }
  return '';
}

/** `conditions.1.path` → " 2, variable" */
function conditionLabel(path: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === 'conditions' && path[i + 1] !== undefined) parts.push(`part ${Number(path[++i]) + 1}`);
    else if (CONDITION_PARTS[path[i]!]) parts.push(CONDITION_PARTS[path[i]!]!);
  }
  return parts.length ? `, ${parts.join(', ')}` : '';
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
/** Whether the flow starts for visitors known only by an anonymous id (docs/sources.md). */
export function startsForAnonymous(graph: FlowGraph): boolean {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  return trigger?.type === 'trigger' && trigger.data.anonymous === true;
}

export function triggerFilter(graph: FlowGraph): Condition | null {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  return trigger?.type === 'trigger' ? (trigger.data.filter ?? null) : null;
}
