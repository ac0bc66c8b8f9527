/**
 * The variable picker's catalogue: customer attributes seen in stored customers, event fields seen in
 * stored events, the TransactionalId, and other webhooks' captured fields, in the spelling of docs/templates.md.
 */
import type { PrismaClient } from '../db';
import { pascalCase } from '../../domain/events/context';
import { TRANSACTIONAL_ID_PATH } from '../../domain/webhook/transactional-id';

export interface VariableGroup {
  label: string;
  variables: { path: string; description: string }[];
}

function keysOf(value: unknown, prefix: string, depth = 0, into = new Set<string>()): Set<string> {
  if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) {
    for (const [key, child] of Object.entries(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
      const path = `${prefix}.${key}`;
      into.add(path);
      keysOf(child, path, depth + 1, into);
    }
  }
  return into;
}

export async function variableCatalog(prisma: PrismaClient, excludeWebhookId?: string): Promise<VariableGroup[]> {
  const customers = await prisma.customer.findMany({ orderBy: { updatedAt: 'desc' }, take: 200, select: { attributes: true } });
  const attributes = new Set<string>(['Customer.Id', 'Customer.Email']);
  for (const c of customers) {
    for (const key of Object.keys((c.attributes as Record<string, unknown>) ?? {})) {
      if (key !== 'id' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) attributes.add(`Customer.${pascalCase(key)}`);
    }
  }
  const events = await prisma.event.findMany({ orderBy: { receivedAt: 'desc' }, take: 200, select: { type: true, data: true } });
  const eventPaths = new Set<string>();
  for (const e of events) keysOf(e.data, 'Event.Data', 0, eventPaths);
  const webhooks = await prisma.webhook.findMany({ where: excludeWebhookId ? { id: { not: excludeWebhookId } } : {}, orderBy: { systemName: 'asc' } });
  return [
    { label: 'Customer', variables: [...attributes].sort().map((path) => ({ path, description: 'customer attribute' })) },
    {
      label: 'Event',
      variables: [
        { path: 'Event.Type', description: 'event type, e.g. order.placed' },
        { path: 'Event.Id', description: 'the event id sent by your system' },
        { path: 'Event.OccurredAt', description: 'when it happened (ISO 8601)' },
        { path: 'Event.Context', description: 'Segment events: the context (page, device, campaign, library), e.g. Event.Context.page.url' },
        ...[...eventPaths].sort().map((path) => ({ path, description: 'seen in stored events' })),
      ],
    },
    { label: 'Request', variables: [{ path: TRANSACTIONAL_ID_PATH, description: 'unique per webhook call, the same on every retry' }] },
    {
      label: 'Earlier webhooks',
      variables: webhooks.flatMap((w) => [
        { path: `Webhooks.${w.systemName}.Ok`, description: `${w.name}: true when it succeeded` },
        { path: `Webhooks.${w.systemName}.Status`, description: `${w.name}: HTTP status` },
        ...((w.captureEnabled ? (w.captureFields as { name: string }[]) : []).map((f) => ({ path: `Webhooks.${w.systemName}.Fields.${f.name}`, description: `${w.name}: captured field` }))),
      ]),
    },
    { label: 'Flow', variables: [{ path: 'Flow.Name', description: 'flow name' }, { path: 'Flow.Id', description: 'flow id' }, { path: 'Run.Id', description: 'run id' }] },
  ];
}
