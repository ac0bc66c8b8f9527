/**
 * Resend from the log (admins and developers): the recorded request is rendered again from the context it
 * was rendered from (kept with a step's first attempt, a test send or an earlier resend; it holds no
 * secrets), with the webhook and its integration as they are now, so the TransactionalId in the context is
 * the same one and a fixed template applies. The send is recorded as a new attempt of kind "resend", naming
 * the attempt it resent and who resent it. It takes no rate-limit slot and is never retried. Like every send,
 * it is signed when the integration signs (webhook-id: the TransactionalId when the webhook carries one), and
 * secret values the service echoes are masked before anything is stored.
 */
import type { PrismaClient } from '../db';
import { buildRequest, redactHeaders, RequestBuildError } from '../../domain/webhook/request';
import { captureFromResponse } from '../../domain/webhook/capture';
import { hasIntegrationAccess, type Role } from '../../domain/access/roles';
import { loadSendableWebhook } from '../webhooks/definition';
import { DEFAULT_SEND_OPTIONS, sendRequest, type SendOutcome } from '../webhooks/send';
import { redactOutcome } from '../webhooks/redact';
import { signRequest } from '../webhooks/signing';
import { exchangeColumns, recordAttempt } from '../runs/attempts';
import { recordAudit, userActor } from '../audit';


interface Original {
  id: string;
  runId: string | null;
  nodeId: string | null;
  webhookId: string;
  transactionalId: string | null;
  context: unknown;
  integrationId: string | null;
  flowId: string | null;
  customerExternalId: string | null;
  eventId: string | null;
}

/** The context the attempt was rendered from: its own, or its step's first attempt's (retries render from the same). */
async function contextOf(prisma: PrismaClient, attempt: Original): Promise<Record<string, unknown> | null> {
  if (attempt.context && typeof attempt.context === 'object') return attempt.context as Record<string, unknown>;
  if (!attempt.runId || !attempt.nodeId) return null;
  const first = await prisma.webhookAttempt.findFirst({ where: { runId: attempt.runId, nodeId: attempt.nodeId, attempt: 1 }, select: { context: true } });
  return first?.context && typeof first.context === 'object' ? (first.context as Record<string, unknown>) : null;
}

/** Why this user cannot resend this attempt, or null when they can. */
export async function cannotResend(prisma: PrismaClient, role: Role, attempt: Original): Promise<string | null> {
  if (!hasIntegrationAccess(role)) return 'Only developers and admins can resend: a resend calls the service again with the integration’s credentials.';
  if (!(await prisma.webhook.findUnique({ where: { id: attempt.webhookId }, select: { id: true } }))) return 'The webhook was deleted, so there is nothing to render the request from.';
  if (!(await contextOf(prisma, attempt))) return 'This attempt was recorded before Hookflow kept what it needs to render it again.';
  return null;
}

export const ORIGINAL_SELECT = {
  id: true,
  runId: true,
  nodeId: true,
  webhookId: true,
  transactionalId: true,
  context: true,
  integrationId: true,
  flowId: true,
  customerExternalId: true,
  eventId: true,
} as const;

export class ResendRefusedError extends Error {}

/** Sends the attempt again and records the new attempt; returns its id and how it went. */
export async function resendAttempt(
  deps: { prisma: PrismaClient; secretKey: () => Buffer },
  attemptId: string,
  actor: { id: string; email: string; role: Role },
): Promise<{ id: string; status: number | null; errorClass: string | null; errorMessage: string | null }> {
  const original = await deps.prisma.webhookAttempt.findUnique({ where: { id: attemptId }, select: ORIGINAL_SELECT });
  if (!original) throw new ResendRefusedError('This attempt is no longer in the log.');
  const refused = await cannotResend(deps.prisma, actor.role, original);
  if (refused) throw new ResendRefusedError(refused);
  const context = (await contextOf(deps.prisma, original))!;
  const webhook = await loadSendableWebhook(deps.prisma, original.webhookId, deps.secretKey);
  if (!webhook) throw new ResendRefusedError('The webhook was deleted, so there is nothing to render the request from.');
  let request: { method: string; url: string; headers: { name: string; value: string; secret: boolean }[]; body: string | null };
  let outcome: Partial<SendOutcome>;
  try {
    const built = signRequest(buildRequest(webhook.definition, context), webhook.signing, webhook.idempotent ? original.transactionalId : null);
    request = { ...built, headers: redactHeaders(built.headers) };
    outcome = redactOutcome(await sendRequest(built, { ...DEFAULT_SEND_OPTIONS, connectTimeoutMs: webhook.connectTimeoutMs, requestTimeoutMs: webhook.requestTimeoutMs }), webhook.redact);
  } catch (error) {
    if (!(error instanceof RequestBuildError)) throw error;
    request = { method: webhook.definition.method, url: webhook.definition.integration.rootUrl, headers: [], body: null };
    outcome = { errorClass: 'template', errorMessage: `Template error in ${error.message}` };
  }
  const capture = outcome.ok && webhook.capture.length > 0 ? captureFromResponse(outcome.body ?? null, outcome.truncated ?? false, webhook.capture, DEFAULT_SEND_OPTIONS.maxResponseBytes) : null;
  const id = await recordAttempt(deps.prisma, {
    runId: null,
    nodeId: original.nodeId,
    webhookId: original.webhookId,
    transactionalId: original.transactionalId,
    attempt: 1,
    maxAttempts: 1,
    scheduledAt: null,
    ...exchangeColumns(request, outcome),
    integrationId: webhook.integrationId,
    flowId: original.flowId,
    customerExternalId: original.customerExternalId,
    eventId: original.eventId,
    captured: capture?.fields ?? null,
    captureError: capture?.error ?? null,
    context,
    kind: 'resend',
    resendOfId: original.id,
    actorId: actor.id,
    actorEmail: actor.email,
  });
  // Audited after the send: the attempt is written on the event path's own connection, not in a Prisma transaction.
  await recordAudit(deps.prisma, userActor(actor), {
    action: 'attempt.resend',
    entityType: 'attempt',
    entityId: id,
    entityName: webhook.systemName,
    details: { resendOf: original.id, transactionalId: original.transactionalId, status: outcome.status ?? null, errorClass: outcome.errorClass ?? null },
  });
  return { id, status: outcome.status ?? null, errorClass: outcome.errorClass ?? null, errorMessage: outcome.errorMessage ?? null };
}
