/**
 * Publishing: validate the draft graph against the webhooks as they are now, compile it, and store an
 * immutable FlowVersion. Runs keep the version they started on.
 */
import type { PrismaClient } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { compileFlow, type FlowProblem, type WebhookInfo } from './compile';
import { webhookInfo } from '../webhook/info';

export type PublishResult = { ok: true; versionId: string; version: number } | { ok: false; problems: FlowProblem[] };

export async function webhookCatalog(prisma: PrismaClient): Promise<Map<string, WebhookInfo>> {
  const webhooks = await prisma.webhook.findMany();
  return new Map(webhooks.map((w) => [w.id, webhookInfo(w)]));
}

export async function publishFlow(prisma: PrismaClient, flowId: string, publishedById: string | null = null): Promise<PublishResult> {
  const flow = await prisma.flow.findUnique({ where: { id: flowId } });
  if (!flow) return { ok: false, problems: [{ message: 'This flow no longer exists' }] };
  if (flow.status === 'archived') return { ok: false, problems: [{ message: 'Archived flows cannot be published; restore it first' }] };
  const result = compileFlow(flow.draftGraph, await webhookCatalog(prisma));
  if (!result.ok) return result;
  const trigger = result.graph.nodes.find((n) => n.type === 'trigger');
  return prisma.$transaction(async (tx) => {
    const latest = await tx.flowVersion.findFirst({ where: { flowId }, orderBy: { version: 'desc' }, select: { version: true } });
    const version = (latest?.version ?? 0) + 1;
    const created = await tx.flowVersion.create({
      data: {
        flowId,
        version,
        graph: result.graph as unknown as Prisma.InputJsonObject,
        plan: result.plan as unknown as Prisma.InputJsonObject,
        publishedById,
      },
    });
    await tx.flow.update({
      where: { id: flowId },
      data: {
        status: flow.status === 'paused' ? 'paused' : 'active',
        triggerEventType: trigger?.type === 'trigger' ? trigger.data.eventType : flow.triggerEventType,
      },
    });
    return { ok: true as const, versionId: created.id, version };
  });
}
