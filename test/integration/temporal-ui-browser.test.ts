/**
 * From the app into the Temporal Web UI, in Debian's Chromium: a run page links to all runs for its
 * customer, pre-filtered by Hookflow's search attribute; the run is listed there, and its page shows the
 * run's summary. Real app (next start), dev server with its Web UI, worker and loopback service.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, startAppServer, type AppServer } from '../../scripts/app-server';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { hashPassword } from '../../lib/server/auth/password';
import { ingestEvent } from '../../lib/server/events/ingest';
import { seedDemo } from '../../lib/server/seed';
import { createTestEnv, type TestEnv } from '../support/env';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'browser');
const DOC_SHOTS = process.env.HOOKFLOW_DOC_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : null;
const PASSWORD = 'temporal-ui-password-1';
const uiUrl = inject('temporalUiUrl');

let env: TestEnv;
let receiver: Receiver;
let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  if (!uiUrl) return;
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  env = await createTestEnv('temporal-ui-browser');
  receiver = await startReceiver();
  await seedDemo(env.prisma, receiver.url);
  await env.prisma.user.create({ data: { email: 'dev@example.com', name: 'Dev', role: 'developer', passwordHash: await hashPassword(PASSWORD) } });
  const dataDir = path.join(inject('scratchDir'), `temporal-ui-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  server = await startAppServer({ DATABASE_URL: env.databaseUrl, HOOKFLOW_DATA_DIR: dataDir, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, TEMPORAL_UI_URL: uiUrl });
  await env.startWorker();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await receiver?.close();
  await env?.close();
});

it.skipIf(!uiUrl)('a run page links to the customer’s runs in the Temporal UI, where the run is listed and shows its summary', async () => {
  const ingested = await ingestEvent(
    { prisma: env.prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w) => w },
    { id: 'ui-browser-1', type: 'customer.signed_up', customer: { id: 'c-ui-7', email: 'grace@example.com' } },
  );
  const workflowId = (ingested.body as { runs: { workflowId: string }[] }).runs[0]!.workflowId;
  await env.client.workflow.getHandle(workflowId).result();
  const run = await env.prisma.run.findFirstOrThrow({ where: { workflowId } });

  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Email').fill('dev@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/`);

  await page.goto(`${server.url}/runs/${run.id}`);
  const link = page.getByRole('link', { name: /all runs for this customer/ });
  await expect.poll(() => link.getAttribute('href')).toContain(encodeURIComponent('HookflowCustomerId = "c-ui-7"'));
  const [temporal] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await temporal.waitForLoadState();
  expect(temporal.url()).toContain(`${uiUrl}/namespaces/default/workflows?query=`);
  // Visibility is eventually consistent: the list fills in within a moment.
  // The Web UI renders in the browser, and visibility is eventually consistent: reload until it is listed.
  const row = temporal.getByText(workflowId);
  for (let tries = 1; ; tries++) {
    const found = await row.first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (found) break;
    if (tries >= 4) throw new Error(`${workflowId} is not listed in the Temporal UI at ${temporal.url()}`);
    await temporal.reload();
  }
  await temporal.screenshot({ path: path.join(SHOTS, 'temporal-ui-customer-runs.png'), fullPage: true });
  if (DOC_SHOTS) await temporal.screenshot({ path: path.join(DOC_SHOTS, 'temporal-ui-customer-runs.png') });

  await row.first().click();
  // The timeline names the step by its summary; the run's own summary is under User Metadata.
  await temporal.getByText('Webhook welcome_email · POST Demo receiver /deliveries/welcome').first().waitFor({ timeout: 30_000 });
  await temporal.screenshot({ path: path.join(SHOTS, 'temporal-ui-run-timeline.png'), fullPage: true });
  if (DOC_SHOTS) await temporal.screenshot({ path: path.join(DOC_SHOTS, 'temporal-ui-run-timeline.png') });
  await temporal.getByRole('link', { name: 'User Metadata' }).or(temporal.getByRole('tab', { name: 'User Metadata' })).first().click();
  // The Web UI renders markdown metadata in frames of its own.
  const summary = temporal.frameLocator('iframe').first().getByText('Welcome new customers v1 · customer c-ui-7 · customer.signed_up');
  await summary.first().waitFor({ timeout: 30_000 });
  await temporal.screenshot({ path: path.join(SHOTS, 'temporal-ui-run-summary.png'), fullPage: true });
  if (DOC_SHOTS) await temporal.screenshot({ path: path.join(DOC_SHOTS, 'temporal-ui-run-summary.png') });
  await context.close();
});
