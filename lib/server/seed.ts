/**
 * The demo workspace `npm start` seeds on first run: an integration pointing at the demo receiver, a
 * webhook whose body uses ${Customer.Email} and carries the TransactionalId, and a published flow on
 * `customer.signed_up`.
 */
import type { PrismaClient } from './db';
import { publishFlow } from './flows/publish';
import type { FlowGraph } from '../domain/flow/graph';

const DEMO_EVENT_TYPE = 'customer.signed_up';

const DEMO_BODY = `{
  "email": "\${Customer.Email}",
  "name": "\${Customer.FirstName | default('there')}",
  "event": "\${Event.Type}",
  "request_id": "\${WebhookRequest.TransactionalId}"
}`;

export async function seedDemo(prisma: PrismaClient, receiverUrl: string): Promise<{ flowId: string }> {
  const integration = await prisma.integration.create({
    data: {
      name: 'Demo receiver',
      rootUrl: receiverUrl,
      headers: { create: [{ position: 0, name: 'Content-Type', value: 'application/json', secret: false }] },
    },
  });
  const webhook = await prisma.webhook.create({
    data: {
      integrationId: integration.id,
      name: 'Welcome email',
      systemName: 'welcome_email',
      description: 'Asks the demo receiver to send a welcome email to a new customer.',
      method: 'POST',
      path: '/deliveries/welcome',
      headers: [],
      disabledHeaders: [],
      bodyTemplate: DEMO_BODY,
      captureFields: [],
    },
  });
  const graph: FlowGraph = {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: DEMO_EVENT_TYPE } },
      { id: 'welcome', type: 'webhook', position: { x: 0, y: 140 }, data: { webhookId: webhook.id } },
      { id: 'end', type: 'end', position: { x: 0, y: 280 }, data: {} },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'welcome' },
      { id: 'e2', source: 'welcome', target: 'end' },
    ],
  };
  const flow = await prisma.flow.create({ data: { name: 'Welcome new customers', triggerEventType: DEMO_EVENT_TYPE, draftGraph: graph } });
  const published = await publishFlow(prisma, flow.id);
  if (!published.ok) throw new Error(`The demo flow did not publish: ${published.problems.map((p) => p.message).join('; ')}`);
  return { flowId: flow.id };
}
