/**
 * Every page of the app, in Debian's Chromium against the built app: no input, label, button or select
 * whose text overflows its box at 1280×800 and 1920×1080, and no serious or critical accessibility
 * violation (axe-core) in the light and the dark colour scheme, the canvas included with a flow open.
 * Screenshots of each page at both sizes land in test-results/browser (docs/screenshots with
 * HOOKFLOW_DOC_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { overflowingText, shot, signIn, startBrowserApp, type BrowserApp } from '../support/browser';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { startTestRun } from '../../lib/server/runs/test-run';

let app: BrowserApp;
const pages: { name: string; path: string; ready: (page: Page) => Promise<void> }[] = [];

const heading = (text: string | RegExp) => async (page: Page) => {
  await page.getByRole('heading', { name: text }).first().waitFor();
};

beforeAll(async () => {
  app = await startBrowserApp('pages-a11y');
  const { prisma } = app;
  const integration = await createIntegration(prisma, { rootUrl: `${app.receiver.url}/api`, headers: [{ name: 'Authorization', value: 'Bearer A11Y', secret: true }, { name: 'Content-Type', value: 'application/json' }], secretKey: app.env.secretKey() });
  await prisma.integration.update({ where: { id: integration.id }, data: { name: 'Helpdesk with a rather long integration name' } });
  const webhook = await createWebhook(prisma, integration.id, { systemName: 'create_ticket', path: '/tickets', bodyTemplate: '{\n  "email": "${Customer.Email}"\n}', headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }], captureFields: [{ name: 'id', path: '$.ticket.id' }] });
  const { flowId } = await createPublishedFlow(prisma, linearGraph('customer.signed_up', [webhook.id]), 'Welcome new customers, with a long descriptive name');
  const started = await startTestRun({ prisma, client: async () => app.env.client, taskQueue: app.env.taskQueue }, { flowId, source: 'published', mode: 'dry', customerId: 'c-1', attributes: { email: 'ada@example.com' }, data: {} });
  const admin = await prisma.user.findUniqueOrThrow({ where: { email: 'admin@example.com' } });
  const { createHash } = await import('node:crypto');
  await prisma.user.create({ data: { email: 'invited.person@example.com', role: 'marketer', inviteTokenHash: createHash('sha256').update('a11y-invite-token').digest('hex'), inviteExpiresAt: new Date(Date.now() + 86_400_000), invitedById: admin.id } });
  const loaded = async (page: Page) => {
    await page.locator('main').first().waitFor();
    await expect.poll(() => page.getByText(/^Loading /).count()).toBe(0);
  };
  pages.push(
    { name: 'overview', path: '/', ready: async (p) => (await loaded(p), heading('Recent runs')(p)) },
    { name: 'flows', path: '/flows', ready: async (p) => (await loaded(p), p.getByRole('row', { name: /Welcome new customers/ }).waitFor()) },
    { name: 'canvas', path: `/flows/${flowId}`, ready: async (p) => (await p.locator('.react-flow__node-webhook').waitFor(), p.getByTestId('save-state').waitFor()) },
    { name: 'integrations', path: '/integrations', ready: async (p) => (await loaded(p), p.getByRole('link', { name: /Helpdesk/ }).first().waitFor()) },
    { name: 'integration', path: `/integrations/${integration.id}`, ready: async (p) => (await loaded(p), p.getByRole('heading', { name: 'Settings', exact: true }).waitFor()) },
    { name: 'integration-new', path: '/integrations/new', ready: heading(/integration/i) },
    { name: 'webhooks', path: '/webhooks', ready: async (p) => (await loaded(p), p.getByRole('link', { name: /create ticket/i }).first().waitFor()) },
    { name: 'webhook', path: `/webhooks/${webhook.id}`, ready: async (p) => (await loaded(p), p.getByTestId('test-request').waitFor()) },
    { name: 'webhook-new', path: `/webhooks/new?integrationId=${integration.id}`, ready: async (p) => (await loaded(p), p.getByLabel('System name').waitFor()) },
    { name: 'run', path: `/runs/${started.runId}`, ready: async (p) => (await loaded(p), heading('Requests')(p)) },
    { name: 'users', path: '/users', ready: async (p) => (await loaded(p), p.getByRole('cell', { name: 'marketer@example.com' }).waitFor()) },
    { name: 'flows-as-code', path: '/flows-as-code', ready: async (p) => (await loaded(p), p.locator('#export-document').waitFor()) },
    { name: 'logs', path: '/logs', ready: async (p) => (await loaded(p), heading('Logs')(p)) },
    { name: 'audit', path: '/audit', ready: async (p) => (await loaded(p), heading('Audit')(p)) },
    { name: 'api-keys', path: '/settings/api-keys', ready: async (p) => (await loaded(p), heading('Settings · API keys')(p)) },
  );
}, 300_000);

afterAll(async () => {
  await app?.close();
});

/** axe's serious and critical findings, each with the elements it found them on. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

async function check(page: Page, name: string, size: string): Promise<{ overflow: string[]; axe: string[] }> {
  await page.waitForTimeout(300);
  const overflow = (await overflowingText(page)).map((o) => `${name} ${size}: ${o}`);
  const axe = (await seriousViolations(page)).map((v) => `${name} ${size}: ${v}`);
  return { overflow, axe };
}

describe('every page at 1280×800 and 1920×1080, light and dark', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`signed-out pages fit and pass axe (${scheme})`, async () => {
      const problems: string[] = [];
      for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
        const context = await app.browser.newContext({ viewport, colorScheme: scheme });
        const page = await context.newPage();
        for (const [name, path, ready] of [
          ['login', '/login', heading('Sign in to Hookflow')],
          ['invite', '/invite?token=a11y-invite-token', async (p: Page) => p.getByTestId('invite-details').waitFor()],
          // The form renders for any token; the token is checked when it is sent.
          ['setup', '/setup?token=a11y-setup-token', heading('Create the first admin')],
        ] as const) {
          await page.goto(`${app.baseUrl}${path}`);
          await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
          await ready(page);
          const size = `${viewport.width}x${viewport.height}`;
          if (name === 'invite') await expect.poll(() => page.getByTestId('invite-details').textContent()).toBe('Ada Admin invited you as marketer. Your account: invited.person@example.com');
          const found = await check(page, name, `${size} ${scheme}`);
          problems.push(...found.overflow, ...found.axe);
          await shot(page, `page-${name}-${size}${scheme === 'dark' ? '-dark' : ''}.png`, { doc: scheme === 'light' && viewport.width === 1280 });
        }
        await context.close();
      }
      expect(problems).toEqual([]);
    });

    // Twelve pages, two sizes, axe on each: minutes on a busy two-core machine.
    it(`signed-in pages fit and pass axe (${scheme})`, { timeout: 420_000 }, async () => {
      const problems: string[] = [];
      for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
        const context = await app.browser.newContext({ viewport, colorScheme: scheme });
        const page = await signIn(context, app.baseUrl, 'admin@example.com');
        const size = `${viewport.width}x${viewport.height}`;
        for (const { name, path, ready } of pages) {
          await page.goto(`${app.baseUrl}${path}`);
          await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
          await ready(page);
          const found = await check(page, name, `${size} ${scheme}`);
          problems.push(...found.overflow, ...found.axe);
          if (name === 'canvas') {
            // The toolbar is one line at 1280 px and wider: every item shares a band with the first, inside the bar.
            const toolbar = await page.locator('.flow-toolbar').evaluate((bar) => {
              const box = bar.getBoundingClientRect();
              const items = [...bar.children].filter((el) => (el as HTMLElement).offsetParent !== null).map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0);
              const first = items[0]!;
              return { wrapped: items.filter((r) => r.top >= first.bottom || r.bottom <= first.top).length, outside: items.filter((r) => r.left < box.left - 1 || r.right > box.right + 1).length };
            });
            if (toolbar.wrapped > 0) problems.push(`canvas ${size} ${scheme}: ${toolbar.wrapped} toolbar items wrap onto another line`);
            if (toolbar.outside > 0) problems.push(`canvas ${size} ${scheme}: ${toolbar.outside} toolbar items are pushed out of the bar`);
            // With a step selected, the inspector is checked too.
            await page.locator('.react-flow__node-webhook').click();
            await page.locator('#node-webhook').waitFor();
            const inspector = await check(page, 'canvas with a step selected', `${size} ${scheme}`);
            problems.push(...inspector.overflow, ...inspector.axe);
          }
          const file = `page-${name}-${size}${scheme === 'dark' ? '-dark' : ''}.png`;
          await shot(page, file, { doc: viewport.width === 1280 && (scheme === 'light' || name === 'canvas') });
        }
        await context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
