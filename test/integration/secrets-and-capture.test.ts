/**
 * Secret header values never reach anyone through what a service echoes, and a capture that cannot be read
 * says why. Real dev server and worker; a loopback service that echoes the request's headers back in its
 * own headers and body, plainly, URL-encoded and base64-encoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { callerFor, userWithRole } from '../support/trpc';
import { leaks } from '../support/secrets';
import { startReceiver, type Receiver, type ReceiverResponse } from '../../scripts/receiver';
import { ingestEvent } from '../../lib/server/events/ingest';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

const SECRET = 'Bearer sk_live_7Hq2vX9pLm4R';
let env: TestEnv;
let echo: Receiver;
let seq = 0;

beforeAll(async () => {
  env = await createTestEnv('secrets');
  echo = await startReceiver();
  echo.respond = (request): ReceiverResponse => {
    const authorization = String(request.headers.authorization ?? '');
    if (request.url.startsWith('/big') || request.url.startsWith('/huge')) {
      // A small field to capture in a response over the attempt log's 64 KB body cap (big), or over the
      // worker's 100 KB response limit (huge).
      const padding = 'x'.repeat(request.url.startsWith('/big') ? 80_000 : 200_000);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'big-1', padding }) };
    }
    if (request.url.startsWith('/text')) return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };
    return {
      status: request.url.startsWith('/fail') ? 500 : 200,
      headers: { 'content-type': 'application/json', 'x-echo-authorization': authorization, 'x-echo-encoded': encodeURIComponent(authorization) },
      body: JSON.stringify({ id: 'echo-1', headers: request.headers, encoded: encodeURIComponent(authorization), base64: Buffer.from(authorization).toString('base64'), token: authorization.split(' ')[1] }),
    };
  };
  await env.startWorker({ maxResponseBytes: 100_000 });
});

afterAll(async () => {
  await echo?.close();
  await env?.close();
});

async function runOf(path: string, capture: { name: string; path: string }[] = [], retry: { maxRetries?: number; retryWindowSeconds?: number } = {}) {
  const type = `secrets.${++seq}`;
  const integration = await createIntegration(env.prisma, { rootUrl: echo.url, headers: [{ name: 'Authorization', value: SECRET, secret: true }], secretKey: env.secretKey() });
  const webhook = await createWebhook(env.prisma, integration.id, { systemName: `echo_${seq}`, path, captureFields: capture, ...retry });
  await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]));
  const ingested = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w }, { id: `secret-evt-${seq}`, type, customer: { id: 'c-1' } });
  const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
  const handle = env.client.workflow.getHandle(workflowId);
  const result = (await handle.result()) as CustomerFlowResult;
  const attempts = await env.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id } });
  return { integration, webhook, result, attempts, history: await handle.fetchHistory(), outcome: result.webhooks[webhook.systemName]! };
}

describe('a service that echoes the secret header', () => {
  it('gets it on the wire, and it is masked in every form in the attempt log, the run’s history and its result', async () => {
    const run = await runOf('/echo');
    expect(echo.requests.at(-1)!.headers.authorization).toBe(SECRET);
    expect(run.outcome.Ok).toBe(true);
    expect(leaks(run.attempts, SECRET)).toEqual([]);
    expect(leaks(run.history, SECRET)).toEqual([]);
    expect(leaks(run.result, SECRET)).toEqual([]);
    // What was masked is marked as such; the rest of the answer is intact.
    expect(run.attempts[0]!.responseBody).toContain('••••••••');
    expect((run.outcome.Body as { id: string }).id).toBe('echo-1');
  });

  it('also when the answer is an error that is retried', async () => {
    const run = await runOf('/fail?key=${WebhookRequest.TransactionalId}', [], { maxRetries: 1, retryWindowSeconds: 2 });
    expect(run.outcome).toMatchObject({ Ok: false, Attempts: 2 });
    expect(leaks(run.attempts, SECRET)).toEqual([]);
    expect(leaks(run.history, SECRET)).toEqual([]);
  });

  it('a marketer’s test send shows the echo masked, and stores it masked', async () => {
    const integration = await createIntegration(env.prisma, { rootUrl: echo.url, headers: [{ name: 'Authorization', value: SECRET, secret: true }], secretKey: env.secretKey() });
    const webhook = await createWebhook(env.prisma, integration.id, { systemName: `echo_test_${++seq}`, path: '/echo' });
    const marketer = callerFor(env.prisma, await userWithRole(env.prisma, 'marketer'));
    const answer = await marketer.webhooks.testSend({
      webhookId: webhook.id,
      webhook: { integrationId: integration.id, name: 'Echo', systemName: webhook.systemName, method: 'POST', path: '/echo', headers: [], disabledHeaders: [], bodyTemplate: '{}', captureEnabled: false, captureFields: [], description: '', maxRetries: null, retryWindowSeconds: null },
      sample: { customer: {}, event: { type: 'sample.event', data: {} }, webhooks: {} },
    });
    expect(answer.response?.status).toBe(200);
    expect(leaks(answer, SECRET)).toEqual([]);
    expect(leaks(await env.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id } }), SECRET)).toEqual([]);
  });
});

describe('capture', () => {
  it('reads a field from a response larger than the attempt log keeps', async () => {
    const run = await runOf('/big', [{ name: 'id', path: '$.id' }]);
    expect(run.outcome).toMatchObject({ Ok: true, Fields: { id: 'big-1' } });
    expect(run.outcome.CaptureError).toBeUndefined();
    expect(run.attempts[0]).toMatchObject({ responseTruncated: true, captureError: null });
  });

  it.each([
    ['the response is over the size limit', '/huge', '$.id', /larger than 98 KB/],
    ['the response is not JSON', '/text', '$.id', /not JSON/],
    ['the path matches nothing', '/echo', '$.data.missing', /no value at \$\.data\.missing for field/],
  ])('says so when %s: CaptureError on the outcome and the attempt', async (_case, path, capturePath, message) => {
    const run = await runOf(path, [{ name: 'field', path: capturePath }]);
    expect(run.outcome.Ok).toBe(true);
    expect(run.outcome.Fields).toEqual({ field: null });
    expect(run.outcome.CaptureError).toMatch(message);
    expect(run.attempts[0]!.captureError).toMatch(message);
  });
});
