/**
 * Secret header values never reach anyone through what a service echoes, and a capture that cannot be read
 * says why. Real dev server and worker; a loopback service that echoes the request's headers back in its
 * own headers and body, plainly, URL-encoded and base64-encoded.
 *
 * After every run with a secret header (success, retry, failure) and every test send, everything a person
 * or another system could read is scanned for the secret in each form: the run's history as
 * `temporal workflow show --output json` prints it (payloads decoded), its result, the attempt rows, the
 * worker process's output, what the web app's code wrote while serving, and every answer of the API a
 * marketer can call about the run, its webhook, integration and flow.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { callerFor, userWithRole } from '../support/trpc';
import { leaks, secretForms } from '../support/secrets';
import { startReceiver, type Receiver, type ReceiverResponse } from '../../scripts/receiver';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/worker-process';
import { findTemporalCli } from '../../scripts/temporal';
import { ingestEvent } from '../../lib/server/events/ingest';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';
import { SECRET_MASK } from '../../lib/domain/http/headers';

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

/** A one-webhook flow on `on`'s database whose integration sends the secret header, and one event through it. */
async function runOf(on: TestEnv, path: string, capture: { name: string; path: string }[] = [], retry: { maxRetries?: number; retryWindowSeconds?: number } = {}) {
  const type = `secrets.${++seq}`;
  const integration = await createIntegration(on.prisma, { rootUrl: echo.url, headers: [{ name: 'Authorization', value: SECRET, secret: true }], secretKey: on.secretKey() });
  const webhook = await createWebhook(on.prisma, integration.id, { systemName: `echo_${seq}`, path, captureFields: capture, ...retry });
  const flow = await createPublishedFlow(on.prisma, linearGraph(type, [webhook.id]));
  const eventId = `secret-evt-${seq}`;
  const ingested = await ingestEvent({ prisma: on.prisma, client: async () => on.client, taskQueue: on.taskQueue, workflowUrl: (w) => w }, { id: eventId, type, customer: { id: 'c-1' } });
  const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
  const result = (await on.client.workflow.getHandle(workflowId).result()) as CustomerFlowResult;
  const attempts = await on.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id }, orderBy: { attempt: 'asc' } });
  return { integration, webhook, flow, eventId, workflowId, ingested, result, attempts, outcome: result.webhooks[webhook.systemName]! };
}

/** The echo's body as the run must see it: the request's headers, every form of the secret masked. */
function maskedEchoBody(request: Receiver['requests'][number]) {
  return { id: 'echo-1', headers: { ...request.headers, authorization: SECRET_MASK }, encoded: SECRET_MASK, base64: SECRET_MASK, token: SECRET_MASK };
}

describe('a service that echoes the secret header', () => {
  // A worker process of its own (with debug logging) on its own task queue, so its whole output is read.
  let scan: TestEnv;
  let worker: WorkerProcess;
  /** what the web app's code (ingestion, the API) wrote while these tests ran */
  let served = '';
  let restoreOutput: () => void = () => undefined;

  beforeAll(async () => {
    scan = await createTestEnv('secrets-scan');
    // The API's run progress asks Temporal where the run is.
    process.env.TEMPORAL_ADDRESS = scan.address;
    worker = await startWorkerProcess({
      DATABASE_URL: scan.databaseUrl,
      TEMPORAL_ADDRESS: scan.address,
      HOOKFLOW_TASK_QUEUE: scan.taskQueue,
      HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      HOOKFLOW_LOG_LEVEL: 'debug',
    });
    restoreOutput = captureOutput((text) => (served += text));
  });
  afterAll(async () => {
    restoreOutput();
    await worker?.stop();
    await scan?.close();
  });

  /** Every place the secret could surface after a run, each scanned in every form. */
  async function expectNoLeakAfter(run: Awaited<ReturnType<typeof runOf>>) {
    const history = await workflowShow(scan, run.workflowId);
    // The payloads were decoded: the event's id is readable in the run's input.
    expect(history).toContain(`"Id": "${run.eventId}"`);
    const marketer = callerFor(scan.prisma, await userWithRole(scan.prisma, 'marketer'));
    const runRow = await scan.prisma.run.findUniqueOrThrow({ where: { workflowId: run.workflowId } });
    const progress = await marketer.runs.progress({ id: runRow.id });
    expect(progress.live).toBe(true);
    const answers = {
      ingested: run.ingested,
      run: await marketer.runs.get({ id: runRow.id }),
      progress,
      attempts: await marketer.webhooks.attempts({ webhookId: run.webhook.id }),
      webhook: await marketer.webhooks.get({ id: run.webhook.id }),
      webhooks: await marketer.webhooks.list({}),
      variables: await marketer.webhooks.variables({}),
      integration: await marketer.integrations.get({ id: run.integration.id }),
      integrations: await marketer.integrations.list(),
      flow: await marketer.flows.get({ id: run.flow.flowId }),
      flowRuns: await marketer.flows.runs({ id: run.flow.flowId }),
      flows: await marketer.flows.list(),
      recentRuns: await marketer.overview.recentRuns(),
      overview: await marketer.overview.flows(),
    };
    expect(answers.attempts).toHaveLength(run.attempts.length);
    expect({
      history: leaks(history, SECRET),
      result: leaks(run.result, SECRET),
      attempts: leaks(run.attempts, SECRET),
      worker: leaks(worker.output(), SECRET),
      served: leaks(served, SECRET),
      ...Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, leaks(answer, SECRET)])),
    }).toEqual(Object.fromEntries(['history', 'result', 'attempts', 'worker', 'served', ...Object.keys(answers)].map((name) => [name, []])));
  }

  it('the scan finds the secret where it is: on the wire, in every form the echo sends', () => {
    // Proves the scanner reads each form: the echo's raw answer holds all of them.
    const raw = JSON.stringify({ id: 'x', encoded: encodeURIComponent(SECRET), base64: Buffer.from(SECRET).toString('base64'), token: SECRET.split(' ')[1] });
    expect(leaks(raw, SECRET)).toEqual(expect.arrayContaining([encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64').replace(/=+$/, ''), SECRET.split(' ')[1]]));
    expect(secretForms(SECRET)).toContain('Bearer+sk_live_7Hq2vX9pLm4R');
  });

  it('a success: sent on the wire, masked in every form everywhere it is recorded or shown', async () => {
    const run = await runOf(scan, '/echo');
    const request = echo.requests.at(-1)!;
    expect(request.headers.authorization).toBe(SECRET);
    expect(run.outcome).toEqual({ Ok: true, Status: 200, Body: maskedEchoBody(request), Fields: {}, Attempts: 1 });
    expect(run.attempts[0]!.responseBody).toContain(SECRET_MASK);
    await expectNoLeakAfter(run);
  });

  it('an error answer that is retried until the window ends', async () => {
    const run = await runOf(scan, '/fail?key=${WebhookRequest.TransactionalId}', [], { maxRetries: 1, retryWindowSeconds: 2 });
    expect(run.outcome).toEqual({ Ok: false, Status: 500, Error: 'HTTP 500: the service had an error on its side', Attempts: 2 });
    expect(run.attempts.map((a) => a.responseStatus)).toEqual([500, 500]);
    await expectNoLeakAfter(run);
  });

  it('an error answer without retries', async () => {
    const run = await runOf(scan, '/fail');
    expect(run.outcome).toEqual({ Ok: false, Status: 500, Error: 'HTTP 500: the service had an error on its side', Attempts: 1 });
    expect(run.attempts.map((a) => a.responseStatus)).toEqual([500]);
    await expectNoLeakAfter(run);
  });

  it('a resend from the log stores the echo masked, and so does the log’s export of it', async () => {
    const run = await runOf(scan, '/echo');
    const developer = callerFor(scan.prisma, await userWithRole(scan.prisma, 'developer'));
    const resent = await developer.logs.resend({ id: run.attempts[0]!.id });
    expect(resent.status).toBe(200);
    expect(echo.requests.at(-1)!.headers.authorization).toBe(SECRET);
    const row = await scan.prisma.webhookAttempt.findUniqueOrThrow({ where: { id: resent.id } });
    expect(row.kind).toBe('resend');
    expect(row.responseBody).toContain('••••••••');
    expect(leaks(row, SECRET)).toEqual([]);
    expect(leaks(await developer.logs.get({ id: resent.id }), SECRET)).toEqual([]);
  });

  it('a marketer’s test send shows the echo masked, and stores it masked', async () => {
    const integration = await createIntegration(scan.prisma, { rootUrl: echo.url, headers: [{ name: 'Authorization', value: SECRET, secret: true }], secretKey: scan.secretKey() });
    const webhook = await createWebhook(scan.prisma, integration.id, { systemName: `echo_test_${++seq}`, path: '/echo' });
    const marketer = callerFor(scan.prisma, await userWithRole(scan.prisma, 'marketer'));
    const answer = await marketer.webhooks.testSend({
      webhookId: webhook.id,
      webhook: { integrationId: integration.id, name: 'Echo', systemName: webhook.systemName, method: 'POST', path: '/echo', headers: [], disabledHeaders: [], bodyTemplate: '{}', captureEnabled: false, captureFields: [], description: '', maxRetries: null, retryWindowSeconds: null },
      sample: { customer: {}, event: { type: 'sample.event', data: {} }, webhooks: {} },
    });
    expect(echo.requests.at(-1)!.headers.authorization).toBe(SECRET);
    expect(answer.response?.status).toBe(200);
    expect({
      answer: leaks(answer, SECRET),
      attempts: leaks(await marketer.webhooks.attempts({ webhookId: webhook.id }), SECRET),
      rows: leaks(await scan.prisma.webhookAttempt.findMany({ where: { webhookId: webhook.id } }), SECRET),
      integration: leaks(await marketer.integrations.get({ id: integration.id }), SECRET),
      served: leaks(served, SECRET),
    }).toEqual({ answer: [], attempts: [], rows: [], integration: [], served: [] });
  });
});

/**
 * The run's history as `temporal workflow show --output json` prints it, with every payload decoded: this
 * CLI prints a payload's metadata and data base64-encoded, where a secret would not show in any form.
 */
async function workflowShow(on: TestEnv, workflowId: string): Promise<string> {
  const { stdout } = await promisify(execFile)(findTemporalCli(), ['workflow', 'show', '--address', on.address, '--namespace', 'default', '--workflow-id', workflowId, '--output', 'json'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.stringify(decodePayloads(JSON.parse(stdout)), null, 1);
}

function decodePayloads(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodePayloads);
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && typeof metadata.encoding === 'string') {
    const text = (base64: unknown) => (typeof base64 === 'string' ? Buffer.from(base64, 'base64').toString('utf8') : base64);
    const decoded = Object.fromEntries(Object.entries(metadata).map(([key, v]) => [key, text(v)]));
    const data = text(object.data);
    return { metadata: decoded, data: decoded.encoding === 'json/plain' && typeof data === 'string' ? JSON.parse(data) : data };
  }
  return Object.fromEntries(Object.entries(object).map(([key, v]) => [key, decodePayloads(v)]));
}

/** Records everything this process writes to stdout, stderr or the console until the returned function is called. */
function captureOutput(record: (text: string) => void): () => void {
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    const original = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      record(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  }
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const consoles = methods.map((m) => console[m]);
  for (const m of methods) {
    const original = console[m];
    console[m] = (...args: unknown[]) => {
      record(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') + '\n');
      original.apply(console, args);
    };
  }
  return () => {
    streams.forEach((stream, i) => (stream.write = writes[i]!));
    methods.forEach((m, i) => (console[m] = consoles[i]!));
  };
}

describe('capture', () => {
  it('reads a field from a response larger than the attempt log keeps', async () => {
    const run = await runOf(env, '/big', [{ name: 'id', path: '$.id' }]);
    // Over the 64 KB a later step may read, the body is left out; the field is still captured.
    expect(run.outcome).toEqual({ Ok: true, Status: 200, Body: null, Fields: { id: 'big-1' }, Attempts: 1 });
    expect(run.attempts[0]).toMatchObject({ responseTruncated: true, captureError: null });
  });

  it.each([
    ['the response is over the size limit', '/huge', '$.id', /larger than 98 KB/],
    ['the response is not JSON', '/text', '$.id', /not JSON/],
    ['the path matches nothing', '/echo', '$.data.missing', /no value at \$\.data\.missing for field/],
  ])('says so when %s: CaptureError on the outcome and the attempt', async (_case, path, capturePath, message) => {
    const run = await runOf(env, path, [{ name: 'field', path: capturePath }]);
    expect(run.outcome.Ok).toBe(true);
    expect(run.outcome.Fields).toEqual({ field: null });
    expect(run.outcome.CaptureError).toMatch(message);
    expect(run.attempts[0]!.captureError).toMatch(message);
  });
});
