/**
 * The `sendWebhook` activity: loads a webhook and its integration (secret values are decrypted only here),
 * builds the request from the template context, sends it with undici, records the attempt, and tells
 * Temporal whether to retry under the idempotency rule.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { PrismaClient } from '../lib/server/db';
import { decryptSecret } from '../lib/server/crypto/secrets';
import { buildRequest, redactHeaders, RequestBuildError, type BuiltRequest, type WebhookDefinition } from '../lib/domain/webhook/request';
import { DEFAULT_SEND_OPTIONS, isRetryable, sendRequest, type ErrorClass, type SendOutcome } from '../lib/server/webhooks/send';
import { captureFields, type CaptureField } from '../lib/domain/webhook/capture';
import { usesTransactionalId } from '../lib/domain/webhook/idempotency';
import { nextRetryDelayMs } from '../lib/domain/webhook/retry';
import type { SendFailureDetails, SendWebhookInput, SendWebhookResult } from '../lib/domain/flow/run';
import { RateLimitQueueFullError, type SlotClient } from '../lib/server/ratelimit/client';

/** What a later step gets of a response body (`Webhooks.<sys>.Body`). */
export const WORKFLOW_BODY_CAP = 64 * 1024;
/** What the attempt log keeps of a request or response body. */
export const LOG_BODY_CAP = 64 * 1024;

export interface SendWebhookDeps {
  prisma: PrismaClient;
  secretKey: () => Buffer;
  /** hands out rate-limit slots; without it (or without a limit on the integration) requests go at once */
  slots?: SlotClient;
  maxResponseBytes?: number;
}

type LoadedWebhook = NonNullable<Awaited<ReturnType<typeof loadWebhook>>>;

function loadWebhook(prisma: PrismaClient, id: string) {
  return prisma.webhook.findUnique({
    where: { id },
    include: { integration: { include: { headers: { orderBy: { position: 'asc' } } } } },
  });
}

export function webhookDefinition(webhook: LoadedWebhook, secretKey: () => Buffer): WebhookDefinition {
  return {
    id: webhook.id,
    version: webhook.version,
    method: webhook.method,
    path: webhook.path,
    bodyTemplate: webhook.bodyTemplate,
    headers: webhook.headers as unknown as { name: string; value: string }[],
    disabledHeaders: webhook.disabledHeaders as unknown as string[],
    integration: {
      rootUrl: webhook.integration.rootUrl,
      headers: webhook.integration.headers.map((h) => ({
        name: h.name,
        value: h.secret ? decryptSecret(h.value, secretKey()) : h.value,
        secret: h.secret,
      })),
    },
  };
}

function fail(message: string, errorClass: ErrorClass, details: SendFailureDetails, nextRetryDelay?: number): never {
  if (nextRetryDelay === undefined) {
    throw ApplicationFailure.create({ message, type: errorClass, nonRetryable: true, details: [details] });
  }
  throw ApplicationFailure.create({ message, type: errorClass, nonRetryable: false, details: [details], nextRetryDelay });
}

function parseBody(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createSendWebhook(deps: SendWebhookDeps) {
  return async function sendWebhook(input: SendWebhookInput): Promise<SendWebhookResult> {
    const ctx = Context.current();
    const { attempt, scheduledTimestampMs, currentAttemptScheduledTimestampMs } = ctx.info;
    const details = (status: number | null, errorClass: string): SendFailureDetails => ({ status, errorClass, attempt });

    // A send that succeeded is never repeated: if the attempt log says so, answer from it.
    const done = await deps.prisma.webhookAttempt.findFirst({
      where: { runId: input.runId, nodeId: input.nodeId, errorClass: null, responseStatus: { not: null } },
      orderBy: { attempt: 'desc' },
    });
    const webhook = await loadWebhook(deps.prisma, input.webhookId);
    if (!webhook) fail(`The webhook ${input.webhookId} no longer exists`, 'config', details(null, 'config'));
    if (done) {
      log.warn('attempt already succeeded; not sending again', { runId: input.runId, nodeId: input.nodeId });
      return successResult(done.responseStatus!, done.responseBody, webhook.captureEnabled ? (webhook.captureFields as unknown as CaptureField[]) : [], done.attempt);
    }

    const record = async (built: { url: string; method: string; headers?: BuiltRequest['headers']; body?: string | null }, outcome: Partial<SendOutcome>) => {
      try {
        await deps.prisma.webhookAttempt.create({
          data: {
            runId: input.runId,
            nodeId: input.nodeId,
            webhookId: input.webhookId,
            transactionalId: input.transactionalId,
            attempt,
            scheduledAt: new Date(currentAttemptScheduledTimestampMs),
            durationMs: outcome.durationMs ?? null,
            requestMethod: built.method,
            requestUrl: built.url,
            requestHeaders: redactHeaders(built.headers ?? []),
            requestBody: built.body?.slice(0, LOG_BODY_CAP) ?? null,
            responseStatus: outcome.status ?? null,
            responseHeaders: outcome.headers ?? undefined,
            responseBody: outcome.body?.slice(0, LOG_BODY_CAP) ?? null,
            responseTruncated: (outcome.truncated ?? false) || (outcome.body?.length ?? 0) > LOG_BODY_CAP,
            errorClass: outcome.errorClass ?? null,
            errorMessage: outcome.errorMessage ?? null,
          },
        });
      } catch (error) {
        // The log is for people; losing one row must never turn a delivered request into a resend.
        log.error('could not record webhook attempt', { error: (error as Error).message, runId: input.runId, nodeId: input.nodeId, attempt });
      }
    };

    let built: BuiltRequest;
    try {
      built = buildRequest(webhookDefinition(webhook, deps.secretKey), input.context);
    } catch (error) {
      const message = error instanceof RequestBuildError ? `Template error in ${error.message}` : `Invalid webhook configuration: ${(error as Error).message}`;
      const errorClass = error instanceof RequestBuildError ? 'template' : 'config';
      await record({ method: webhook.method, url: webhook.integration.rootUrl }, { errorClass, errorMessage: message });
      fail(message, errorClass, details(null, errorClass));
    }

    // The plan said "retry", but the webhook may have been edited since: without the id, never resend.
    if (attempt > 1 && !usesTransactionalId({ path: webhook.path, bodyTemplate: webhook.bodyTemplate, headers: webhook.headers as unknown as { value: string }[] })) {
      fail('Not retried: the webhook no longer carries ${WebhookRequest.TransactionalId}', 'config', details(null, 'config'));
    }

    const windowEndMs = input.retry.maxAttempts > 1 ? scheduledTimestampMs + input.retry.windowSeconds * 1000 : null;
    const heartbeat = setInterval(() => ctx.heartbeat({ attempt }), 5_000);
    let outcome: SendOutcome;
    try {
      const rate = webhook.integration.rateLimitPerSecond;
      if (deps.slots && rate !== null && rate > 0) {
        // Every attempt, retries included, takes a slot. The retry window is in Temporal's time; the
        // slot is wall-clock time on this machine.
        const deadline = windowEndMs === null ? null : Date.now() + (windowEndMs - currentAttemptScheduledTimestampMs);
        try {
          await deps.slots.waitForTurn(webhook.integrationId, rate, deadline, (ms) => ctx.sleep(ms));
        } catch (error) {
          if (!(error instanceof RateLimitQueueFullError)) throw error;
          await record(built, { errorClass: 'rate_limit', errorMessage: error.message });
          fail(error.message, 'rate_limit', details(null, 'rate_limit'));
        }
      }
      outcome = await sendRequest(built, {
        ...DEFAULT_SEND_OPTIONS,
        connectTimeoutMs: webhook.integration.connectTimeoutMs,
        requestTimeoutMs: webhook.integration.requestTimeoutMs,
        maxResponseBytes: deps.maxResponseBytes ?? DEFAULT_SEND_OPTIONS.maxResponseBytes,
      });
    } finally {
      clearInterval(heartbeat);
    }
    await record(built, outcome);

    if (outcome.ok) {
      const fields = webhook.captureEnabled ? (webhook.captureFields as unknown as CaptureField[]) : [];
      return successResult(outcome.status!, outcome.body, fields, attempt);
    }

    const message = outcome.errorMessage ?? 'The request failed';
    const failure = details(outcome.status, outcome.errorClass ?? 'connection');
    if (!isRetryable(outcome.errorClass) || attempt >= input.retry.maxAttempts || windowEndMs === null) {
      fail(message, outcome.errorClass ?? 'connection', failure);
    }
    // Temporal's clock (it jumps with the time-skipping test server) plus the time this attempt took.
    const nowMs = currentAttemptScheduledTimestampMs + outcome.durationMs;
    const decision = nextRetryDelayMs({ attempt, nowMs, windowEndMs, windowSeconds: input.retry.windowSeconds, retryAfterSeconds: outcome.retryAfterSeconds });
    if (decision.delayMs === null) fail(`${message}; ${decision.reason}`, outcome.errorClass ?? 'connection', failure);
    fail(message, outcome.errorClass ?? 'connection', failure, decision.delayMs);
  };
}

function successResult(status: number, text: string | null, fields: CaptureField[], attempt: number): SendWebhookResult {
  const parsed = parseBody(text);
  const body = (text?.length ?? 0) > WORKFLOW_BODY_CAP ? null : parsed;
  return { status, body, fields: fields.length > 0 ? captureFields(parsed, fields) : {}, attempt };
}
