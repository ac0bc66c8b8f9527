/**
 * Publishing: validate the draft graph against the webhooks as they are now, compile it, and store an
 * immutable FlowVersion. Runs keep the version they started on.
 */
import type { PrismaClient } from '../db';
import type { Prisma } from '../../generated/prisma/client';
import { compileFlow, type CompileResult, type FlowProblem } from '../../domain/flow/compile';
import { webhookInfo, type WebhookInfo } from '../../domain/flow/webhook-catalog';

export type PublishResult = { ok: true; versionId: string; version: number } | { ok: false; problems: FlowProblem[] };

/** The client or an open transaction: flows-as-code publishes inside its import transaction. */
type Db = Prisma.TransactionClient;

export async function webhookCatalog(prisma: Db): Promise<Map<string, WebhookInfo>> {
  const webhooks = await prisma.webhook.findMany({ include: { integration: { select: { name: true } } } });
  return new Map(webhooks.map((w) => [w.id, webhookInfo(w)]));
}

export async function publishFlow(prisma: PrismaClient, flowId: string, publishedById: string | null = null): Promise<PublishResult> {
  return prisma.$transaction((tx) => publishDraft(tx, flowId, publishedById));
}

/** publishFlow inside a transaction the caller holds; the catalog is read in it, so it sees the caller's writes. */
export async function publishDraft(tx: Db, flowId: string, publishedById: string | null = null): Promise<PublishResult> {
  const flow = await tx.flow.findUnique({ where: { id: flowId } });
  if (!flow) return { ok: false, problems: [{ message: 'This flow no longer exists' }] };
  if (flow.status === 'archived') return { ok: false, problems: [{ message: 'Archived flows cannot be published; restore it first' }] };
  const result = compileFlow(flow.draftGraph, await webhookCatalog(tx));
  if (!result.ok) return result;
  return recordVersion(tx, flow, result, publishedById);
}

/**
 * Stores a compiled graph as the flow's next version and makes it live: the trigger's event type becomes the
 * flow's, and a paused flow stays paused.
 */
export async function recordVersion(
  tx: Db,
  flow: { id: string; status: string; triggerEventType: string },
  compiled: Extract<CompileResult, { ok: true }>,
  publishedById: string | null,
): Promise<PublishResult> {
  const trigger = compiled.graph.nodes.find((n) => n.type === 'trigger');
  const latest = await tx.flowVersion.findFirst({ where: { flowId: flow.id }, orderBy: { version: 'desc' }, select: { version: true } });
  const version = (latest?.version ?? 0) + 1;
  const created = await tx.flowVersion.create({
    data: {
      flowId: flow.id,
      version,
      graph: compiled.graph as unknown as Prisma.InputJsonObject,
      plan: compiled.plan as unknown as Prisma.InputJsonObject,
      publishedById,
    },
  });
  await tx.flow.update({
    where: { id: flow.id },
    data: {
      status: flow.status === 'paused' ? 'paused' : 'active',
      triggerEventType: trigger?.type === 'trigger' ? trigger.data.eventType : flow.triggerEventType,
    },
  });
  return { ok: true, versionId: created.id, version };
}
