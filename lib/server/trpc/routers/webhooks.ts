import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { Prisma } from '../../../generated/prisma/client';
import { auditedProcedure, procedure, router, badRequest, notFound } from '../init';
import { fieldChanges } from '../../../domain/audit/changes';
import { EVERYONE } from '../../../domain/access/roles';
import { previewInput, sampleDataInput, suggestSystemName, updateWebhookInput, webhookInput, type WebhookInput } from '../../../domain/schemas/webhook';
import { checkWebhook } from '../../../domain/webhook/checks';
import { loadIntegrationHeaders, webhookFromRow } from '../../webhooks/definition';
import { testSend } from '../../webhooks/test-send';
import { describeRetryRule, retryRule, usesTransactionalId } from '../../../domain/webhook/idempotency';
type Db = Prisma.TransactionClient;
import type { FlowGraph } from '../../../domain/flow/graph';
import { variableCatalog } from '../../webhooks/variables';

const idInput = z.object({ id: z.string().min(1) });


/** Validates templates with sample data before anything is written. */
async function assertValid(ctx: { tx: Db; secretKey: () => Buffer }, input: WebhookInput) {
  const integration = await loadIntegrationHeaders(ctx.tx, input.integrationId, ctx.secretKey, false);
  if (!integration) throw badRequest({ integrationId: ['This integration no longer exists'] });
  const check = checkWebhook(input, integration, { customer: {}, event: { type: 'sample.event', data: {} }, webhooks: {} });
  if (Object.keys(check.fieldErrors).length > 0) throw badRequest(check.fieldErrors);
}

function duplicateSystemName(error: unknown, systemName: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw badRequest({ systemName: [`"${systemName}" is already used by another webhook; system names are unique`] });
  }
  throw error;
}

/** Published (non-archived) flows whose current version sends this webhook. */
async function flowsUsing(prisma: Db, webhookId: string): Promise<string[]> {
  const flows = await prisma.flow.findMany({
    where: { status: { not: 'archived' } },
    include: { versions: { orderBy: { version: 'desc' }, take: 1 } },
  });
  return flows
    .filter((flow) => {
      const graph = flow.versions[0]?.graph as FlowGraph | undefined;
      return graph?.nodes.some((node) => node.type === 'webhook' && node.data.webhookId === webhookId);
    })
    .map((flow) => flow.name);
}

async function freeSystemName(prisma: Db, base: string): Promise<string> {
  const stem = base.replace(/_copy(_\d+)?$/, '');
  for (let n = 1; n < 1000; n++) {
    const candidate = `${stem}_copy${n === 1 ? '' : `_${n}`}`.slice(0, 64);
    if (!(await prisma.webhook.findUnique({ where: { systemName: candidate } }))) return candidate;
  }
  throw new TRPCError({ code: 'CONFLICT', message: 'Could not find a free system name for the copy' });
}

export const webhooksRouter = router({
  list: procedure(EVERYONE)
    .input(z.object({ integrationId: z.string().optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.prisma.webhook.findMany({
        where: input.integrationId ? { integrationId: input.integrationId } : {},
        orderBy: { name: 'asc' },
        include: { integration: { select: { name: true, rootUrl: true } } },
      });
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        systemName: row.systemName,
        method: row.method,
        path: row.path,
        integrationId: row.integrationId,
        integrationName: row.integration.name,
        retryRule: describeRetryRule(retryRule(usesTransactionalId({ path: row.path, bodyTemplate: row.bodyTemplate, headers: row.headers as { value: string }[] }), row)),
      }));
    }),

  get: procedure(EVERYONE).input(idInput).query(async ({ ctx, input }) => {
    const row = await ctx.prisma.webhook.findUnique({ where: { id: input.id } });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'This webhook no longer exists' });
    return webhookFromRow(row);
  }),

  suggestSystemName: procedure(EVERYONE)
    .input(z.object({ name: z.string().max(100), excludeId: z.string().optional() }))
    .query(async ({ ctx, input }) => {
      const base = suggestSystemName(input.name);
      if (!base) return { systemName: '' };
      let candidate = base;
      for (let n = 2; n < 1000; n++) {
        const taken = await ctx.prisma.webhook.findUnique({ where: { systemName: candidate } });
        if (!taken || taken.id === input.excludeId) break;
        candidate = `${base}_${n}`.slice(0, 64);
      }
      return { systemName: candidate };
    }),

  /** Live editor checks: template problems per field, the retry rule, and the exact request preview. */
  check: procedure(EVERYONE).input(previewInput).mutation(async ({ ctx, input }) => {
    const integration = await loadIntegrationHeaders(ctx.prisma, input.webhook.integrationId, ctx.secretKey, false);
    if (!integration) throw badRequest({ integrationId: ['This integration no longer exists'] });
    return checkWebhook(input.webhook, integration, input.sample);
  }),

  create: auditedProcedure(EVERYONE).input(webhookInput).mutation(async ({ ctx, input }) => {
    await assertValid(ctx, input);
    const created = await ctx.tx.webhook.create({ data: input }).catch((error: unknown) => duplicateSystemName(error, input.systemName));
    await ctx.audit({ action: 'webhook.create', entityType: 'webhook', entityId: created.id, entityName: created.systemName, details: { name: created.name, method: created.method, path: created.path, integrationId: created.integrationId } });
    return { id: created.id };
  }),

  update: auditedProcedure(EVERYONE).input(updateWebhookInput).mutation(async ({ ctx, input }) => {
    await assertValid(ctx, input.data);
    const before = await ctx.tx.webhook.findUnique({ where: { id: input.id } });
    if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'This webhook no longer exists' });
    await ctx.tx.webhook.update({ where: { id: input.id }, data: { ...input.data, version: { increment: 1 } } }).catch((error: unknown) => duplicateSystemName(error, input.data.systemName));
    const fields = Object.keys(input.data) as (keyof typeof input.data)[];
    await ctx.audit({ action: 'webhook.update', entityType: 'webhook', entityId: input.id, entityName: input.data.systemName, details: { fields: fieldChanges(webhookFromRow(before), input.data, fields) } });
    return { id: input.id };
  }),

  copy: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const row = await ctx.tx.webhook.findUnique({ where: { id: input.id } });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'This webhook no longer exists' });
    const { id: _id, ...settings } = webhookFromRow(row);
    const created = await ctx.tx.webhook.create({
      data: { ...settings, name: `Copy of ${row.name}`.slice(0, 100), systemName: await freeSystemName(ctx.tx, row.systemName) },
    });
    await ctx.audit({ action: 'webhook.copy', entityType: 'webhook', entityId: created.id, entityName: created.systemName, details: { copiedFrom: row.systemName } });
    return { id: created.id, systemName: created.systemName };
  }),

  delete: auditedProcedure(EVERYONE).input(idInput).mutation(async ({ ctx, input }) => {
    const flows = await flowsUsing(ctx.tx, input.id);
    if (flows.length > 0) {
      throw new TRPCError({ code: 'CONFLICT', message: `Published flows send this webhook: ${flows.join(', ')}. Remove it from them and publish, or archive them, first.` });
    }
    await ctx.tx.webhookAttempt.deleteMany({ where: { webhookId: input.id, runId: null } });
    await ctx.tx.webhookSample.deleteMany({ where: { webhookId: input.id } });
    const deleted = await ctx.tx.webhook.delete({ where: { id: input.id } }).catch(notFound('This webhook no longer exists'));
    await ctx.audit({ action: 'webhook.delete', entityType: 'webhook', entityId: input.id, entityName: deleted.systemName, details: { name: deleted.name } });
    return { ok: true };
  }),

  testSend: procedure(EVERYONE)
    .input(z.object({ webhookId: z.string().nullable(), webhook: webhookInput, sample: sampleDataInput }))
    .mutation(({ ctx, input }) => testSend({ prisma: ctx.prisma, secretKey: ctx.secretKey }, { ...input, actor: { id: ctx.user.id, email: ctx.user.email } })),

  /** The test-send sample this person last used for this webhook (kept per webhook and per person). */
  sample: procedure(EVERYONE).input(idInput).query(async ({ ctx, input }) => {
    const row = await ctx.prisma.webhookSample.findUnique({ where: { userId_webhookId: { userId: ctx.user.id, webhookId: input.id } } });
    return row ? sampleDataInput.parse(row.sample) : null;
  }),

  saveSample: procedure(EVERYONE)
    .input(z.object({ id: z.string().min(1), sample: sampleDataInput }).refine((input) => JSON.stringify(input.sample).length <= 256 * 1024, { message: 'A sample must be at most 256 KB' }))
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.prisma.webhook.findUnique({ where: { id: input.id }, select: { id: true } }))) throw new TRPCError({ code: 'NOT_FOUND', message: 'This webhook no longer exists' });
      const sample = input.sample as unknown as Prisma.InputJsonObject;
      await ctx.prisma.webhookSample.upsert({
        where: { userId_webhookId: { userId: ctx.user.id, webhookId: input.id } },
        create: { userId: ctx.user.id, webhookId: input.id, sample },
        update: { sample },
      });
      return { ok: true as const };
    }),

  /** What the variable picker offers. */
  variables: procedure(EVERYONE)
    .input(z.object({ excludeWebhookId: z.string().optional() }).default({}))
    .query(({ ctx, input }) => variableCatalog(ctx.prisma, input.excludeWebhookId)),

  /** The attempt log of a webhook: every request and response, newest first. */
  attempts: procedure(EVERYONE)
    .input(z.object({ webhookId: z.string(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) =>
      ctx.prisma.webhookAttempt.findMany({ where: { webhookId: input.webhookId }, orderBy: { startedAt: 'desc' }, take: input.limit, include: { run: { select: { workflowId: true } } } }),
    ),
});
