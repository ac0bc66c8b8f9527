/** Types shared by workflows, activities and the code that starts workflows. No runtime imports here. */
import type { Plan } from '../lib/flow/plan';

export const TASK_QUEUE_DEFAULT = 'hookflow';

export interface CustomerFlowInput {
  /** Run row id in the database */
  runId: string;
  flow: { id: string; name: string; versionId: string; version: number };
  plan: Plan;
  customer: Record<string, unknown>;
  event: { Id: string; Type: string; Data: Record<string, unknown>; OccurredAt: string };
}

/** What a later step sees of a webhook that already ran: `Webhooks.<systemName>.*` */
export interface WebhookOutcome {
  Ok: boolean;
  Status: number | null;
  Body?: unknown;
  Fields?: Record<string, unknown>;
  Error?: string;
  Attempts: number;
}

export interface SendWebhookInput {
  webhookId: string;
  nodeId: string;
  runId: string;
  transactionalId: string;
  /** the template context: Customer, Event, Webhooks, Flow, Run */
  context: Record<string, unknown>;
  /** compiled into the plan at publish time */
  retry: { maxAttempts: number; windowSeconds: number };
}

export interface SendWebhookResult {
  status: number;
  body: unknown;
  fields: Record<string, unknown>;
  attempt: number;
}

/** Attached to the ApplicationFailure a failed send ends with. */
export interface SendFailureDetails {
  status: number | null;
  errorClass: string;
  attempt: number;
}

export interface CustomerFlowResult {
  /** node ids in the order they ran */
  path: string[];
  webhooks: Record<string, WebhookOutcome>;
}
