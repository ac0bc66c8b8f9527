/**
 * The contract of the `customerFlow` workflow: its input and result, what its activities take and give,
 * and its query. Shared by the workflow, the activities and the code that starts or queries runs.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
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
 * 2: the last webhook step records it with its attempt; otherwise a local activity does. Test runs (`test`
 *    in the input): a dry run hands each webhook step the sample response to answer with instead of sending,
 *    and `skipWaits` turns waits into no timer at all.
 */
export const INTERPRETER_REVISION = 2;

export interface CustomerFlowInput {
  /** Run row id in the database */
  runId: string;
  /** absent on runs started before revision 2 */
  interpreter?: number;
  /** the run was started with Hookflow's search attributes, so it may set HookflowOutcome at its end */
  searchAttributes?: boolean;
  /** `versionId` null and `version` 0: a test run of the draft */
  flow: { id: string; name: string; versionId: string | null; version: number };
  plan: Plan;
  /** a test run (revision 2); absent on customer runs */
  test?: TestRunOptions;
  customer: Record<string, unknown>;
  event: { Id: string; Type: string; Data: Record<string, unknown>; OccurredAt: string; Context?: Record<string, unknown> };
}

/** A sample response a dry run answers a webhook step with. */
export interface SampleResponse {
  status: number;
  body: unknown;
}

interface TestRunOptions {
  /** live: webhooks really send; dry: each is rendered and recorded, nothing is sent */
  mode: 'live' | 'dry';
  /** dry runs: the response per webhook step (node id); a step without one answers 200 with an empty object */
  responses?: Record<string, SampleResponse>;
  /** waits end at once, so a test shows its whole path now */
  skipWaits?: boolean;
}

/** What a later step sees of a webhook that already ran: `Webhooks.<systemName>.*` */
export interface WebhookOutcome {
  Ok: boolean;
  Status: number | null;
  Body?: unknown;
  Fields?: Record<string, unknown>;
  Error?: string;
  /** why a field to capture could not be read from a successful response */
  CaptureError?: string;
  Attempts: number;
}

export interface SendWebhookInput {
  webhookId: string;
  /** for people reading the run in the Temporal UI; the activity loads the webhook by id */
  systemName?: string;
  name?: string;
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
  /** a dry-run test step: render and record the request, send nothing, answer with this response */
  dryRun?: SampleResponse;
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
  /** how long the request took, ms */
  durationMs?: number;
  /** why a field to capture could not be read (`Webhooks.<sys>.CaptureError`) */
  captureError?: string;
  /** a dry run: the request as it would have been sent, secret header values masked */
  request?: { method: string; url: string; headers: { name: string; value: string }[]; body: string | null };
}

/** Attached to the ApplicationFailure a failed send ends with. */
export interface SendFailureDetails {
  status: number | null;
  errorClass: string;
  attempt: number;
  /** the run was marked completed with this final attempt (`completesRun`) */
  runRecorded?: boolean;
  /** what the flow sees as `Webhooks.<sys>.Error`; the failure's own message also names the webhook */
  message?: string;
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

/**
 * Search attributes every run carries, so that runs can be found in the Temporal UI and CLI by flow,
 * customer and event (docs/temporal.md). `npm start` registers them on the embedded server, and
 * `npm run temporal:setup` on any other.
 */
export const SEARCH_ATTRIBUTES = {
  flowId: defineSearchAttributeKey('HookflowFlowId', SearchAttributeType.KEYWORD),
  flowName: defineSearchAttributeKey('HookflowFlowName', SearchAttributeType.KEYWORD),
  flowVersion: defineSearchAttributeKey('HookflowFlowVersion', SearchAttributeType.INT),
  customerId: defineSearchAttributeKey('HookflowCustomerId', SearchAttributeType.KEYWORD),
  eventId: defineSearchAttributeKey('HookflowEventId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('HookflowEventType', SearchAttributeType.KEYWORD),
  /** set when the run ends: completed, failed or has-failed-webhooks */
  outcome: defineSearchAttributeKey('HookflowOutcome', SearchAttributeType.KEYWORD),
} as const;

export type RunOutcome = 'completed' | 'failed' | 'has-failed-webhooks';
