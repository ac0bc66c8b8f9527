/**
 * The `sendWebhook` activity, one step of a run: answer from the attempt log when an earlier attempt
 * already got through, render the request (secret values are decrypted only here), wait for a rate-limit
 * slot, send it with undici, record the attempt, and tell Temporal whether to retry under the idempotency
 * rule.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { PrismaClient } from '../lib/server/db';
import { outcomeOf } from '../lib/domain/logs/outcome';
import { buildRequest, redactHeaders, RequestBuildError, type BuiltRequest } from '../lib/domain/webhook/request';
import { DEFAULT_SEND_OPTIONS, isRetryable, sendRequest, warmConnection, type ErrorClass, type SendOutcome } from '../lib/server/webhooks/send';
import { captureFromResponse, type CaptureField, type CaptureResult } from '../lib/domain/webhook/capture';
import { redactOutcome } from '../lib/server/webhooks/redact';
import { nextRetryDelayMs } from '../lib/domain/webhook/retry';
import { loadSendableWebhook, type SendableWebhook } from '../lib/server/webhooks/definition';
import { contextIds, exchangeColumns, recordAttempt, type RunCompletion } from '../lib/server/runs/attempts';
import { signRequest } from '../lib/server/webhooks/signing';
import type { SampleResponse, SendFailureDetails, SendWebhookInput, SendWebhookResult, WebhookOutcome } from '../lib/domain/flow/run';
import { failedOutcome, succeededOutcome, walkTail } from '../lib/domain/flow/trace';
import { RateLimitQueueFullError, type SlotClient } from '../lib/server/ratelimit/client';
import { metrics } from '../lib/server/metrics';

/** What a later step gets of a response body (`Webhooks.<sys>.Body`). */
const WORKFLOW_BODY_CAP = 64 * 1024;

export interface SendWebhookDeps {
  prisma: PrismaClient;
  secretKey: () => Buffer;
  /** hands out rate-limit slots; without it (or without a limit on the integration) requests go at once */
  slots?: SlotClient;
  maxResponseBytes?: number;
}

/** One attempt as the activity sees it. */
interface Attempt {
  input: SendWebhookInput;
  number: number;
  /** when this attempt was scheduled, in Temporal's time (it jumps with the time-skipping test server) */
  scheduledAtMs: number;
  /** the end of the retry window (Temporal's time), or null for a webhook that is sent once */
  windowEndMs: number | null;
}

export function createSendWebhook(deps: SendWebhookDeps) {
  return async function sendWebhook(input: SendWebhookInput): Promise<SendWebhookResult> {
    const ctx = Context.current();
    const { attempt: number, scheduledTimestampMs, currentAttemptScheduledTimestampMs } = ctx.info;
    const attempt: Attempt = {
      input,
      number,
      scheduledAtMs: currentAttemptScheduledTimestampMs,
      windowEndMs: input.retry.maxAttempts > 1 ? scheduledTimestampMs + input.retry.windowSeconds * 1000 : null,
    };

    // Only a retry can follow an attempt that got through (the worker died before reporting it).
    if (number > 1) {
      const answer = await answerFromLog(deps, attempt);
      if (answer) return answer;
    }
    const webhook = await loadSendableWebhook(deps.prisma, input.webhookId, deps.secretKey);
    if (!webhook) fail(attempt, { message: `The webhook ${input.webhookId} no longer exists`, errorClass: 'config', status: null });
    // Signed after rendering, over the exact body sent; every attempt of one call has the same webhook-id.
    const built = signRequest(await render(deps, attempt, webhook), webhook.signing, webhook.idempotent ? input.transactionalId : null);
    // A dry run shows the request as it would go out, signature included, and sends nothing.
    if (input.dryRun) return answerDryRun(deps, attempt, webhook, built, input.dryRun);
    // The plan said "retry", but the webhook may have been edited since: without the id, never resend.
    if (number > 1 && !webhook.idempotent) {
      fail(attempt, { message: 'Not retried: the webhook no longer carries ${WebhookRequest.TransactionalId}', errorClass: 'config', status: null });
    }

    const heartbeat = setInterval(() => ctx.heartbeat({ attempt: number }), 5_000);
    let outcome: SendOutcome;
    try {
      const slotAt = await waitForSlot(deps, attempt, webhook, built, ctx);
      outcome = await sendRequest(built, {
        ...DEFAULT_SEND_OPTIONS,
        connectTimeoutMs: webhook.connectTimeoutMs,
        requestTimeoutMs: webhook.requestTimeoutMs,
        maxResponseBytes: deps.maxResponseBytes ?? DEFAULT_SEND_OPTIONS.maxResponseBytes,
        signal: ctx.cancellationSignal,
        traceparent: webhook.traceparent,
        onDispatch: slotAt === null ? undefined : () => deps.slots!.observeLateness(Date.now() - slotAt),
      });
    } finally {
      clearInterval(heartbeat);
    }
    metrics().webhookDuration.observe({ integration: webhook.integrationId }, outcome.durationMs / 1000);
    // Secret values the service echoed never reach the log, the workflow's history or the flow.
    const answer = redactOutcome(outcome, webhook.redact);
    const failure = answer.ok ? null : retryVerdict(attempt, answer);
    const captured = answer.ok ? captureFromResponse(answer.body, answer.truncated, webhook.capture, deps.maxResponseBytes ?? DEFAULT_SEND_OPTIONS.maxResponseBytes) : null;
    const success = answer.ok ? successResult(answer.status!, answer.body, captured!, number) : null;
    const runRecorded = await record(deps, attempt, webhook, built, { ...answer, captureError: captured?.error ?? null }, {
      final: failure?.nextRetryDelay === undefined,
      step: success ? succeededOutcome(success) : failedOutcome(failure!.status, plainMessage(failure!), number),
      captured: success && webhook.capture.length > 0 ? success.fields : null,
      retry: failure ? { delayMs: failure.nextRetryDelay ?? null, reason: failure.reason ?? null } : null,
    });
    if (failure) fail(attempt, { ...failure, runRecorded });
    return { ...success!, runRecorded, durationMs: answer.durationMs };
  };
}

/** An earlier attempt of this step that already succeeded, answered from the log instead of sending again. */
async function answerFromLog(deps: SendWebhookDeps, attempt: Attempt): Promise<SendWebhookResult | null> {
  const { runId, nodeId, webhookId } = attempt.input;
  const done = await deps.prisma.webhookAttempt.findFirst({
    where: { runId, nodeId, errorClass: null, responseStatus: { not: null } },
    orderBy: { attempt: 'desc' },
  });
  if (!done) return null;
  log.warn('attempt already succeeded; not sending again', { runId, nodeId, webhookId });
  const webhook = await deps.prisma.webhook.findUnique({ where: { id: webhookId }, select: { captureEnabled: true, captureFields: true } });
  const capture = webhook?.captureEnabled ? (webhook.captureFields as unknown as CaptureField[]) : [];
  const limit = deps.maxResponseBytes ?? DEFAULT_SEND_OPTIONS.maxResponseBytes;
  return successResult(done.responseStatus!, done.responseBody, captureFromResponse(done.responseBody, done.responseTruncated, capture, limit), done.attempt);
}

/**
 * A dry-run test step: the request is rendered (above) but never sent. It is recorded as a dry-run attempt
 * with secret header values masked, and answered with the sample response the person gave: a status of 400
 * or more fails the step like a real rejection would, so branches on the outcome can be followed.
 */
async function answerDryRun(deps: SendWebhookDeps, attempt: Attempt, webhook: SendableWebhook, built: BuiltRequest, sample: SampleResponse): Promise<SendWebhookResult> {
  const body = sample.body === undefined || sample.body === null ? null : typeof sample.body === 'string' ? sample.body : JSON.stringify(sample.body);
  const ok = sample.status < 400;
  const errorClass: ErrorClass | null = ok ? null : sample.status >= 500 ? 'http_5xx' : sample.status === 429 ? 'http_429' : 'http_4xx';
  const captured = ok ? captureFromResponse(body, false, webhook.capture, deps.maxResponseBytes ?? DEFAULT_SEND_OPTIONS.maxResponseBytes) : null;
  const outcome = { status: sample.status, body, durationMs: 0, headers: {}, errorClass, errorMessage: ok ? null : `HTTP ${sample.status} (sample response of a dry run)`, captureError: captured?.error ?? null };
  const result = ok ? successResult(sample.status, body, captured!, attempt.number) : null;
  await record(deps, attempt, webhook, built, outcome, {
    final: true,
    step: result ? succeededOutcome(result) : failedOutcome(sample.status, outcome.errorMessage!, attempt.number),
    captured: result && webhook.capture.length > 0 ? result.fields : null,
    retry: null,
  });
  const request = { method: built.method, url: built.url, headers: redactHeaders(built.headers).map(({ name, value }) => ({ name, value })), body: built.body };
  if (!ok) fail(attempt, { message: outcome.errorMessage!, errorClass: errorClass!, status: sample.status });
  return { ...result!, request };
}

/** Renders the request; a template or configuration problem is recorded and never retried. */
async function render(deps: SendWebhookDeps, attempt: Attempt, webhook: SendableWebhook): Promise<BuiltRequest> {
  try {
    return buildRequest(webhook.definition, attempt.input.context);
  } catch (error) {
    const template = error instanceof RequestBuildError;
    const message = template ? `Template error in ${error.message}` : `Invalid webhook configuration: ${(error as Error).message}`;
    const errorClass = template ? 'template' : 'config';
    const request = { method: webhook.definition.method, url: webhook.definition.integration.rootUrl };
    const runRecorded = await record(deps, attempt, webhook, request, { errorClass, errorMessage: message }, finalFailure(attempt, message, `${errorClass} errors are not retried`));
    fail(attempt, { message, errorClass, status: null, runRecorded });
  }
}

/**
 * Every attempt, retries included, takes a slot of its integration's limit. The retry window is in
 * Temporal's time; the slot is wall-clock time on this machine.
 */
async function waitForSlot(deps: SendWebhookDeps, attempt: Attempt, webhook: SendableWebhook, built: BuiltRequest, ctx: Context): Promise<number | null> {
  const rate = webhook.rateLimitPerSecond;
  if (!deps.slots || rate === null || rate <= 0) return null;
  const deadline = attempt.windowEndMs === null ? null : Date.now() + (attempt.windowEndMs - attempt.scheduledAtMs);
  const labels = { integration: webhook.integrationId };
  const waiting = Date.now();
  metrics().rateLimitQueue.inc(labels);
  try {
    const warm = () => warmConnection(built.url, webhook.connectTimeoutMs);
    const slotAt = await deps.slots.waitForTurn(webhook.integrationId, rate, deadline, (ms) => ctx.sleep(ms), warm);
    metrics().rateLimitWait.observe(labels, (Date.now() - waiting) / 1000);
    return slotAt;
  } catch (error) {
    if (!(error instanceof RateLimitQueueFullError)) throw error;
    const runRecorded = await record(deps, attempt, webhook, built, { errorClass: 'rate_limit', errorMessage: error.message }, finalFailure(attempt, error.message, 'a full rate-limit queue is not retried'));
    fail(attempt, { message: error.message, errorClass: 'rate_limit', status: null, runRecorded });
  } finally {
    metrics().rateLimitQueue.dec(labels);
  }
}

type RecordedRequest = { url: string; method: string; headers?: BuiltRequest['headers']; body?: string | null };

/** What the log keeps besides the request and response. */
interface AttemptSummary {
  /** no retry follows */
  final: boolean;
  /** what a later step sees of this one (`Webhooks.<sys>`), when this attempt is final */
  step: WebhookOutcome;
  captured: Record<string, unknown> | null;
  /** the delay chosen before the next attempt, or why there is none */
  retry: { delayMs: number | null; reason: string | null } | null;
}

function finalFailure(attempt: Attempt, message: string, reason: string): AttemptSummary {
  return { final: true, step: failedOutcome(null, message, attempt.number), captured: null, retry: { delayMs: null, reason } };
}

/**
 * The path the run records when this attempt finishes it: its trace so far, this step's outcome, and the
 * branches after it, walked on the context the workflow will walk them on.
 */
function completion(attempt: Attempt, summary: AttemptSummary): RunCompletion {
  const { completion: step, context, nodeId } = attempt.input;
  const flowId = contextIds(context).flowId;
  if (!step) return { flowId, trace: null };
  const { WebhookRequest: _request, ...workflowContext } = context;
  const webhooks = { ...(context.Webhooks as Record<string, unknown>), [step.systemName]: summary.step };
  const failed = summary.step.Ok ? step.trace.failed : [...step.trace.failed, nodeId];
  return { flowId, trace: walkTail(step.nodes, step.next, { ...workflowContext, Webhooks: webhooks }, { ...step.trace, failed }) };
}

/**
 * Writes the attempt log row, with secret header values masked, and, when this attempt is the run's final
 * step (`completesRun` and no retry follows), marks the run completed, with its path, in the same
 * transaction. Returns whether the run was marked. Losing the row never turns a delivery into a resend.
 */
async function record(
  deps: SendWebhookDeps,
  attempt: Attempt,
  webhook: SendableWebhook,
  request: RecordedRequest,
  outcome: Partial<SendOutcome> & { captureError?: string | null },
  summary: AttemptSummary,
): Promise<boolean> {
  const { runId, nodeId, webhookId, transactionalId, completesRun, context, retry } = attempt.input;
  const marksRun = summary.final && completesRun === true;
  try {
    if (attempt.input.dryRun) {
      await recordDryRunAttempt(deps, attempt, webhook, request, outcome);
      return false;
    }
    countAttempt(webhook, outcome);
    await recordAttempt(
      deps.prisma,
      {
        runId,
        nodeId,
        webhookId,
        transactionalId,
        ...contextIds(context),
        integrationId: webhook.integrationId,
        maxAttempts: retry.maxAttempts,
        retryDelayMs: summary.retry?.delayMs ?? null,
        retryReason: summary.retry?.reason ?? null,
        captured: summary.captured,
        // Retries render from the same context: the first attempt keeps it for a resend.
        context: attempt.number === 1 ? context : null,
        attempt: attempt.number,
        scheduledAt: new Date(attempt.scheduledAtMs),
        ...exchangeColumns({ ...request, headers: redactHeaders(request.headers ?? []) }, outcome),
        captureError: outcome.captureError ?? null,
      },
      marksRun ? completion(attempt, summary) : null,
    );
    if (marksRun) metrics().runsFinished.inc({ flow: contextIds(context).flowId ?? 'unknown', status: 'completed' });
    return marksRun;
  } catch (error) {
    log.error('could not record webhook attempt', { error: (error as Error).message, runId, nodeId, attempt: attempt.number });
    return false;
  }
}

/** hookflow_webhook_attempts_total: a counter in memory, no I/O on the event path. */
function countAttempt(webhook: SendableWebhook, outcome: Partial<SendOutcome>): void {
  const outcomeClass = outcomeOf(outcome.errorClass ?? null, outcome.status ?? null) ?? 'none';
  metrics().webhookAttempts.inc({ integration: webhook.integrationId, webhook: webhook.systemName, outcome: outcomeClass });
}

/** Dry-run attempts are off the event path: written through Prisma, marked as never sent. */
async function recordDryRunAttempt(
  deps: SendWebhookDeps,
  attempt: Attempt,
  webhook: SendableWebhook,
  request: RecordedRequest,
  outcome: Partial<SendOutcome> & { captureError?: string | null },
): Promise<void> {
  const { runId, nodeId, webhookId, transactionalId, context, retry } = attempt.input;
  await deps.prisma.webhookAttempt.create({
    data: {
      runId,
      nodeId,
      webhookId,
      transactionalId,
      ...contextIds(context),
      integrationId: webhook.integrationId,
      outcome: outcomeOf(outcome.errorClass ?? null, outcome.status ?? null),
      maxAttempts: retry.maxAttempts,
      attempt: attempt.number,
      scheduledAt: new Date(attempt.scheduledAtMs),
      ...exchangeColumns({ ...request, headers: redactHeaders(request.headers ?? []) }, outcome),
      // Nothing was sent; Prisma writes a missing JSON value as SQL NULL.
      durationMs: 0,
      responseHeaders: outcome.headers ?? undefined,
      captureError: outcome.captureError ?? null,
      dryRun: true,
    },
  });
}

interface Failure {
  message: string;
  errorClass: ErrorClass;
  status: number | null;
  /** retry after this many ms; none: the attempt is final */
  nextRetryDelay?: number;
  /** why this delay, or why no retry (kept in the log) */
  reason?: string;
  /** why a retryable failure is not retried (the window ended, Retry-After too far) */
  gaveUp?: string;
  runRecorded?: boolean;
}

/** A failed send is retried after the rule's delay (or Retry-After) while the window and attempts last. */
function retryVerdict(attempt: Attempt, outcome: SendOutcome): Failure {
  const failure: Failure = { message: outcome.errorMessage ?? 'The request failed', errorClass: outcome.errorClass ?? 'connection', status: outcome.status };
  const { retry } = attempt.input;
  if (!isRetryable(outcome.errorClass)) return { ...failure, reason: `${failure.errorClass} is not retried` };
  if (attempt.windowEndMs === null) return { ...failure, reason: 'sent once: the webhook does not carry the TransactionalId' };
  if (attempt.number >= retry.maxAttempts) return { ...failure, reason: `the last of ${retry.maxAttempts} attempts` };
  const decision = nextRetryDelayMs({
    attempt: attempt.number,
    // Temporal's clock plus the time this attempt took.
    nowMs: attempt.scheduledAtMs + outcome.durationMs,
    windowEndMs: attempt.windowEndMs,
    windowSeconds: retry.windowSeconds,
    retryAfterSeconds: outcome.retryAfterSeconds,
  });
  if (decision.delayMs === null) return { ...failure, gaveUp: decision.reason, reason: decision.reason };
  return { ...failure, nextRetryDelay: decision.delayMs, reason: decision.reason };
}

/** What the flow sees as `Webhooks.<sys>.Error`. */
function plainMessage(failure: Failure): string {
  return failure.gaveUp ? `${failure.message}; ${failure.gaveUp}` : failure.message;
}

/** Ends the attempt with a typed failure: retried after `nextRetryDelay` when given, otherwise never. */
function fail(attempt: Attempt, failure: Failure): never {
  const details: SendFailureDetails = { status: failure.status, errorClass: failure.errorClass, attempt: attempt.number, runRecorded: failure.runRecorded, message: plainMessage(failure) };
  throw ApplicationFailure.create({
    message: failureMessage(attempt, failure),
    type: failure.errorClass,
    nonRetryable: failure.nextRetryDelay === undefined,
    details: [details],
    nextRetryDelay: failure.nextRetryDelay,
  });
}

/**
 * The failure as the Temporal UI shows it, naming the webhook and how it ended: "create_ticket: HTTP 503 …
 * after 4 attempts; gave up at the end of the 6-minute retry window".
 */
function failureMessage(attempt: Attempt, failure: Failure): string {
  const who = attempt.input.systemName ?? attempt.input.webhookId;
  if (failure.nextRetryDelay !== undefined) {
    return `${who}: ${failure.message} (attempt ${attempt.number} of ${attempt.input.retry.maxAttempts}; retrying in ${Math.round(failure.nextRetryDelay / 1000)} s)`;
  }
  const tries = attempt.number > 1 ? ` after ${attempt.number} attempts` : '';
  return `${who}: ${failure.message}${tries}${failure.gaveUp ? `; ${failure.gaveUp}` : ''}`;
}

function successResult(status: number, text: string | null, captured: CaptureResult, attempt: number): SendWebhookResult {
  const body = (text?.length ?? 0) > WORKFLOW_BODY_CAP ? null : captured.body;
  return { status, body, fields: captured.fields, attempt, ...(captured.error ? { captureError: captured.error } : {}) };
}
