/**
 * The canvas and the webhook editor as a marketer meets them, in Debian's Chromium against the built app
 * with a real worker: testing a draft (a dry run whose sample responses pick a branch, and a live test that
 * reaches a loopback receiver while another flow on the same event starts nothing), template errors at the
 * right line, field errors when you leave the field, and building a flow with the keyboard only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { open, shot, signIn, startBrowserApp, type BrowserApp } from '../support/browser';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import { story } from '../support/story';

let app: BrowserApp;
let lookup: { id: string };
let notify: { id: string };
let integrationId: string;
let otherFlowId: string;

const at = (x: number, y: number) => ({ x, y });

beforeAll(async () => {
  app = await startBrowserApp('canvas-ux');
  const integration = await createIntegration(app.prisma, { rootUrl: app.receiver.url, headers: [{ name: 'Authorization', value: 'Bearer UX-SECRET-1', secret: true }], secretKey: app.env.secretKey() });
  integrationId = integration.id;
  lookup = await createWebhook(app.prisma, integration.id, { systemName: 'crm_lookup', path: '/lookup', bodyTemplate: '{"email": "${Customer.Email}"}', captureFields: [{ name: 'tier', path: '$.tier' }] });
  await app.prisma.webhook.update({ where: { id: lookup.id }, data: { name: 'CRM lookup' } });
  notify = await createWebhook(app.prisma, integration.id, { systemName: 'vip_notify', path: '/notify', bodyTemplate: '{"tier": "${Webhooks.crm_lookup.Fields.tier}"}' });
  await app.prisma.webhook.update({ where: { id: notify.id }, data: { name: 'VIP notice' } });
  const ping = await createWebhook(app.prisma, integration.id, { systemName: 'ping', path: '/ping' });
  // Another active flow on the same event: testing the draft must never start it.
  ({ flowId: otherFlowId } = await createPublishedFlow(app.prisma, linearGraph('loyalty.changed', [ping.id]), 'Already live on loyalty.changed'));
}, 300_000);

afterAll(async () => {
  await app?.close();
});

describe('testing a draft on the canvas', () => {
  // A story: each test builds on the page the one before it left, and runs it first when picked alone.
  const { step } = story();
  let context: BrowserContext;
  let page: Page;
  let flowId: string;
  /** a step's own box, which carries its run state as classes (flow-node-reached) */
  const node = (id: string) => page.getByTestId(`flow-node-${id}`);

  beforeAll(async () => {
    const graph: FlowGraph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: at(0, 0), data: { eventType: 'loyalty.changed' } },
        { id: 'lookup', type: 'webhook', position: at(0, 140), data: { webhookId: lookup.id } },
        { id: 'route', type: 'branch', position: at(0, 280), data: { branches: [{ id: 'gold', label: 'Gold', condition: { kind: 'field', path: 'Webhooks.crm_lookup.Fields.tier', op: 'eq', value: 'gold' } }] } },
        { id: 'notify', type: 'webhook', position: at(-160, 460), data: { webhookId: notify.id } },
        { id: 'stop', type: 'end', position: at(180, 460) },
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'lookup' },
        { id: 'e2', source: 'lookup', target: 'route' },
        { id: 'e3', source: 'route', target: 'notify', sourceHandle: 'gold' },
        { id: 'e4', source: 'route', target: 'stop', sourceHandle: 'else' },
      ],
    };
    flowId = (await app.prisma.flow.create({ data: { name: 'Gold customers', triggerEventType: 'loyalty.changed', draftGraph: graph } })).id;
    context = await app.browser.newContext({ viewport: { width: 1440, height: 960 } });
    page = await signIn(context, app.baseUrl, 'marketer@example.com');
    await open(page, `${app.baseUrl}/flows/${flowId}`);
    await node('route').waitFor();
  });
  afterAll(async () => context?.close());

  step('a branch step shows its rule in words', async () => {
    await expect.poll(() => node('route').textContent()).toContain('Gold: CRM lookup tier is gold');
    await expect.poll(() => node('route').textContent()).toContain('Else: anything else');
  });

  step('a dry run of the draft with sample responses follows the branch they pick, and sends nothing', async () => {
    const before = app.receiver.requests.length;
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByLabel('Dry run: show each request, send nothing').check();
    await page.getByLabel('CRM lookup: response body (JSON)').fill('{"tier": "gold"}');
    await page.getByRole('button', { name: 'Start dry run' }).click();
    await expect.poll(() => page.getByTestId('run-banner').textContent(), { timeout: 30_000 }).toContain('completed');
    await expect.poll(() => page.getByTestId('run-banner').textContent()).toContain('Watching a dry-run test of the draft');
    await expect.poll(() => page.locator('.flow-node-reached').count()).toBe(4);
    expect(await node('stop').getAttribute('class')).not.toContain('flow-node-reached');
    expect(await node('notify').getAttribute('class')).toContain('flow-node-reached');
    await expect.poll(() => node('lookup').getByTestId('node-run-state').textContent()).toContain('dry run, not sent · sample HTTP 200');
    await shot(page, 'canvas-7-dry-run.png');
    expect(app.receiver.requests.length).toBe(before);
    // The rendered requests are kept, secrets masked, marked as never sent.
    const run = await app.prisma.run.findFirstOrThrow({ where: { flowId, testMode: 'dry' }, include: { attempts: true } });
    expect(run.attempts.map((a) => [a.nodeId, a.dryRun])).toEqual(expect.arrayContaining([['lookup', true], ['notify', true]]));
    expect(run.attempts.find((a) => a.nodeId === 'notify')!.requestBody).toBe('{"tier": "gold"}');
    expect(JSON.stringify(run.attempts.map((a) => a.requestHeaders))).not.toContain('UX-SECRET');

    // Another sample answer takes the Else output.
    await page.getByRole('button', { name: 'Stop watching' }).click();
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByLabel('CRM lookup: response body (JSON)').fill('{"tier": "silver"}');
    await page.getByRole('button', { name: 'Start dry run' }).click();
    await expect.poll(() => page.getByTestId('run-banner').textContent(), { timeout: 30_000 }).toContain('completed');
    await expect.poll(() => node('stop').getAttribute('class')).toContain('flow-node-reached');
    expect(await node('notify').getAttribute('class')).not.toContain('flow-node-reached');
    expect(app.receiver.requests.length).toBe(before);
  });

  step('a live test of the draft reaches the loopback receiver, and no other flow on the event runs', async () => {
    await page.getByRole('button', { name: 'Stop watching' }).click();
    app.receiver.respond = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"tier": "silver"}' });
    const before = app.receiver.requests.length;
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByLabel('Live: really send the requests').check();
    await page.getByLabel('Customer attributes (JSON)').fill('{"email": "grace@example.com"}');
    await page.getByRole('button', { name: 'Start live test' }).click();
    await expect.poll(() => page.getByTestId('run-banner').textContent(), { timeout: 30_000 }).toContain('completed');
    await expect.poll(() => page.getByTestId('run-banner').textContent()).toContain('Watching a live test of the draft');
    const sent = app.receiver.requests.slice(before);
    expect(sent.map((r) => r.url)).toEqual(['/lookup']);
    expect(sent[0]!.headers.authorization).toBe('Bearer UX-SECRET-1');
    expect(JSON.parse(sent[0]!.body)).toEqual({ email: 'grace@example.com' });
    expect(await app.prisma.run.count({ where: { flowId: otherFlowId } })).toBe(0);
    // Marked as tests everywhere: the runs tab says so, and the flows list counts no customer runs.
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Recent runs' }).textContent()).toContain('dry-run test');
    await expect.poll(() => page.getByRole('list', { name: 'Recent runs' }).textContent()).toMatch(/\btest\b.*draft/);
    await open(page, `${app.baseUrl}/flows`);
    const row = page.getByRole('row', { name: /Gold customers/ });
    await expect.poll(() => row.textContent()).toContain('draft');
    await expect.poll(() => row.textContent()).toContain('none');
  });
});

describe('the webhook editor explains problems where they are', () => {
  it('an unclosed tag on line 4 is reported on line 4; previews and the retry rule update whatever else is wrong; field errors show on leaving the field', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 960 } });
    const page = await signIn(context, app.baseUrl, 'developer@example.com');
    await open(page, `${app.baseUrl}/webhooks/new?integrationId=${integrationId}`);
    await page.getByLabel('Name', { exact: true }).fill('Loyalty update');
    await page.getByLabel('System name').fill('loyalty-update');
    // Not yet: the person is still in the field.
    await page.waitForTimeout(800);
    await expect.poll(() => page.getByText('no dashes or spaces').count()).toBe(0);
    await page.getByLabel('System name').press('Tab');
    await page.getByText('Use letters, digits and underscores, starting with a letter (no dashes or spaces)').first().waitFor();
    // The other parts still preview and the rule still follows the key, whatever is wrong with the name.
    await page.getByLabel('URL path').fill('/loyalty');
    await expect.poll(() => page.getByTestId('test-request').textContent()).toContain(`${app.receiver.url}/loyalty`);
    await page.getByRole('button', { name: 'Insert as header' }).click();
    await expect.poll(() => page.getByTestId('retry-rule').textContent()).toContain('retried up to 3 times');
    await page.locator('#wh-body .cm-content').fill('{\n  "a": 1,\n  {% if Customer.Email %}\n  "b": 2 {% endif\n}');
    await page.getByLabel('URL path').click();
    await page.getByText(/^Line 4, column 10: expected block end in endif statement/).first().waitFor();
    await expect.poll(() => page.getByTestId('preview-incomplete').textContent()).toContain('body');
    await expect.poll(() => page.getByTestId('test-request').textContent()).toContain('Idempotency-Key');
    // A body that renders to broken JSON is explained at the template line that produced it.
    await page.locator('#wh-body .cm-content').fill('{\n  "email": "${Customer.Email}"\n  "tier": 1\n}');
    await page.getByLabel('URL path').click();
    await page.getByText(/^Line 3: The body is not valid JSON with this data/).first().waitFor();
    await shot(page, 'webhook-editor-errors.png');
    await context.close();
  });
});

describe('building a flow with the keyboard only', () => {
  it('adds, connects, edits, moves and deletes steps without the mouse', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 960 } });
    const page = await signIn(context, app.baseUrl, 'marketer@example.com');
    await open(page, `${app.baseUrl}/flows`);
    await page.getByLabel('Name').fill('Keyboard flow');
    await page.getByLabel('Starts on event').fill('keyboard.used');
    await page.getByLabel('Starts on event').press('Enter');
    await page.waitForURL(/\/flows\/[^/]+$/);
    const trigger = page.locator('.react-flow__node-trigger');
    await trigger.getByText('keyboard.used').waitFor();
    const flow = await app.prisma.flow.findFirstOrThrow({ where: { name: 'Keyboard flow' } });

    // Tab to the trigger and select it with Enter.
    for (let i = 0; i < 60 && !(await trigger.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await trigger.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => trigger.getAttribute('class')).toContain('selected');

    // A: the palette; Enter adds a webhook after the selected trigger, connected, in view.
    await page.keyboard.press('a');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('+ Webhook');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__node-webhook').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__node-webhook').isVisible()).toBe(true);
    // I: the inspector; choose the webhook with the keyboard.
    await page.keyboard.press('i');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search webhooks');
    await page.keyboard.type('ping');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('.react-flow__node-webhook').textContent()).toContain('ping');

    // Add a Wait and an End (Tab through the palette), then connect the wait by choosing where the webhook leads.
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('+ Wait');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__node-wait').count()).toBe(1);
    // Added after the selected webhook: webhook → wait.
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    // I: its settings. A wait that is not a whole number of seconds is said so, not rounded.
    await page.keyboard.press('i');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('node-wait-amount');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('0.001');
    await page.getByRole('alert').filter({ hasText: 'Wait: use whole seconds (0.5 minutes is 30 seconds)' }).waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('2');
    await expect.poll(() => page.locator('.react-flow__node-wait').textContent()).toContain('2 hours');

    // Move the wait with the arrow keys (the focus is not in a field).
    await page.keyboard.press('Escape');
    const wait = page.locator('.react-flow__node-wait');
    const before = await wait.boundingBox();
    await page.locator('body').press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(async () => Math.round((await wait.boundingBox())!.x - before!.x)).toBe(60);

    // Delete it with Backspace: its connection goes with it.
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.locator('.react-flow__node-wait').count()).toBe(0);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);

    // Connect by keyboard: add an End (not after anything), then point the webhook's next step at it.
    await page.keyboard.press('a');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('+ End');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__node-end').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    for (let i = 0; i < 60 && !(await page.locator('.react-flow__node-webhook').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('i');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id ?? '')).startsWith('connect-') === false; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await page.getByText('✓ Ready to publish').waitFor();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
    const saved = (await app.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).draftGraph as FlowGraph;
    expect(saved.nodes.map((n) => n.type).sort()).toEqual(['end', 'trigger', 'webhook']);
    expect(saved.edges).toHaveLength(2);
    await shot(page, 'canvas-8-keyboard.png');
    await context.close();
  });
});

describe('a flow that starts when a customer is identified (Segment identify)', () => {
  it('is chosen on the Flows page, named so on the trigger, and switched in the inspector with the anonymous opt-in', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 960 } });
    try {
      const page = await signIn(context, app.baseUrl, 'marketer@example.com');
      await open(page, `${app.baseUrl}/flows`);
      await page.getByLabel('Name').fill('Welcome identified customers');
      await page.getByLabel('Starts when').selectOption('identified');
      await expect.poll(() => page.getByLabel('Starts on event').count()).toBe(0);
      await page.getByRole('button', { name: 'Create flow' }).click();
      await page.waitForURL(/\/flows\/[^/]+$/);
      const trigger = page.locator('.react-flow__node-trigger');
      await trigger.getByText('Customer identified').waitFor();
      const flow = await app.prisma.flow.findFirstOrThrow({ where: { name: 'Welcome identified customers' } });
      expect(flow.triggerEventType).toBe('$identify');
      const draftTrigger = async () => ((await app.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).draftGraph as FlowGraph).nodes.find((n) => n.type === 'trigger')!.data as Record<string, unknown>;

      await trigger.click();
      const kind = page.getByLabel('Starts when');
      await expect.poll(() => kind.inputValue()).toBe('identified');
      await page.getByLabel('Also for anonymous visitors').check();
      await expect.poll(draftTrigger, { timeout: 15_000 }).toEqual({ eventType: '$identify', anonymous: true });
      await shot(page, 'canvas-identified-trigger.png');

      await kind.selectOption('event');
      await page.getByLabel('Event type').fill('Order Completed');
      await trigger.getByText('Order Completed').waitFor();
      await expect.poll(draftTrigger, { timeout: 15_000 }).toEqual({ eventType: 'Order Completed', anonymous: true });
    } finally {
      await context.close();
    }
  });
});
