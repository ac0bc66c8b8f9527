import { TRPCError } from '@trpc/server';
import { procedure, router, badRequest } from '../init';
import { EVERYONE, INTEGRATION_ACCESS, hasIntegrationAccess } from '../../../domain/access/roles';
import { encryptSecret } from '../../crypto/secrets';
import { headerValue } from '../../webhooks/definition';
import { SECRET_MASK } from '../../../domain/http/headers';
import { integrationIdInput, integrationInput, updateIntegrationInput, type IntegrationInput } from '../../../domain/schemas/integration';
import type { PrismaClient } from '../../db';
import { readLimiterStatus } from '../../ratelimit/status';
import { temporalClient } from '../../temporal/connection';
import { temporalWorkflowUrl } from '../../config';
import { newSigningSecret, SIGNING_OVERLAP_MS } from '../../webhooks/signing';

async function headerRows(prisma: PrismaClient, integrationId: string | null, input: IntegrationInput, key: () => Buffer) {
  const existing = integrationId ? await prisma.integrationHeader.findMany({ where: { integrationId } }) : [];
  return input.headers.map((header, position) => {
    const previous = header.id ? existing.find((e) => e.id === header.id) : undefined;
    let value: string;
    if (header.value === null) {
      if (!previous) throw badRequest({ [`headers.${position}.value`]: ['Enter a value'] });
      // Keep the stored value; switching the secret flag re-encodes it.
      const plain = headerValue(previous, key, true, '');
      value = header.secret ? encryptSecret(plain, key()) : plain;
    } else {
      value = header.secret ? encryptSecret(header.value, key()) : header.value;
    }
    return { position, name: header.name, value, secret: header.secret };
  });
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

  create: procedure(INTEGRATION_ACCESS).input(integrationInput).mutation(async ({ ctx, input }) => {
    const headers = await headerRows(ctx.prisma, null, input, ctx.secretKey);
    const { headers: _h, ...data } = input;
    const created = await ctx.prisma.integration.create({ data: { ...data, rootUrl: input.rootUrl.trim(), headers: { create: headers } } });
    return { id: created.id };
  }),

  update: procedure(INTEGRATION_ACCESS).input(updateIntegrationInput).mutation(async ({ ctx, input }) => {
    const exists = await ctx.prisma.integration.findUnique({ where: { id: input.id } });
    if (!exists) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    const headers = await headerRows(ctx.prisma, input.id, input.data, ctx.secretKey);
    const { headers: _h, ...data } = input.data;
    await ctx.prisma.$transaction([
      ctx.prisma.integrationHeader.deleteMany({ where: { integrationId: input.id } }),
      ctx.prisma.integration.update({ where: { id: input.id }, data: { ...data, rootUrl: data.rootUrl.trim(), headers: { create: headers } } }),
      // Rendered templates are cached per webhook version: bump them so the new headers apply at once.
      ctx.prisma.webhook.updateMany({ where: { integrationId: input.id }, data: { version: { increment: 1 } } }),
    ]);
    return { id: input.id };
  }),

  /**
   * Standard Webhooks signing (docs/signing.md). Turning it on and rotating answer the new secret once; it is
   * stored encrypted and never shown again. A rotation keeps signing with the previous secret for 24 h.
   */
  enableSigning: procedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const secret = newSigningSecret();
    const { count } = await ctx.prisma.integration.updateMany({ where: { id: input.id }, data: { signingSecret: encryptSecret(secret, ctx.secretKey()), previousSigningSecret: null, signingRotatedAt: null } });
    if (count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    return { secret };
  }),

  rotateSigningSecret: procedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const integration = await ctx.prisma.integration.findUnique({ where: { id: input.id }, select: { signingSecret: true } });
    if (!integration) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    if (!integration.signingSecret) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Signing is off for this integration: turn it on first' });
    const secret = newSigningSecret();
    await ctx.prisma.integration.update({
      where: { id: input.id },
      data: { signingSecret: encryptSecret(secret, ctx.secretKey()), previousSigningSecret: integration.signingSecret, signingRotatedAt: new Date() },
    });
    return { secret, previousValidUntil: new Date(Date.now() + SIGNING_OVERLAP_MS) };
  }),

  disableSigning: procedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.prisma.integration.updateMany({ where: { id: input.id }, data: { signingSecret: null, previousSigningSecret: null, signingRotatedAt: null } });
    if (count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    return { ok: true };
  }),

  /** Live numbers from the integration's limiter workflow, and the link to it in the Temporal UI. */
  rateLimitStatus: procedure(EVERYONE).input(integrationIdInput).query(async ({ ctx, input }) => {
    const integration = await ctx.prisma.integration.findUnique({ where: { id: input.id }, select: { rateLimitPerSecond: true } });
    if (!integration) throw new TRPCError({ code: 'NOT_FOUND', message: 'This integration no longer exists' });
    const view = await readLimiterStatus(temporalClient, input.id, integration.rateLimitPerSecond);
    return { ...view, temporalUrl: temporalWorkflowUrl(view.workflowId) };
  }),

  delete: procedure(INTEGRATION_ACCESS).input(integrationIdInput).mutation(async ({ ctx, input }) => {
    const webhooks = await ctx.prisma.webhook.findMany({ where: { integrationId: input.id }, select: { name: true, systemName: true } });
    if (webhooks.length > 0) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `Webhooks still use this integration: ${webhooks.map((w) => `${w.name} (${w.systemName})`).join(', ')}. Delete or move them first.`,
      });
    }
    await ctx.prisma.integration.delete({ where: { id: input.id } });
    return { ok: true };
  }),
});
