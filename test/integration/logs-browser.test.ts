/**
 * The webhook log end to end in Debian's Chromium against the built app, with real runs on a real worker:
 * a marketer finds a customer's failed attempt by customer id, opens it (request, response, retries),
 * follows it to the run and to the canvas counts, and cannot resend; a developer resends an attempt and
 * sees the new one, and makes and revokes an API key. Screenshots go to test-results/ (and docs/screenshots
 * with HOOKFLOW_DOC_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppServer } from '../../scripts/app-server';
import { startAppFor } from '../support/app';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { hashPassword } from '../../lib/server/auth/password';
import { ingestEvent } from '../../lib/server/events/ingest';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook } from '../support/factory';
import { launchBrowser, open, shot, signIn as signInAt } from '../support/browser';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import { story } from '../support/story';

const PASSWORD = 'logs-password-123';
let env: TestEnv;
let server: AppServer;
let receiver: Receiver;
let browser: Browser;
let flowId: string;

const signIn = (context: BrowserContext, email: string) => signInAt(context, server.url, email, PASSWORD);

async function runEvent(id: string, customer: string) {
  const result = await ingestEvent({ prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w }, { id, type: 'loyalty.tier_reached', customer: { id: customer, email: `${customer}@example.com`, tier: 'gold' } });
  if (result.status !== 202) throw new Error(JSON.stringify(result.body));
  await Promise.all(result.body.runs.map((run) => env.client.workflow.getHandle(run.workflowId).result()));
}

beforeAll(async () => {
  env = await createTestEnv('logs-browser');
  for (const role of ['developer', 'marketer'] as const) {
    await env.prisma.user.create({ data: { email: `${role}@example.com`, name: role === 'developer' ? 'Dev' : 'Mara', role, passwordHash: await hashPassword(PASSWORD) } });
  }
  receiver = await startReceiver();
  // The CRM fails for one customer; everyone else gets through.
  receiver.respond = (request) =>
    request.body.includes('c-vip-7')
      ? { status: 503, headers: { 'content-type': 'application/json' }, body: '{"error":"maintenance"}' }
      : { status: 200, headers: { 'content-type': 'application/json' }, body: '{"contact":{"id":"K-1"}}' };
  const integration = await createIntegration(env.prisma, { rootUrl: `${receiver.url}/crm`, headers: [{ name: 'Authorization', value: 'Bearer CRM-SECRET', secret: true }] });
  // With the TransactionalId: retried once within 6 s (so the test waits a fraction of a second).
  const sync = await createWebhook(env.prisma, integration.id, {
    systemName: 'sync_loyalty_tier',
    path: '/contacts',
    headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }],
    bodyTemplate: '{"customer": "${Customer.Id}", "tier": "${Customer.Tier}"}',
    captureFields: [{ name: 'contactId', path: '$.contact.id' }],
    maxRetries: 1,
    retryWindowSeconds: 6,
  });
  await env.prisma.webhook.update({ where: { id: sync.id }, data: { name: 'Sync loyalty tier' } });
  const graph: FlowGraph = {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 200, y: 0 }, data: { eventType: 'loyalty.tier_reached' } },
      { id: 'sync', type: 'webhook', position: { x: 200, y: 140 }, data: { webhookId: sync.id } },
      { id: 'synced', type: 'branch', position: { x: 200, y: 300 }, data: { branches: [{ id: 'ok', label: 'Synced', condition: { kind: 'webhook', webhook: 'sync_loyalty_tier', outcome: 'succeeded' } }] } },
      { id: 'done', type: 'end', position: { x: 80, y: 470 } },
      { id: 'gave_up', type: 'end', position: { x: 340, y: 470 } },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'sync' },
      { id: 'e2', source: 'sync', target: 'synced' },
      { id: 'e3', source: 'synced', target: 'done', sourceHandle: 'ok' },
      { id: 'e4', source: 'synced', target: 'gave_up', sourceHandle: 'else' },
    ],
  };
  flowId = (await createPublishedFlow(env.prisma, graph, 'Loyalty tier sync')).flowId;
  ({ server } = await startAppFor(env, 'logs-browser'));
  await env.startWorker();
  await runEvent('tier-1', 'c-ok-1');
  await runEvent('tier-2', 'c-vip-7');
  await runEvent('tier-3', 'c-ok-2');
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await receiver?.close();
  await env?.close();
});

const rows = (page: Page) => page.getByTestId('log-row');

describe('the webhook log as a marketer', () => {
  // A story: each test builds on the page the one before it left, and runs it first when picked alone.
  const { step } = story();
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await signIn(context, 'marketer@example.com');
  });
  afterAll(async () => context?.close());

  step('finds a customer’s failed attempt by customer id and opens it: request, response and retries', async () => {
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    await page.waitForURL(/\/logs$/);
    await expect.poll(() => rows(page).count()).toBe(4);
    await expect.poll(() => page.getByTestId('log-retention').textContent()).toContain('keeps 30 days');
    await shot(page, 'logs-1-list.png');

    await page.getByLabel('Customer id').fill('c-vip-7');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/customer=c-vip-7/);
    await expect.poll(() => rows(page).count()).toBe(2);
    await expect.poll(() => rows(page).first().textContent()).toContain('HTTP 503');
    await expect.poll(() => rows(page).first().textContent()).toContain('Sync loyalty tier');
    await expect.poll(() => rows(page).first().textContent()).toContain('2 of 2');
    await expect.poll(() => rows(page).first().textContent()).toContain('Loyalty tier sync v1');

    await rows(page).first().getByRole('button').first().click();
    await page.waitForURL(/attempt=/);
    const detail = page.getByRole('region', { name: 'Attempt details' });
    await expect.poll(() => detail.getByTestId('log-request').textContent()).toContain(`POST ${receiver.url}/crm/contacts`);
    const request = (await detail.getByTestId('log-request').textContent())!;
    expect(request).toContain('Authorization: ••••••••');
    expect(request).not.toContain('CRM-SECRET');
    // The JSON body is pretty-printed.
    expect(request).toContain('"customer": "c-vip-7"');
    await expect.poll(() => detail.getByTestId('log-response').textContent()).toContain('HTTP 503');
    await expect.poll(() => detail.getByTestId('log-response').textContent()).toContain('"error": "maintenance"');
    const chain = detail.getByTestId('log-chain');
    await expect.poll(() => chain.locator('li').count()).toBe(2);
    await expect.poll(() => chain.locator('li').first().textContent()).toMatch(/Attempt 1 of 2.*retried after 0\.3 s: backoff after attempt 1/);
    await expect.poll(() => chain.locator('li').nth(1).textContent()).toMatch(/Attempt 2 of 2.*not retried: the last of 2 attempts/);
    // A marketer sees Resend disabled, and why.
    await expect.poll(() => detail.getByRole('button', { name: 'Resend' }).isDisabled()).toBe(true);
    await expect.poll(() => detail.getByTestId('resend-blocked').textContent()).toContain('Only developers and admins can resend');
    await shot(page, 'logs-2-detail.png');
  });

  step('follows the link to the run, which names its steps and webhooks', async () => {
    await page.getByRole('region', { name: 'Attempt details' }).getByRole('link', { name: 'Open the run', exact: true }).click();
    await page.waitForURL(/\/runs\//);
    await page.getByRole('heading', { name: /Loyalty tier sync/ }).waitFor();
    const steps = page.getByRole('list', { name: 'Steps taken' });
    await expect.poll(() => steps.textContent()).toContain('Sync loyalty tier (sync_loyalty_tier)');
    await expect.poll(() => steps.textContent()).toContain('took Else');
    await expect.poll(() => rows(page).count()).toBe(2);
    await expect.poll(() => rows(page).first().textContent()).toContain('sync_loyalty_tier');
    await shot(page, 'logs-3-run.png');
  });

  step('sees the counts on the canvas, and a count opens the log with its filter', async () => {
    await page.getByRole('link', { name: 'Loyalty tier sync' }).first().click();
    await page.waitForURL(new RegExp(`/flows/${flowId}$`));
    const node = (id: string) => page.getByTestId(`flow-node-${id}`);
    await expect.poll(() => node('trigger').getByTestId('step-counts').textContent()).toBe('3 runs · 3 ok');
    await expect.poll(() => node('sync').getByTestId('step-counts').textContent()).toBe('3 entered · 2 ok · 1 failed');
    await expect.poll(() => page.getByTestId('output-ok').textContent()).toContain('2 took it');
    await expect.poll(() => page.getByTestId('output-else').textContent()).toContain('1 took it');
    await expect.poll(() => page.getByTestId('counts-summary').textContent()).toContain('3 finished runs');
    await shot(page, 'logs-4-canvas-counts.png');
    await page.getByRole('button', { name: '24 h' }).click();
    await expect.poll(() => node('sync').getByTestId('step-counts').textContent()).toBe('3 entered · 2 ok · 1 failed');
    await node('sync').getByRole('link', { name: /1 failed/ }).click();
    await page.waitForURL(/\/logs\?.*step=sync/);
    await expect.poll(() => rows(page).count()).toBe(2);
    expect((await rows(page).allTextContents()).every((text) => text.includes('HTTP 503'))).toBe(true);
    await page.goto(`${server.url}/logs?flow=${flowId}&passed=synced&output=ok`);
    await expect.poll(() => rows(page).count()).toBe(2);
    expect((await rows(page).allTextContents()).every((text) => text.includes('HTTP 200'))).toBe(true);
  });

  step('shows an error for a filter the log cannot read, and an empty state', async () => {
    await open(page, `${server.url}/logs?outcome=9xx`);
    await page.getByText(/Could not load the log/).waitFor();
    await open(page, `${server.url}/logs?customer=nobody`);
    await page.getByText('No attempts match these filters.').waitFor();
  });
});

describe('the webhook log as a developer', () => {
  // The key's export below counts the resent attempt too: picked alone, it resends first.
  const { step } = story();
  step('resends an attempt and sees the new one', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await signIn(context, 'developer@example.com');
    await open(page, `${server.url}/logs?customer=c-vip-7`);
    await expect.poll(() => rows(page).count()).toBe(2);
    await rows(page).first().getByRole('button').first().click();
    const detail = page.getByRole('region', { name: 'Attempt details' });
    await detail.getByRole('button', { name: 'Resend' }).waitFor();
    // The CRM is back.
    receiver.respond = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"contact":{"id":"K-7"}}' });
    const before = receiver.requests.length;
    await detail.getByRole('button', { name: 'Resend' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resend now' }).click();
    await detail.getByText(/Resent: HTTP 200/).waitFor();
    const wire = receiver.requests[before]!;
    expect(wire.headers.authorization).toBe('Bearer CRM-SECRET');
    expect(wire.headers['idempotency-key']).toBe(receiver.requests.find((r) => r.body.includes('c-vip-7'))!.headers['idempotency-key']);
    await expect.poll(() => rows(page).count()).toBe(3);
    await expect.poll(() => rows(page).first().textContent()).toContain('manual resend');
    await expect.poll(() => rows(page).first().textContent()).toContain('HTTP 200');
    await expect.poll(() => detail.getByTestId('log-chain').locator('li').count()).toBe(3);
    await expect.poll(() => detail.getByTestId('log-chain').locator('li').nth(2).textContent()).toContain('manual resend by developer@example.com');
    await shot(page, 'logs-5-resend.png');

    // The webhook's own Logs tab lists it too.
    await detail.getByRole('link', { name: 'Open the webhook' }).click();
    await page.waitForURL(/\/webhooks\//);
    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => rows(page).count()).toBe(5);
    await context.close();
  });

  step('makes an API key, shown once, and revokes it after confirming', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, 'developer@example.com');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings · API keys' }).waitFor();
    await page.getByText('No API keys yet.').waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Name the key after what will use it').waitFor();
    await page.getByLabel('Name').fill('Warehouse export');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByTestId('new-api-key').textContent()).toMatch(/^hfk_/);
    const key = (await page.getByTestId('new-api-key').textContent())!;
    const response = await fetch(`${server.url}/api/logs?customer=c-vip-7`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await response.json()) as { logs: unknown[] }).logs).toHaveLength(3);
    await shot(page, 'logs-6-api-keys.png');
    await page.getByRole('table', { name: 'API keys' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText(/^revoked /).waitFor();
    expect((await fetch(`${server.url}/api/logs`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    await context.close();
  });
});
