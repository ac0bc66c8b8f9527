/**
 * Types and message definitions shared by workflows, activities and the code that starts or queries
 * workflows (samples-typescript's shared.ts).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Plan } from './plan';
import type { AcquireInput, LimiterState, LimiterStatus, SlotGrant } from '../ratelimit/gcra';

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

export const RATE_LIMITER_WORKFLOW = 'rateLimiter';
export const acquireUpdate = defineUpdate<SlotGrant[], [AcquireInput]>('acquire');
export const releaseSignal = defineSignal<[{ slots: number[] }]>('release');
export const statusQuery = defineQuery<LimiterStatus & { ratePerSecond: number | null; updatesThisRun: number }>('status');

export interface RateLimiterInput {
  state?: LimiterState;
  ratePerSecond?: number | null;
  /** continue-as-new after this many updates (Temporal allows 2,000 per run) */
  maxUpdatesPerRun?: number;
  /** end after this long without requests, once no granted slot is still ahead */
  idleTimeoutMs?: number;
}

/** Callers retry an update refused with this message: it reaches the next run. */
export const CONTINUING_AS_NEW = 'rate limiter is continuing as new; retry';

export const RATE_LIMITER_DEFAULTS = { maxUpdatesPerRun: 1000, idleTimeoutMs: 10 * 60_000 };
