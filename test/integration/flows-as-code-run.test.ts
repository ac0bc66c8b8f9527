/**
 * The documented example, end to end on real parts: imported into an empty database and published, it runs
 * when an event is posted to the real /api/events handler. The Temporal dev server's worker sends both
 * webhooks to a loopback receiver, and the branch follows the priority captured from the first response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { importDocument } from '../../lib/server/flows-as-code/import';
import { eventRequest } from '../support/events';

const KEY = 'test-ingest-key-flows-as-code';
const SECRET = 'Bearer helpdesk-token-e2e';
let env: TestEnv;
let receiver: Receiver;
let flowId: string;
let POST: (request: Request) => Promise<Response>;

const post = (event: unknown): Promise<Response> => POST(eventRequest(event, KEY));

beforeAll(async () => {
  env = await createTestEnv('flows-as-code-run');
  receiver = await startReceiver();
  // The helpdesk: a ticket for each order, urgent when the order is large; escalations are accepted.
  receiver.respond = (request) => {
    if (request.url === '/api/v2/tickets') {
      const total = JSON.parse(request.body).total as number;
      return { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: { id: `T-${total}`, priority: total > 500 ? 'urgent' : 'normal' } }) };
    }
    return { status: 202, headers: { 'content-type': 'application/json' }, body: '{"queued":true}' };
  };

  // As docs/flows-as-code.md says: point the example's root URL at your service before importing.
  const document = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../examples/order-follow-up.json'), 'utf8'));
  document.integrations[0].rootUrl = `${receiver.url}/api/v2`;
  const imported = await importDocument(env.prisma, JSON.stringify(document), {
    publish: true,
    secret: (ref) => (ref === 'HELPDESK_AUTHORIZATION' ? SECRET : undefined),
    secretKey: env.secretKey,
  });
  if (!imported.ok) throw new Error(`import refused: ${JSON.stringify(imported.problems)}`);
  ({ id: flowId } = await env.prisma.flow.findFirstOrThrow({ where: { name: 'Order follow-up', status: 'active' } }));

  Object.assign(process.env, { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, HOOKFLOW_INGEST_KEY: KEY });
  ({ POST } = await import('../../app/api/events/route'));
  await env.startWorker();
});

afterAll(async () => {
  await env?.close();
  await receiver?.close();
});

describe('the imported example', () => {
  it('creates the ticket with the secret and idempotency key, and escalates an urgent one', async () => {
    const response = await post({
      id: 'order-1042',
      type: 'order.placed',
      customer: { id: 'c-1', email: 'ada@example.com', first_name: 'Ada' },
      data: { orderId: '1042', total: 990 },
    });
    expect(response.status).toBe(202);
    expect((await response.json()).runs).toEqual([expect.objectContaining({ flowId, workflowId: `flow/${flowId}/order-1042` })]);

    const [ticket, escalation] = await receiver.waitFor(2);
    expect(ticket).toMatchObject({ method: 'POST', url: '/api/v2/tickets' });
    expect(ticket!.headers).toMatchObject({ authorization: SECRET, 'content-type': 'application/json', 'idempotency-key': expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(JSON.parse(ticket!.body)).toEqual({ requester: { email: 'ada@example.com', name: 'Ada' }, subject: 'Order 1042 placed', total: 990 });
    expect(escalation).toMatchObject({ method: 'POST', url: '/api/v2/tickets/T-990/escalations' });
    expect(escalation!.headers.authorization).toBe(SECRET);
    expect(JSON.parse(escalation!.body)).toEqual({ desk: 'priority', note: 'Order 1042 for ada@example.com' });

    const result = await env.client.workflow.getHandle(`flow/${flowId}/order-1042`).result();
    expect(result.webhooks.create_ticket).toMatchObject({ Ok: true, Status: 201, Fields: { ticketId: 'T-990', priority: 'urgent' } });
    expect(result.webhooks.escalate_ticket).toMatchObject({ Ok: true, Status: 202 });
  });

  it('takes the else path for a normal ticket: one request only', async () => {
    const before = receiver.requests.length;
    expect((await post({ id: 'order-1043', type: 'order.placed', customer: { id: 'c-2', email: 'grace@example.com' }, data: { orderId: '1043', total: 20 } })).status).toBe(202);
    const result = await env.client.workflow.getHandle(`flow/${flowId}/order-1043`).result();
    expect(result.webhooks.create_ticket).toMatchObject({ Ok: true, Fields: { ticketId: 'T-20', priority: 'normal' } });
    expect(result.webhooks).not.toHaveProperty('escalate_ticket');
    expect(receiver.requests.slice(before).map((r) => r.url)).toEqual(['/api/v2/tickets']);
    expect(JSON.parse(receiver.requests[before]!.body).requester.name).toBe('customer');
  });
});
