/**
 * "Test send" from the editor: renders the webhook with editable sample data, sends it for real (secrets
 * included on the wire), logs the attempt, and explains the outcome in plain words. Never retried.
 */
import type { PrismaClient } from '../db';
import { buildRequest, redactHeaders, RequestBuildError } from '../../domain/webhook/request';
import { sendRequest, DEFAULT_SEND_OPTIONS, type SendOutcome } from './send';
import { captureFromResponse } from '../../domain/webhook/capture';
import { redactOutcome, secretRedactor } from './redact';
import { definitionOf, sampleContext } from '../../domain/webhook/checks';
import { loadIntegrationHeaders, loadSigningKeys } from './definition';
import { signRequest } from './signing';
import { contextIds, recordAttempt } from '../runs/attempts';
import type { SampleDataInput, WebhookInput } from '../../domain/schemas/webhook';

export interface TestSendResult {
  request: { method: string; url: string; headers: { name: string; value: string; secret: boolean }[]; body: string | null } | null;
  response: Omit<SendOutcome, 'retryAfterSeconds'> | null;
  fields: Record<string, unknown>;
  /** why a field to capture could not be read from the response */
  captureError?: string | null;
  /** plain-words explanation when it did not work */
  problem: string | null;
}

const EXPLAIN: Record<string, string> = {
  dns: 'The host name could not be found (DNS). Check the integration root URL for typos.',
  connection: 'The connection failed: nothing answered at that address and port, or it closed the connection. Is the service running and reachable from the Hookflow server?',
  timeout: 'The service did not answer in time. It may be slow or unreachable; the integration timeouts can be raised.',
  tls: 'The HTTPS connection failed (certificate or TLS problem). Check that the service has a valid certificate.',
  blocked: 'Webhooks may not call private, loopback or link-local addresses unless the administrator allows them (HOOKFLOW_ALLOWED_NETWORKS).',
  http_4xx: 'The service rejected the request (4xx). Check credentials, the URL path and the body against its API docs.',
  http_429: 'The service is rate limiting (429). Consider setting the integration rate limit.',
  http_5xx: 'The service had an error on its side (5xx). With the TransactionalId the flow would retry it.',
  http_3xx: 'The service answered with a redirect, which Hookflow does not follow. Use the final URL.',
};

export async function testSend(
  deps: { prisma: PrismaClient; secretKey: () => Buffer },
  input: { webhookId: string | null; webhook: WebhookInput; sample: SampleDataInput; actor?: { id: string; email: string } },
): Promise<TestSendResult> {
  const integration = await loadIntegrationHeaders(deps.prisma, input.webhook.integrationId, deps.secretKey, true);
  if (!integration) return { request: null, response: null, fields: {}, problem: 'The integration no longer exists.' };
  let built;
  const context = sampleContext(input.sample);
  try {
    // Signed like a real send, so that a receiver's verification can be tried out.
    built = signRequest(buildRequest(definitionOf(input.webhook, integration), context), await loadSigningKeys(deps.prisma, input.webhook.integrationId, deps.secretKey), null);
  } catch (error) {
    if (error instanceof RequestBuildError) return { request: null, response: null, fields: {}, problem: `Fix the template first. ${error.message}` };
    throw error;
  }
  // What the service answered, with every form of the integration's secret values masked: it may echo them.
  const outcome = redactOutcome(
    await sendRequest(built, { ...DEFAULT_SEND_OPTIONS, connectTimeoutMs: integration.connectTimeoutMs, requestTimeoutMs: integration.requestTimeoutMs }),
    secretRedactor(integration.headers.filter((h) => h.secret).map((h) => h.value)),
  );
  const captured = outcome.ok ? captureFromResponse(outcome.body, outcome.truncated, input.webhook.captureEnabled ? input.webhook.captureFields : [], DEFAULT_SEND_OPTIONS.maxResponseBytes) : null;
  const request = { ...built, headers: redactHeaders(built.headers) };
  if (input.webhookId) {
    // Kept as a test: filterable in the log, and resendable from the sample data it was rendered with.
    await recordAttempt(deps.prisma, {
      kind: 'test',
      context,
      customerExternalId: contextIds(context).customerExternalId,
      integrationId: input.webhook.integrationId,
      maxAttempts: 1,
      captured: captured && input.webhook.captureEnabled ? captured.fields : null,
      actorId: input.actor?.id ?? null,
      actorEmail: input.actor?.email ?? null,
      runId: null,
      nodeId: null,
      webhookId: input.webhookId,
      transactionalId: null,
      attempt: 1,
      scheduledAt: null,
      durationMs: outcome.durationMs,
      requestMethod: built.method,
      requestUrl: built.url,
      requestHeaders: request.headers,
      requestBody: built.body,
      responseStatus: outcome.status,
      responseHeaders: outcome.headers,
      responseBody: outcome.body?.slice(0, 64 * 1024) ?? null,
      responseTruncated: outcome.truncated,
      errorClass: outcome.errorClass,
      errorMessage: outcome.errorMessage,
      captureError: captured?.error ?? null,
    });
  }
  const { retryAfterSeconds: _ignored, ...response } = outcome;
  return {
    request,
    response,
    fields: captured?.fields ?? {},
    captureError: captured?.error ?? null,
    problem: outcome.ok ? null : `${outcome.errorMessage ?? 'The request failed.'} ${EXPLAIN[outcome.errorClass ?? ''] ?? ''}`.trim(),
  };
}
