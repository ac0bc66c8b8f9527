/**
 * OpenTelemetry traces on real parts, exported to an in-memory exporter: an event posted to the real
 * /api/events handler starts its run through the traced Temporal client, a worker with the OpenTelemetry
 * plugin (and a workflow bundle with its interceptors) runs it on the Temporal dev server, and the webhook
 * goes to a loopback receiver. One trace holds the request, the workflow start, the workflow, the
 * activity and the outgoing HTTP request, each the child of the one before; the receiver sees a
 * `traceparent` only once the integration has it switched on, naming that HTTP span.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startTracing } from '../../lib/server/tracing-setup';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { seedDemo } from '../../lib/server/seed';
import { hookflowWorkerPlugin } from '../../lib/plugin';
import { loadSettings } from '../../lib/server/config';
import { ensureWorkflowBundle } from '../../scripts/workflow-bundle';
import { eventRequest } from '../support/events';

const KEY = 'tracing-test-ingest-key-0123';
const exporter = new InMemorySpanExporter();
const tracing = startTracing('hookflow-test', new SimpleSpanProcessor(exporter));
let env: TestEnv;
let receiver: Receiver;
let integrationId: string;
let worker: Worker;
let running: Promise<void>;
let connection: NativeConnection;
let POST: (request: Request) => Promise<Response>;

const post = (id: string) => POST(eventRequest({ id, type: 'customer.signed_up', customer: { id: `cust-${id}`, email: 'ada@example.com' } }, KEY));

beforeAll(async () => {
  env = await createTestEnv('tracing');
  receiver = await startReceiver();
  await seedDemo(env.prisma, receiver.url);
  integrationId = (await env.prisma.integration.findFirstOrThrow({ where: { name: 'Demo receiver' } })).id;
  Object.assign(process.env, { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, HOOKFLOW_INGEST_KEY: KEY });
  ({ POST } = await import('../../app/api/events/route'));
  connection = await NativeConnection.connect({ address: env.address });
  worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: env.taskQueue,
    plugins: [
      hookflowWorkerPlugin({
        database: env.prisma,
        secretKey: env.secretKey,
        settings: loadSettings(),
        workflowBundlePath: ensureWorkflowBundle(path.join(inject('scratchDir'), 'tracing-bundle'), { tracing: true }),
        dispatchPendingRuns: false,
      }),
      new OpenTelemetryPlugin({ resource: tracing.resource, spanProcessor: tracing.spanProcessor }),
    ],
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await receiver?.close();
  await env?.close();
  await tracing.provider.shutdown();
});

/** The spans of the trace whose server span answered this event, once the HTTP request's span is in. */
async function traceOf(eventId: string): Promise<ReadableSpan[]> {
  const workflowId = (await env.prisma.run.findFirstOrThrow({ where: { eventId } })).workflowId;
  await env.client.workflow.getHandle(workflowId).result();
  let spans: ReadableSpan[] = [];
  await expect
    .poll(
      () => {
        const all = exporter.getFinishedSpans();
        const server = all.find((s) => s.name === 'POST /api/events' && all.some((c) => c.name === 'StartWorkflow:customerFlow' && c.parentSpanId === s.spanContext().spanId && c.attributes.temporalWorkflowId === workflowId));
        spans = server ? all.filter((s) => s.spanContext().traceId === server.spanContext().traceId) : [];
        return spans.some((s) => s.name.startsWith('POST 127.0.0.1:'));
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return spans;
}

describe('traces', () => {
  it('one trace runs from POST /api/events through the workflow and its activity to the outgoing request; no traceparent while the integration has it off', async () => {
    expect((await post('evt-trace-1')).status).toBe(202);
    const [request] = await receiver.waitFor(1);
    const spans = await traceOf('evt-trace-1');
    const named = (name: string) => {
      const span = spans.find((s) => s.name === name);
      expect(span, `${name} in ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
      return span!;
    };
    const server = named('POST /api/events');
    const start = named('StartWorkflow:customerFlow');
    const run = named('RunWorkflow:customerFlow');
    const schedule = named('StartActivity:sendWebhook');
    const activity = named('RunActivity:sendWebhook');
    const http = spans.find((s) => s.name.startsWith('POST 127.0.0.1:'))!;
    // Each is the child of the one before: one unbroken trace.
    expect(start.parentSpanId).toBe(server.spanContext().spanId);
    expect(run.parentSpanId).toBe(start.spanContext().spanId);
    expect(schedule.parentSpanId).toBe(run.spanContext().spanId);
    expect(activity.parentSpanId).toBe(schedule.spanContext().spanId);
    expect(http.parentSpanId).toBe(activity.spanContext().spanId);
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    // The span names the host only: paths and queries may carry secrets.
    expect(JSON.stringify(http.attributes)).not.toContain('/deliveries');
    expect(request!.headers.traceparent).toBeUndefined();
  });

  it('with the integration switched on, the receiver gets the traceparent of the request span', async () => {
    await env.prisma.integration.update({ where: { id: integrationId }, data: { sendTraceparent: true } });
    // Counted from here: the test before may or may not have run (-t).
    const before = receiver.requests.length;
    expect((await post('evt-trace-2')).status).toBe(202);
    const request = (await receiver.waitFor(before + 1))[before]!;
    const spans = await traceOf('evt-trace-2');
    const http = spans.find((s) => s.name.startsWith('POST 127.0.0.1:'))!;
    expect(request.headers.traceparent).toBe(`00-${http.spanContext().traceId}-${http.spanContext().spanId}-01`);
  });
});
