/**
 * The compiled plan: data that the generic `customerFlow` workflow interprets. Imported by workflow code,
 * so it holds types and pure helpers only.
 */
import type { Condition } from './conditions';
import type { RetryRule } from '../webhook/idempotency';

export const PLAN_FORMAT = 1;

export type PlanNode =
  | {
      kind: 'webhook';
      id: string;
      webhookId: string;
      systemName: string;
      /** the webhook's name and request as published, for the Temporal UI; absent in plans published before */
      name?: string;
      request?: { method: string; integration: string; path: string };
      retry: RetryRule;
      next: string | null;
    }
  | { kind: 'branch'; id: string; branches: { id: string; label: string; condition: Condition; next: string | null }[]; elseNext: string | null }
  | { kind: 'wait'; id: string; seconds: number; next: string | null }
  | { kind: 'wait'; id: string; until: { time: string; timeZone: string }; next: string | null }
  | { kind: 'end'; id: string };

export interface Plan {
  format: typeof PLAN_FORMAT;
  /** the node after the trigger; null when the trigger connects to nothing */
  entry: string | null;
  nodes: Record<string, PlanNode>;
}

/** Whether nothing that runs after `node` does I/O (only branches and ends follow), so it is the run's last step. */
export function isLastIoStep(plan: Plan, node: PlanNode): boolean {
  const seen = new Set<string>();
  const queue = successors(node);
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const next = plan.nodes[id];
    if (!next) continue;
    if (next.kind === 'webhook' || next.kind === 'wait') return false;
    queue.push(...successors(next));
  }
  return true;
}

/** The nodes a step can go to next. */
export function successors(node: PlanNode): string[] {
  switch (node.kind) {
    case 'branch':
      return [...node.branches.map((b) => b.next), node.elseNext].filter((id): id is string => id !== null);
    case 'end':
      return [];
    default:
      return node.next === null ? [] : [node.next];
  }
}
