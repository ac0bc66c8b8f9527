/**
 * End to end in Debian's Chromium against the built app (`next start`) on a real database: a developer
 * sets up an integration with a secret, a webhook with the idempotency key and a captured field, test-sends
 * it to a loopback receiver and copies it; a marketer then sees only the mask, in the UI, in every page's
 * HTML and in every response the browser receives. Screenshots go to test-results/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildIfNeeded } from '../../scripts/build';
import { waitForHttp } from '../../scripts/processes';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { createPrismaClient, type PrismaClient } from '../../lib/db';
import { hashPassword } from '../../lib/auth/password';
import { freePort } from '../support/ports';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'test-results', 'browser');
const SECRET = 'Bearer e2e-SECRET-7f3a9c';
const PASSWORD = 'e2e-password-123';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: ChildProcess;
let baseUrl: string;
let receiver: Receiver;
let prisma: PrismaClient;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  const problem = buildIfNeeded(() => undefined);
  if (problem) throw new Error(problem);

  const dataDir = path.join(inject('scratchDir'), `browser-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  const databaseFile = path.join(dataDir, 'hookflow.db');
  copyFileSync(inject('templateDatabase'), databaseFile);
  prisma = createPrismaClient(`file:${databaseFile}`);
  for (const role of ['developer', 'marketer'] as const) {
    await prisma.user.create({ data: { email: `${role}@example.com`, name: role === 'developer' ? 'Dev' : 'Mara', role, passwordHash: await hashPassword(PASSWORD) } });
  }
  receiver = await startReceiver();

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '--port', String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `file:${databaseFile}`,
      HOOKFLOW_DATA_DIR: dataDir,
      HOOKFLOW_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  await waitForHttp(`${baseUrl}/login`, 60_000);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  await receiver?.close();
  await prisma?.$disconnect();
});

/** Waits until React has hydrated the page: typing into server-rendered HTML before that is lost. */
async function hydrated(page: Page): Promise<void> {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await hydrated(page);
}

async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/integrations`);
  await page.waitForURL(/\/login/);
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/`);
  await hydrated(page);
  return page;
}

describe('integrations and webhooks in the browser', () => {
  let integrationUrl: string;
  let webhookUrl: string;

  it('a developer creates an integration with a secret Authorization header', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('link', { name: 'Create integration' }).click();
    await page.getByRole('button', { name: /Webhook Integration/ }).click();
    await page.getByLabel('Name', { exact: true }).fill('Helpdesk');
    await page.getByLabel('Root URL').fill('not a url');
    await page.getByLabel('Root URL').blur();
    await expect(page.getByText('Enter an absolute URL starting with http:// or https://').isVisible()).resolves.toBe(true);
    await page.getByLabel('Root URL').fill(`${receiver.url}/api/`);
    await page.getByLabel('Rate limit (requests per second)').fill('0.5');
    await expect(page.getByText('one every 2.0 s').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: '+ Authorization (secret)' }).click();
    await page.getByLabel('Header 2 value').fill(SECRET);
    await page.screenshot({ path: path.join(SHOTS, '1-integration-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('Integration created. Now create its webhooks.').waitFor();
    integrationUrl = page.url();
    const stored = await prisma.integrationHeader.findFirstOrThrow({ where: { name: 'Authorization' } });
    expect(stored.secret).toBe(true);
    expect(stored.value).not.toContain('SECRET');
    await context.close();
  });

  it('creates a POST webhook with the idempotency key as a header and a field captured from a pasted sample', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await open(page, integrationUrl);
    await page.getByRole('link', { name: 'Create webhook' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Create ticket');
    await expect.poll(() => page.getByLabel('System name').inputValue()).toBe('create_ticket');
    await page.getByLabel('URL path').fill('/tickets');
    await expect.poll(() => page.locator('#wh-full-url').textContent()).toBe(`${receiver.url}/api/tickets`);
    await expect.poll(() => page.getByTestId('retry-rule').textContent()).toContain('sent once');
    await page.getByRole('button', { name: 'Insert as header' }).click();
    await expect.poll(() => page.getByTestId('retry-rule').textContent()).toContain('retried up to 3 times within 6 minutes on 5xx/429');
    await expect.poll(() => page.getByTestId('headers-preview').textContent()).toContain('Idempotency-Key');
    expect(await page.getByTestId('headers-preview').textContent()).toContain('••••••••');

    await page.getByLabel('Capture the response').check();
    await page.getByLabel('Paste a sample response').fill('{"ticket": {"id": "T-1", "status": "open"}}');
    await page.getByRole('button', { name: 'Capture $.ticket.id' }).click();
    await expect.poll(() => page.getByLabel('Captured field 1 path').inputValue()).toBe('$.ticket.id');
    await expect.poll(() => page.getByLabel('Sample value of id').textContent()).toContain('"T-1"');
    await page.screenshot({ path: path.join(SHOTS, '2-webhook-editor.png'), fullPage: true });

    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.waitForURL(/\/webhooks\/[^/]+\?created=1/);
    webhookUrl = page.url().split('?')[0]!;
    const webhook = await prisma.webhook.findUniqueOrThrow({ where: { systemName: 'create_ticket' } });
    expect(webhook.headers).toEqual([{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }]);
    expect(webhook.captureFields).toEqual([{ name: 'id', path: '$.ticket.id' }]);
    await context.close();
  });

  it('test-sends to the loopback receiver, which gets the secret on the wire and the rendered body', async () => {
    receiver.respond = () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"ticket":{"id":"T-42"}}' });
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await open(page, webhookUrl);
    await page.getByLabel('Customer attributes').fill('{"email": "ada@example.com"}');
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test request' }).click();
    await expect.poll(() => page.getByTestId('test-response').textContent()).toContain('HTTP 201');
    await expect.poll(() => page.getByTestId('test-fields').textContent()).toContain('T-42');
    const wire = receiver.requests[before]!;
    expect(wire.method).toBe('POST');
    expect(wire.url).toBe('/api/tickets');
    expect(wire.headers.authorization).toBe(SECRET);
    expect(wire.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(wire.body)).toEqual({ email: 'ada@example.com' });
    expect(await page.getByTestId('test-request').textContent()).not.toContain('SECRET');
    await page.screenshot({ path: path.join(SHOTS, '3-test-send.png'), fullPage: true });
    await context.close();
  });

  it('copies the webhook with a fresh system name', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await open(page, webhookUrl);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied. This is the copy').waitFor();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Copy of Create ticket');
    expect(await page.getByLabel('System name').inputValue()).toBe('create_ticket_copy');
    await page.screenshot({ path: path.join(SHOTS, '4-copy.png'), fullPage: true });
    await context.close();
  });

  it('a marketer sees the mask, and the secret is in no page and no response', async () => {
    const context = await browser.newContext();
    const leaks: string[] = [];
    context.on('response', async (response) => {
      const body = await response.text().catch(() => '');
      if (body.includes('e2e-SECRET')) leaks.push(response.url());
    });
    const page = await signIn(context, 'marketer@example.com');
    expect(await page.content()).not.toContain('e2e-SECRET');
    for (const url of [integrationUrl, webhookUrl, `${baseUrl}/integrations`, `${baseUrl}/webhooks`, `${baseUrl}/`]) {
      await open(page, url);
      await page.locator('main').first().waitFor();
      await expect.poll(() => page.getByText(/^Loading /).count()).toBe(0);
      expect(await page.content()).not.toContain('e2e-SECRET');
    }
    await open(page, integrationUrl);
    await page.getByText('Authorization').first().waitFor();
    expect(await page.getByText('••••••••').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Delete integration' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, '5-marketer-mask.png'), fullPage: true });
    await open(page, webhookUrl);
    await expect.poll(() => page.getByText(/Use Authorization/).textContent()).toContain('••••••••');
    // A marketer can still use the integration: a test send carries the secret on the wire.
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test request' }).click();
    await expect.poll(() => page.getByTestId('test-response').textContent()).toContain('HTTP 201');
    expect(receiver.requests[before]!.headers.authorization).toBe(SECRET);
    expect(leaks).toEqual([]);
    await context.close();
  });

  it('a marketer draws a flow on the canvas; publishing reports problems on their step, then publishes', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await signIn(context, 'marketer@example.com');
    await page.getByRole('link', { name: 'Flows' }).click();
    await page.getByLabel('Name').fill('VIP tickets');
    await page.getByLabel('Starts on event').fill('customer.vip');
    await page.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[^/]+$/);
    await page.locator('.react-flow__node-trigger').click();
    await page.getByRole('button', { name: '+ Branch' }).click();
    await page.getByRole('button', { name: '+ Webhook' }).click();
    await page.getByLabel('Webhook', { exact: true }).selectOption({ label: 'Create ticket (create_ticket)' });
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Connect the "Else" output').first().waitFor();
    expect(await page.locator('.flow-node-invalid').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, '6-flow-problems.png'), fullPage: true });

    // Connect the branch's else output to a new End step, then publish.
    await page.locator('.react-flow__node-branch').click();
    await page.getByRole('button', { name: '+ End' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published version 1').waitFor({ timeout: 10_000 }).catch(async (error) => {
      await page.screenshot({ path: path.join(SHOTS, '7-flow-publish-failed.png'), fullPage: true });
      throw error;
    });
    await page.screenshot({ path: path.join(SHOTS, '7-flow-published.png'), fullPage: true });
    const flow = await prisma.flow.findFirstOrThrow({ where: { name: 'VIP tickets' }, include: { versions: true } });
    expect(flow.status).toBe('active');
    expect(flow.versions).toHaveLength(1);
    const plan = flow.versions[0]!.plan as { nodes: Record<string, { kind: string }> };
    expect(Object.values(plan.nodes).map((n) => n.kind).sort()).toEqual(['branch', 'end', 'webhook']);
    await context.close();
  });
});
