/**
 * The compiled plan: data that the generic `customerFlow` workflow interprets. Imported by workflow code,
 * so it holds types and pure helpers only.
 */
import type { Condition } from './conditions';
import type { RetryRule } from '../webhook/idempotency';

export const PLAN_FORMAT = 1;

export type PlanNode =
  | { kind: 'webhook'; id: string; webhookId: string; systemName: string; retry: RetryRule; next: string | null }
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
