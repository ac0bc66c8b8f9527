/** Builds integrations, webhooks and published flows in a test database, the way the app does. */
import type { PrismaClient } from '../../lib/server/db';
import { publishFlow } from '../../lib/server/flows/publish';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import { encryptSecret } from '../../lib/server/crypto/secrets';

let counter = 0;

export async function createIntegration(
  prisma: PrismaClient,
  options: { rootUrl: string; headers?: { name: string; value: string; secret?: boolean }[]; requestTimeoutMs?: number; connectTimeoutMs?: number; rateLimitPerSecond?: number | null; secretKey?: Buffer },
) {
  return prisma.integration.create({
    data: {
      name: `Integration ${++counter}`,
      rootUrl: options.rootUrl,
      requestTimeoutMs: options.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      rateLimitPerSecond: options.rateLimitPerSecond ?? null,
      headers: {
        create: (options.headers ?? []).map((h, position) => ({
          position,
          name: h.name,
          secret: h.secret ?? false,
          value: h.secret ? encryptSecret(h.value, options.secretKey ?? Buffer.alloc(32, 7)) : h.value,
        })),
      },
    },
  });
}

export async function createWebhook(
  prisma: PrismaClient,
  integrationId: string,
  options: {
    systemName: string;
    method?: string;
    path?: string;
    bodyTemplate?: string;
    headers?: { name: string; value: string }[];
    captureFields?: { name: string; path: string }[];
    maxRetries?: number;
    retryWindowSeconds?: number;
  },
) {
  return prisma.webhook.create({
    data: {
      integrationId,
      name: options.systemName.replace(/_/g, ' '),
      systemName: options.systemName,
      method: options.method ?? 'POST',
      path: options.path ?? '/',
      bodyTemplate: options.bodyTemplate ?? '',
      headers: options.headers ?? [],
      disabledHeaders: [],
      captureEnabled: (options.captureFields ?? []).length > 0,
      captureFields: options.captureFields ?? [],
      maxRetries: options.maxRetries,
      retryWindowSeconds: options.retryWindowSeconds,
    },
  });
}

const at = (i: number) => ({ x: 0, y: i * 120 });

/** trigger → webhook → webhook … as a published flow. */
export function linearGraph(eventType: string, webhookIds: string[]): FlowGraph {
  const nodes: FlowGraph['nodes'] = [{ id: 'trigger', type: 'trigger', position: at(0), data: { eventType } }];
  const edges: FlowGraph['edges'] = [];
  webhookIds.forEach((webhookId, i) => {
    nodes.push({ id: `w${i}`, type: 'webhook', position: at(i + 1), data: { webhookId } });
    edges.push({ id: `e${i}`, source: i === 0 ? 'trigger' : `w${i - 1}`, target: `w${i}` });
  });
  return { nodes, edges };
}

export async function createPublishedFlow(prisma: PrismaClient, graph: FlowGraph, name = `Flow ${++counter}`) {
  const trigger = graph.nodes.find((n) => n.type === 'trigger');
  const flow = await prisma.flow.create({
    data: { name, triggerEventType: trigger?.type === 'trigger' ? trigger.data.eventType : '', draftGraph: graph },
  });
  const published = await publishFlow(prisma, flow.id);
  if (!published.ok) throw new Error(`publish failed: ${JSON.stringify(published.problems)}`);
  return { flowId: flow.id, versionId: published.versionId, version: published.version };
}
