/**
 * A stored webhook as the rest of the server sees it: its JSON columns cast once into the editor's shape,
 * its integration's headers as the reader may see them, and the request definition that the activity,
 * the test send and the editor preview all render. Secret header values are decrypted here and nowhere
 * else.
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../db';
import { rememberSecrets } from '../log';
import { decryptSecret } from '../crypto/secrets';
import { definitionOf, type IntegrationHeaders } from '../../domain/webhook/checks';
import type { WebhookInput } from '../../domain/schemas/webhook';
import type { WebhookDefinition } from '../../domain/webhook/request';
import type { CaptureField } from '../../domain/webhook/capture';
import { usesTransactionalId } from '../../domain/webhook/idempotency';
import { sqlDb } from '../sql';
import { secretRedactor, type Redactor } from './redact';
import type { SigningKeys } from './signing';

interface StoredHeader {
  value: string;
  secret: boolean;
}

/** A stored header's value for its reader: plain text as is; a secret decrypted when `reveal`, else `hidden`. */
export function headerValue<H>(header: StoredHeader, secretKey: () => Buffer, reveal: boolean, hidden: H): string | H {
  if (!header.secret) return header.value;
  if (!reveal) return hidden;
  const value = decryptSecret(header.value, secretKey());
  // No log line of this process may carry it (lib/server/log.ts).
  rememberSecrets([value]);
  return value;
}

type IntegrationRow = Prisma.IntegrationGetPayload<{ include: { headers: true } }>;

const withHeaders = { headers: { orderBy: { position: 'asc' } } } as const;

/** The integration's headers; secret values decrypted only when `reveal` (sending, or integration access). */
function integrationHeaders(integration: IntegrationRow, secretKey: () => Buffer, reveal: boolean): IntegrationHeaders {
  return {
    rootUrl: integration.rootUrl,
    connectTimeoutMs: integration.connectTimeoutMs,
    requestTimeoutMs: integration.requestTimeoutMs,
    headers: integration.headers.map((h) => ({ name: h.name, secret: h.secret, value: headerValue(h, secretKey, reveal, '') })),
  };
}

export async function loadIntegrationHeaders(prisma: Pick<PrismaClient, 'integration'>, integrationId: string, secretKey: () => Buffer, reveal: boolean): Promise<IntegrationHeaders | null> {
  const integration = await prisma.integration.findUnique({ where: { id: integrationId }, include: withHeaders });
  return integration && integrationHeaders(integration, secretKey, reveal);
}

/** The integration's signing secrets, decrypted; null when signing is off. */
function signingKeysOf(
  integration: { signingSecret: string | null; previousSigningSecret: string | null; signingRotatedAt: Date | null },
  secretKey: () => Buffer,
): SigningKeys | null {
  if (!integration.signingSecret) return null;
  return {
    current: decryptSecret(integration.signingSecret, secretKey()),
    previous: integration.previousSigningSecret ? decryptSecret(integration.previousSigningSecret, secretKey()) : null,
    rotatedAt: integration.signingRotatedAt,
  };
}

export async function loadSigningKeys(prisma: PrismaClient, integrationId: string, secretKey: () => Buffer): Promise<SigningKeys | null> {
  const integration = await prisma.integration.findUnique({ where: { id: integrationId }, select: { signingSecret: true, previousSigningSecret: true, signingRotatedAt: true } });
  return integration && signingKeysOf(integration, secretKey);
}

/** A stored webhook as the editor's input shape (plus its id): what the API returns and flows-as-code exports. */
export function webhookFromRow(row: Prisma.WebhookGetPayload<object>): WebhookInput & { id: string } {
  return {
    id: row.id,
    integrationId: row.integrationId,
    name: row.name,
    systemName: row.systemName,
    description: row.description,
    method: row.method as WebhookInput['method'],
    path: row.path,
    headers: row.headers as WebhookInput['headers'],
    disabledHeaders: row.disabledHeaders as string[],
    bodyTemplate: row.bodyTemplate,
    captureEnabled: row.captureEnabled,
    captureFields: row.captureFields as WebhookInput['captureFields'],
    maxRetries: row.maxRetries,
    retryWindowSeconds: row.retryWindowSeconds,
  };
}

/** Everything a send needs of a stored webhook, secrets decrypted. */
export interface SendableWebhook {
  id: string;
  version: number;
  systemName: string;
  integrationId: string;
  rateLimitPerSecond: number | null;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** send the W3C traceparent header (the integration's switch) */
  traceparent: boolean;
  definition: WebhookDefinition;
  /** carries `${WebhookRequest.TransactionalId}` now (it may have been edited since the flow was published) */
  idempotent: boolean;
  /** the fields to capture from a successful response (empty when capture is off) */
  capture: CaptureField[];
  /** masks every form of the integration's secret values (lib/server/webhooks/redact.ts) */
  redact: Redactor;
  /** the Standard Webhooks signing secrets (null: signing is off) */
  signing: SigningKeys | null;
}

/**
 * The webhook as it is now. Every send checks the webhook's version and its integration's last change with
 * one small query, and loads and decrypts the whole definition only when either moved, so an edit applies
 * to the very next send while repeated sends cost a fraction of a full load.
 */
export async function loadSendableWebhook(prisma: PrismaClient, webhookId: string, secretKey: () => Buffer): Promise<SendableWebhook | null> {
  const [stamp] = await sqlDb(prisma).query<{ version: number; integrationUpdatedAt: unknown }>(
    Prisma.sql`SELECT w."version", i."updatedAt" AS "integrationUpdatedAt" FROM "Webhook" w JOIN "Integration" i ON i."id" = w."integrationId" WHERE w."id" = ${webhookId}`,
  );
  if (!stamp) return null;
  const key = `${stamp.version}|${stamp.integrationUpdatedAt instanceof Date ? stamp.integrationUpdatedAt.toISOString() : String(stamp.integrationUpdatedAt)}`;
  const cached = sendables.get(webhookId);
  if (cached?.key === key) return cached.webhook;
  const webhook = await loadFullWebhook(prisma, webhookId, secretKey);
  if (webhook) rememberSendable(webhookId, key, webhook);
  return webhook;
}

const sendables = new Map<string, { key: string; webhook: SendableWebhook }>();
const SENDABLE_CACHE_LIMIT = 2_000;
function rememberSendable(id: string, key: string, webhook: SendableWebhook): void {
  sendables.delete(id);
  if (sendables.size >= SENDABLE_CACHE_LIMIT) sendables.delete(sendables.keys().next().value!);
  sendables.set(id, { key, webhook });
}

async function loadFullWebhook(prisma: PrismaClient, webhookId: string, secretKey: () => Buffer): Promise<SendableWebhook | null> {
  const row = await prisma.webhook.findUnique({ where: { id: webhookId }, include: { integration: { include: withHeaders } } });
  if (!row) return null;
  const webhook = webhookFromRow(row);
  const headers = integrationHeaders(row.integration, secretKey, true);
  return {
    id: row.id,
    version: row.version,
    systemName: row.systemName,
    integrationId: row.integrationId,
    rateLimitPerSecond: row.integration.rateLimitPerSecond,
    connectTimeoutMs: row.integration.connectTimeoutMs,
    requestTimeoutMs: row.integration.requestTimeoutMs,
    traceparent: row.integration.sendTraceparent,
    definition: definitionOf({ ...webhook, version: row.version }, headers),
    idempotent: usesTransactionalId(webhook),
    capture: webhook.captureEnabled ? webhook.captureFields : [],
    redact: secretRedactor(headers.headers.filter((h) => h.secret).map((h) => h.value)),
    signing: signingKeysOf(row.integration, secretKey),
  };
}
