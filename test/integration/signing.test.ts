/**
 * Signed requests (Standard Webhooks): a loopback service verifies them with the `standardwebhooks`
 * package's own verifier, before and after a rotation, and after the 24-hour overlap. Real dev server and
 * worker; the tRPC procedures as a developer and a marketer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { callerFor, userWithRole } from '../support/trpc';
import { leaks } from '../support/secrets';
import { startReceiver, type ReceivedRequest, type Receiver } from '../../scripts/receiver';
import { ingestEvent } from '../../lib/server/events/ingest';

let env: TestEnv;
let receiver: Receiver;
let developer: ReturnType<typeof callerFor>;
let seq = 0;

beforeAll(async () => {
  env = await createTestEnv('signing');
  receiver = await startReceiver();
  receiver.respond = (request) => (request.url.startsWith('/flaky') && receiver.requests.filter((r) => r.url === request.url).length < 2 ? { status: 503, body: '' } : { status: 200, body: '{}' });
  developer = callerFor(env.prisma, await userWithRole(env.prisma, 'developer'));
  await env.startWorker();
});

afterAll(async () => {
  await receiver?.close();
  await env?.close();
});

async function send(integrationId: string, path: string, retry: { maxRetries?: number; retryWindowSeconds?: number } = {}): Promise<ReceivedRequest[]> {
  const type = `signed.${++seq}`;
  const webhook = await createWebhook(env.prisma, integrationId, { systemName: `signed_${seq}`, path, bodyTemplate: '{"customer": "${Customer.Id}"}', ...retry });
  await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]));
  const before = receiver.requests.length;
  const ingested = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w }, { id: `signed-evt-${seq}`, type, customer: { id: 'c-1' } });
  await env.client.workflow.getHandle((ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId).result();
  return receiver.requests.slice(before);
}

const headersOf = (request: ReceivedRequest) => Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
const verifies = (secret: string, request: ReceivedRequest) => {
  try {
    new Webhook(secret).verify(request.body, headersOf(request));
    return true;
  } catch {
    return false;
  }
};

describe('signed requests', () => {
  it('carry a signature the Standard Webhooks verifier accepts, and the secret is shown once and never stored in clear', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const { secret } = await developer.integrations.enableSigning({ id: integration.id });
    expect(secret).toMatch(/^whsec_/);
    const view = await developer.integrations.get({ id: integration.id });
    expect(view.signing).toMatchObject({ enabled: true, previousValidUntil: null });
    expect(leaks(view, secret)).toEqual([]);
    expect(leaks(await env.prisma.integration.findUniqueOrThrow({ where: { id: integration.id } }), secret)).toEqual([]);

    const [request] = await send(integration.id, '/orders');
    expect(verifies(secret, request!)).toBe(true);
    expect(request!.headers['webhook-id']).toMatch(/^msg_/);
    expect(verifies('whsec_' + Buffer.alloc(32, 1).toString('base64'), request!)).toBe(false);
    expect(leaks(await env.prisma.webhookAttempt.findMany(), secret)).toEqual([]);
  });

  it('every attempt of a retried call has the TransactionalId as its webhook-id', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const { secret } = await developer.integrations.enableSigning({ id: integration.id });
    const requests = await send(integration.id, '/flaky?key=${WebhookRequest.TransactionalId}', { maxRetries: 2, retryWindowSeconds: 3 });
    expect(requests).toHaveLength(2);
    const key = new URL(requests[0]!.url, receiver.url).searchParams.get('key');
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([key, key]);
    expect(requests.every((r) => verifies(secret, r))).toBe(true);
  });

  it('a resend from the log is signed too, with the step’s TransactionalId as its webhook-id', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const { secret } = await developer.integrations.enableSigning({ id: integration.id });
    const [sent] = await send(integration.id, '/resend?key=${WebhookRequest.TransactionalId}', { maxRetries: 1, retryWindowSeconds: 3 });
    const attempt = await env.prisma.webhookAttempt.findFirstOrThrow({ where: { requestUrl: { contains: '/resend' }, integrationId: integration.id } });
    const before = receiver.requests.length;
    expect(await developer.logs.resend({ id: attempt.id })).toMatchObject({ status: 200 });
    const resent = receiver.requests[before]!;
    expect(resent.headers['webhook-id']).toBe(sent!.headers['webhook-id']);
    expect(resent.headers['webhook-id']).toBe(attempt.transactionalId);
    expect(verifies(secret, resent)).toBe(true);
  });

  it('after a rotation requests verify with the new and the old secret for 24 hours, then with the new one only', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const { secret: old } = await developer.integrations.enableSigning({ id: integration.id });
    const rotated = await developer.integrations.rotateSigningSecret({ id: integration.id });
    expect(rotated.secret).not.toBe(old);
    const [during] = await send(integration.id, '/orders');
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(rotated.secret, during!)).toBe(true);
    expect(verifies(old, during!)).toBe(true);

    await env.prisma.integration.update({ where: { id: integration.id }, data: { signingRotatedAt: new Date(Date.now() - 25 * 3600_000) } });
    const [after] = await send(integration.id, '/orders');
    expect(verifies(rotated.secret, after!)).toBe(true);
    expect(verifies(old, after!)).toBe(false);
  });

  it('turned off: no signature headers; a marketer may not turn it on', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    await developer.integrations.enableSigning({ id: integration.id });
    await developer.integrations.disableSigning({ id: integration.id });
    const [request] = await send(integration.id, '/orders');
    expect(request!.headers['webhook-signature']).toBeUndefined();
    const marketer = callerFor(env.prisma, await userWithRole(env.prisma, 'marketer'));
    await expect(marketer.integrations.enableSigning({ id: integration.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(developer.integrations.rotateSigningSecret({ id: integration.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
