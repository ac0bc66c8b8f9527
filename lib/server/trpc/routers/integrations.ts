import { TRPCError } from '@trpc/server';
import { auditedProcedure, procedure, router, badRequest, notFound } from '../init';
import { EVERYONE, INTEGRATION_ACCESS, hasIntegrationAccess } from '../../../domain/access/roles';
import { encryptSecret } from '../../crypto/secrets';
import { headerValue } from '../../webhooks/definition';
import { SECRET_MASK } from '../../../domain/http/headers';
import { integrationIdInput, integrationInput, updateIntegrationInput, type IntegrationInput } from '../../../domain/schemas/integration';
import type { Prisma } from '../../../generated/prisma/client';
import { fieldChanges, headerChanges } from '../../../domain/audit/changes';
import { readLimiterStatus } from '../../ratelimit/status';
import { temporalClient } from '../../temporal/connection';
import { temporalWorkflowUrl } from '../../config';
import { newSigningSecret, SIGNING_OVERLAP_MS } from '../../webhooks/signing';

type Db = Prisma.TransactionClient;

const INTEGRATION_FIELDS = ['name', 'rootUrl', 'rateLimitPerSecond', 'connectTimeoutMs', 'requestTimeoutMs', 'sendTraceparent'] as const;

/** The rows to store (secret values encrypted) and, for the audit trail, each header's plain value. */
async function headerRows(prisma: Db, integrationId: string | null, input: IntegrationInput, key: () => Buffer) {
  const existing = integrationId ? await prisma.integrationHeader.findMany({ where: { integrationId }, orderBy: { position: 'asc' } }) : [];
  const rows = input.headers.map((header, position) => {
    const previous = header.id ? existing.find((e) => e.id === header.id) : undefined;
    if (header.value === null && !previous) throw badRequest({ [`headers.${position}.value`]: ['Enter a value'] });
    // null keeps the stored value; switching the secret flag re-encodes it.
    const plain = header.value ?? headerValue(previous!, key, true, '');
    return { position, name: header.name, value: header.secret ? encryptSecret(plain, key()) : plain, secret: header.secret, plain };
  });
  const audited = (headers: { name: string; secret: boolean; plain: string }[]) => headers.map(({ name, secret, plain }) => ({ name, secret, value: plain }));
  return {
    rows: rows.map(({ plain: _plain, ...row }) => row),
    changes: headerChanges(audited(existing.map((h) => ({ ...h, plain: headerValue(h, key, true, '') }))), audited(rows)),
  };
}

async function updateSigning(tx: Db, id: string, data: Prisma.IntegrationUpdateInput) {
  return tx.integration.update({ where: { id }, data, select: { name: true } }).catch(notFound('This integration no longer exists'));
}

export const integrationsRouter = router({
  list: procedure(EVERYONE).query(async ({ ctx }) => {
    const integrations = await ctx.prisma.integration.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { webhooks: true } } } });
    return integrations.map((i) => ({ id: i.id, name: i.name, rootUrl: i.rootUrl, rateLimitPerSecond: i.rateLimitPerSecond, webhookCount: i._count.webhooks }));
  }),

  /** Secret values only for integration access; everyone else gets the name and a mask. */
  get: procedure(EVERYONE).input(integrationIdInput).query(async ({ ctx, input }) => {
    const integration = await ctx.prisma.integration.findUnique({
      where: { id: input.id },
      include: { headers: { orderBy: { position: 'asc' } }, webhooks: { orderBy: { name: 'asc' }, select: { id: true, name: true, systemName: true, method: true, path: true } } },
    });
    if (!integration) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    const reveal = hasIntegrationAccess(ctx.user.role);
    const { signingSecret, previousSigningSecret, signingRotatedAt, ...rest } = integration;
    return {
      ...rest,
      signing: {
        enabled: signingSecret !== null,
        rotatedAt: signingRotatedAt,
        /** until when requests are also signed with the previous secret */
        previousValidUntil: previousSigningSecret && signingRotatedAt ? new Date(signingRotatedAt.getTime() + SIGNING_OVERLAP_MS) : null,
      },
      canEdit: reveal,
      headers: integration.headers.map((h) => ({
        id: h.id,
        name: h.name,
        secret: h.secret,
        value: headerValue(h, ctx.secretKey, reveal, null),
        mask: h.secret ? SECRET_MASK : null,
      })),
    };
  }),

  create: auditedProcedure(INTEGRATION_ACCESS).input(integrationInput).mutation(async ({ ctx, input }) => {
    const { rows, changes } = await headerRows(ctx.tx, null, input, ctx.secretKey);
    const { headers: _h, ...data } = input;
    const created = await ctx.tx.integration.create({ data: { ...data, rootUrl: input.rootUrl.trim(), headers: { create: rows } } });
    await ctx.audit({ action: 'integration.create', entityType: 'integration', entityId: created.id, entityName: created.name, details: { rootUrl: created.rootUrl, rateLimitPerSecond: created.rateLimitPerSecond, headers: changes } });
    return { id: created.id };
  }),

  update: auditedProcedure(INTEGRATION_ACCESS).input(updateIntegrationInput).mutation(async ({ ctx, input }) => {
    const before = await ctx.tx.integration.findUnique({ where: { id: input.id } });
    if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    const { rows, changes } = await headerRows(ctx.tx, input.id, input.data, ctx.secretKey);
    const { headers: _h, ...fields } = input.data;
    const data = { ...fields, rootUrl: fields.rootUrl.trim() };
    await ctx.tx.integrationHeader.deleteMany({ where: { integrationId: input.id } });
    await ctx.tx.integration.update({ where: { id: input.id }, data: { ...data, headers: { create: rows } } });
    // Rendered templates are cached per webhook version: bump them so the new headers apply at once.
    await ctx.tx.webhook.updateMany({ where: { integrationId: input.id }, data: { version: { increment: 1 } } });
    await ctx.audit({ action: 'integration.update', entityType: 'integration', entityId: input.id, entityName: data.name, details: { fields: fieldChanges(before, data, INTEGRATION_FIELDS), headers: changes } });
    return { id: input.id };
  }),

  /**
   * Standard Webhooks signing (docs/signing.md). Turning it on and rotating answer the new secret once; it is
   * stored encrypted and never shown again. A rotation keeps signing with the previous secret for 24 h.
   */
  enableSigning: auditedProcedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const secret = newSigningSecret();
    const integration = await updateSigning(ctx.tx, input.id, { signingSecret: encryptSecret(secret, ctx.secretKey()), previousSigningSecret: null, signingRotatedAt: null });
    await ctx.audit({ action: 'integration.signing.enable', entityType: 'integration', entityId: input.id, entityName: integration.name, details: { signingSecret: 'generated' } });
    return { secret };
  }),

  rotateSigningSecret: auditedProcedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const integration = await ctx.tx.integration.findUnique({ where: { id: input.id }, select: { name: true, signingSecret: true } });
    if (!integration) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    if (!integration.signingSecret) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Signing is off for this integration: turn it on first' });
    const secret = newSigningSecret();
    await updateSigning(ctx.tx, input.id, { signingSecret: encryptSecret(secret, ctx.secretKey()), previousSigningSecret: integration.signingSecret, signingRotatedAt: new Date() });
    await ctx.audit({ action: 'integration.signing.rotate', entityType: 'integration', entityId: input.id, entityName: integration.name, details: { signingSecret: 'changed; the previous one signs too for 24 h' } });
    return { secret, previousValidUntil: new Date(Date.now() + SIGNING_OVERLAP_MS) };
  }),

  disableSigning: auditedProcedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const integration = await updateSigning(ctx.tx, input.id, { signingSecret: null, previousSigningSecret: null, signingRotatedAt: null });
    await ctx.audit({ action: 'integration.signing.disable', entityType: 'integration', entityId: input.id, entityName: integration.name, details: { signingSecret: 'removed' } });
    return { ok: true };
  }),

  /** Live numbers from the integration's limiter workflow, and the link to it in the Temporal UI. */
  rateLimitStatus: procedure(EVERYONE).input(integrationIdInput).query(async ({ ctx, input }) => {
    const integration = await ctx.prisma.integration.findUnique({ where: { id: input.id }, select: { rateLimitPerSecond: true } });
    if (!integration) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    const view = await readLimiterStatus(temporalClient, input.id, integration.rateLimitPerSecond);
    return { ...view, temporalUrl: temporalWorkflowUrl(view.workflowId) };
  }),

  delete: auditedProcedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const webhooks = await ctx.tx.webhook.findMany({ where: { integrationId: input.id }, select: { name: true, systemName: true } });
    if (webhooks.length > 0) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `Webhooks still use this integration: ${webhooks.map((w) => `${w.name} (${w.systemName})`).join(', ')}. Delete or move them first.`,
      });
    }
    const deleted = await ctx.tx.integration.delete({ where: { id: input.id } }).catch(notFound('This integration no longer exists'));
    await ctx.audit({ action: 'integration.delete', entityType: 'integration', entityId: input.id, entityName: deleted.name, details: { rootUrl: deleted.rootUrl } });
    return { ok: true };
  }),
});
