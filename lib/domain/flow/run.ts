/**
 * The contract of the `customerFlow` workflow: its input and result, what its activities take and give,
 * and its query. Shared by the workflow, the activities and the code that starts or queries runs.
 */
import { defineQuery } from '@temporalio/workflow';
import type { Plan, PlanNode } from './plan';
import type { FinalStatus, RunTrace } from './trace';

/** The interpreter workflow's type name, as the dispatcher starts it. */
export const CUSTOMER_FLOW_WORKFLOW = 'customerFlow';

/**
 * The interpreter revision new runs start under. A run keeps the revision it started with, so a history
 * recorded under an older one replays with that one's commands. Versioning by input rather than patched()
 * spares every run the TemporalChangeVersion search-attribute update that patched() records.
 *
 * 1 (absent): the run's status is recorded by an activity task at the end.
 * 2: the last webhook step records it with its attempt; otherwise a local activity does.
 */
export const INTERPRETER_REVISION = 2;

export interface CustomerFlowInput {
  /** Run row id in the database */
  runId: string;
  /** absent on runs started before revision 2 */
  interpreter?: number;
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
  /**
   * Nothing after this step does I/O: when its outcome is final, the activity marks the run completed in
   * the same write as the attempt, which saves the run an activity of its own.
   */
  completesRun?: boolean;
  /**
   * With completesRun: the run's trace so far (this step included) and the steps after this one, so the
   * activity records the whole path with the run's completion (lib/domain/flow/trace.ts).
   */
  completion?: StepCompletion;
}

interface StepCompletion {
  trace: RunTrace;
  systemName: string;
  /** this step's next node, and the nodes reachable from it (branches and ends only) */
  next: string | null;
  nodes: Record<string, PlanNode>;
}

/** The run's final status for the Run table, with the path it took (absent on runs that replay revision 1). */
export interface RecordRunStatusInput {
  runId: string;
  status: FinalStatus;
  flowId?: string;
  trace?: RunTrace;
}

export interface SendWebhookResult {
  status: number;
  body: unknown;
  fields: Record<string, unknown>;
  attempt: number;
  /** the run was marked completed with this attempt (`completesRun`) */
  runRecorded?: boolean;
}

/** Attached to the ApplicationFailure a failed send ends with. */
export interface SendFailureDetails {
  status: number | null;
  errorClass: string;
  attempt: number;
  /** the run was marked completed with this final attempt (`completesRun`) */
  runRecorded?: boolean;
}

/** Where a run is: the node ids it has entered, in order (the last one is running while the run is). */
export interface RunProgress {
  path: string[];
  /** for each branch passed: the output it took (a condition id, or "else") */
  outputs: Record<string, string>;
}

/** Read-only; answering it adds nothing to the history, so it needs no patch for old runs' replay. */
export const progressQuery = defineQuery<RunProgress>('progress');

export interface CustomerFlowResult {
  /** node ids in the order they ran */
  path: string[];
  webhooks: Record<string, WebhookOutcome>;
}
