/**
 * A run reads well in the Temporal UI without opening payloads: a static summary and details, Hookflow's
 * search attributes (and the outcome set at the end), summaries on activities, and failures that name the
 * webhook. `npm run temporal:setup` registers the attributes on a server that lacks them, and the worker
 * says so at start-up. Real dev servers, a real worker and a loopback service.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Connection, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { ingestEvent } from '../../lib/server/events/ingest';
import { freePort } from '../../scripts/ports';
import { findTemporalCli, spawnDevServer, waitForTemporal } from '../../scripts/temporal';
import { startWorkerProcess } from '../../scripts/worker-process';
import { SEARCH_ATTRIBUTES } from '../../lib/domain/flow/run';

const ROOT = path.resolve(import.meta.dirname, '../..');
let env: TestEnv;
let receiver: Receiver;
let seq = 0;
/** Unique per run: the test Temporal server is shared with other files that may use the same customer ids. */
const CUSTOMER = `ui-customer-${process.pid}-${Date.now().toString(36)}`;

beforeAll(async () => {
  env = await createTestEnv('temporal-ui');
  receiver = await startReceiver();
  receiver.respond = (request) => (request.url.startsWith('/broken') ? { status: 500, body: 'down' } : { status: 200, body: '{"ok":true}' });
  await env.startWorker();
});

afterAll(async () => {
  await receiver?.close();
  await env?.close();
});

/** A published flow trigger → webhook on the receiver; returns what a run of it is started with. */
async function flowWith(path: string, customerId: string) {
  const type = `ui.event.${++seq}`;
  const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
  const webhook = await createWebhook(env.prisma, integration.id, { systemName: `create_ticket_${seq}`, method: 'POST', path });
  const { flowId } = await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]), `Welcome ${seq}`);
  const ingested = await ingestEvent(
    { prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w },
    { id: `ui-evt-${seq}`, type, customer: { id: customerId } },
  );
  const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
  await env.client.workflow.getHandle(workflowId).result();
  return { type, flowId, workflowId, systemName: webhook.systemName, integration: integration.name, flowName: `Welcome ${seq}`, eventId: `ui-evt-${seq}` };
}

async function listed(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

const decode = (payload: unknown) => defaultPayloadConverter.fromPayload(payload as never);

describe('a run in the Temporal UI', () => {
  it('carries a summary, details and search attributes, is found by customer, and ends with its outcome', async () => {
    const run = await flowWith('/tickets', CUSTOMER);
    const handle = env.client.workflow.getHandle(run.workflowId);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe(`${run.flowName} v1 · customer ${CUSTOMER} · ${run.type}`);
    expect(await description.staticDetails()).toContain(`/flows/${run.flowId}`);
    const attributes = description.typedSearchAttributes;
    expect(attributes.get(SEARCH_ATTRIBUTES.flowId)).toBe(run.flowId);
    expect(attributes.get(SEARCH_ATTRIBUTES.flowName)).toBe(run.flowName);
    expect(attributes.get(SEARCH_ATTRIBUTES.flowVersion)).toBe(1);
    expect(attributes.get(SEARCH_ATTRIBUTES.customerId)).toBe(CUSTOMER);
    expect(attributes.get(SEARCH_ATTRIBUTES.eventId)).toBe(run.eventId);
    expect(attributes.get(SEARCH_ATTRIBUTES.eventType)).toBe(run.type);
    expect(attributes.get(SEARCH_ATTRIBUTES.outcome)).toBe('completed');

    await expect.poll(() => listed(env.client, `HookflowCustomerId = "${CUSTOMER}"`)).toEqual([run.workflowId]);
    await expect.poll(() => listed(env.client, `HookflowFlowId = "${run.flowId}" AND HookflowOutcome = "completed"`)).toEqual([run.workflowId]);

    const history = await handle.fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => decode(e.userMetadata?.summary))).toEqual([`Webhook ${run.systemName} · POST ${run.integration} /tickets`]);
    expect(scheduled[0]!.activityTaskScheduledEventAttributes!.input!.payloads!.map(decode)[0]).toMatchObject({ systemName: run.systemName, name: expect.any(String) });
    // The smallest history a one-webhook run can have: no activity task or marker for the run's status.
    expect(history.events!.some((e) => e.markerRecordedEventAttributes)).toBe(false);
    if (process.env.HOOKFLOW_RECORD_HISTORIES) writeFileSync(path.join(ROOT, 'test/replay/histories', `${process.env.HOOKFLOW_RECORD_HISTORIES}-summaries-outcome.json`), historyToJSON(history));
  });

  it('a failed webhook: the failure names the webhook and the attempts, and the outcome says so', async () => {
    const run = await flowWith('/broken', 'c-43');
    const handle = env.client.workflow.getHandle(run.workflowId);
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.outcome)).toBe('has-failed-webhooks');
    const history = await handle.fetchHistory();
    const failed = history.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!.failure!;
    expect(failed.cause?.message ?? failed.message).toMatch(new RegExp(`^${run.systemName}: HTTP 500`));
    // The flow itself sees the plain message.
    const result = await handle.result();
    expect(result.webhooks[run.systemName]!.Error).toMatch(/^HTTP 500/);
    await expect.poll(() => listed(env.client, `HookflowFlowId = "${run.flowId}" AND HookflowOutcome IN ("failed", "has-failed-webhooks")`)).toEqual([run.workflowId]);
  });
});

describe('npm run temporal:setup', () => {
  it('registers the search attributes on a server without them; the worker says they are missing until then', async () => {
    const port = await freePort();
    const server = spawnDevServer({ cli: findTemporalCli(), dbFile: ':memory:', port, uiPort: 0, headless: true, searchAttributes: false });
    const address = `127.0.0.1:${port}`;
    try {
      await waitForTemporal(address);
      const worker = await startWorkerProcess({ TEMPORAL_ADDRESS: address, DATABASE_URL: env.databaseUrl, HOOKFLOW_TASK_QUEUE: 'setup-check', HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath') });
      await expect.poll(() => worker.output()).toContain('npm run temporal:setup');
      await worker.stop();
      const setup = () =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/temporal-setup.ts')], { cwd: ROOT, env: { ...process.env, TEMPORAL_ADDRESS: address } });
          let output = '';
          child.stdout.on('data', (chunk) => (output += chunk));
          child.stderr.on('data', (chunk) => (output += chunk));
          child.on('exit', (code) => resolve({ code, output }));
        });
      const first = await setup();
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain('Registered search attributes: HookflowFlowId');
      const connection = await Connection.connect({ address });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      await connection.close();
      expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(Object.values(SEARCH_ATTRIBUTES).map((k) => k.name)));
      const again = await setup();
      expect(again.code).toBe(0);
      expect(again.output).toContain('all present');
    } finally {
      server.kill('SIGTERM');
    }
  });
});
