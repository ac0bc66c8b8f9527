/**
 * End to end in Debian's Chromium against the built app (`next start`) on a real database: a developer
 * sets up an integration with a secret, a webhook with the idempotency key and a captured field, test-sends
 * it to a loopback receiver and copies it; a marketer then sees only the mask, in the UI, in every page's
 * HTML and in every response the browser receives. Screenshots go to test-results/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import type { Receiver } from '../../scripts/receiver';
import type { PrismaClient } from '../../lib/server/db';
import { connect, nodeBox, open, shot as shotAt, SHOTS, signIn as signInAt, startBrowserApp, type BrowserApp } from '../support/browser';
import { story, type Step } from '../support/story';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'Bearer e2e-SECRET-7f3a9c';

let app: BrowserApp;
let baseUrl: string;
let receiver: Receiver;
let prisma: PrismaClient;
let browser: Browser;

beforeAll(async () => {
  app = await startBrowserApp('browser');
  ({ baseUrl, receiver, prisma, browser } = app);
}, 300_000);

afterAll(async () => {
  await app?.close();
});

const signIn = (context: BrowserContext, email: string) => signInAt(context, baseUrl, email);

/**
 * A response's body, or null when it cannot be read: a redirect has none, and Chromium may never finish a
 * body whose request the next navigation cut off, so a read waits at most 10 s instead of hanging the test.
 */
/**
 * A response's body, read as it arrives. `timedOut` when it did not come within 10 s; null without a
 * time-out when the browser no longer had it (the page navigated on before it was read).
 */
async function readBody(response: Response): Promise<{ url: string; body: string | null; timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000)));
  const body = await Promise.race([response.text().catch(() => null), gaveUp]);
  clearTimeout(timer);
  return { url: response.url(), body: body === 'timeout' ? null : body, timedOut: body === 'timeout' };
}
const shot = (page: Page, name: string) => shotAt(page, name);

/** One story through the file: each test builds on the ones before it, and runs them first when picked alone. */
const { step, prepare } = story();
let webhookCreated: Step;

describe('integrations and webhooks in the browser', () => {
  let integrationUrl: string;
  let webhookUrl: string;

  step('a developer creates an integration with a secret Authorization header', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('link', { name: 'Create integration' }).click();
    await page.getByRole('button', { name: /Webhook Integration/ }).click();
    await page.getByLabel('Name', { exact: true }).fill('Helpdesk');
    await page.getByLabel('Root URL').fill('not a url');
    await page.getByLabel('Root URL').blur();
    await page.getByText('Enter an absolute URL starting with http:// or https://').waitFor();
    await page.getByLabel('Root URL').fill(`${receiver.url}/api/`);
    await page.getByLabel('Rate limit (requests per second)').fill('0.5');
    await page.getByText('one every 2.0 s').waitFor();
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

  webhookCreated = step('creates a POST webhook with the idempotency key as a header and a field captured from a pasted sample', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await open(page, integrationUrl);
    await page.getByRole('link', { name: 'Create webhook' }).click();
    // The integration page has a Name field too: type only once the webhook editor is there.
    await page.waitForURL(/\/webhooks\/new/);
    await page.getByLabel('System name').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Create ticket');
    await expect.poll(() => page.getByLabel('System name').inputValue()).toBe('create_ticket');
    await page.getByLabel('URL path').fill('/tickets');
    await expect.poll(() => page.locator('#wh-full-url').textContent()).toBe(`${receiver.url}/api/tickets`);
    await expect.poll(() => page.getByTestId('retry-rule').textContent()).toContain('sent once');
    await page.getByRole('button', { name: 'Insert as header' }).click();
    await expect.poll(() => page.getByTestId('retry-rule').textContent()).toContain('retried up to 3 times within 6 minutes on 5xx/429');
    await expect.poll(() => page.getByTestId('headers-preview').textContent()).toContain('Idempotency-Key');
    await expect.poll(() => page.getByTestId('headers-preview').textContent()).toContain('••••••••');

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

  step('test-sends to the loopback receiver, which gets the secret on the wire and the rendered body', async () => {
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
    await expect.poll(() => page.getByTestId('test-request').textContent()).toContain('••••••••');
    expect(await page.getByTestId('test-request').textContent()).not.toContain('SECRET');
    await page.screenshot({ path: path.join(SHOTS, '3-test-send.png'), fullPage: true });
    await context.close();
  });

  step('copies the webhook with a fresh system name', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'developer@example.com');
    await open(page, webhookUrl);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied. This is the copy').waitFor();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Copy of Create ticket');
    await expect.poll(() => page.getByLabel('System name').inputValue()).toBe('create_ticket_copy');
    await page.screenshot({ path: path.join(SHOTS, '4-copy.png'), fullPage: true });
    await context.close();
  });

  step('a marketer sees the mask, and the secret is in no page and no response', async () => {
    const context = await browser.newContext();
    // Every body is read as its response arrives; the check below awaits all of them, the last ones too.
    const bodies: ReturnType<typeof readBody>[] = [];
    context.on('response', (response) => bodies.push(readBody(response)));
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
    await expect.poll(() => page.getByText('••••••••').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('button', { name: 'Delete integration' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, '5-marketer-mask.png'), fullPage: true });
    await open(page, webhookUrl);
    await expect.poll(() => page.getByText(/Use Authorization/).textContent()).toContain('••••••••');
    // A marketer can still use the integration: a test send carries the secret on the wire.
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test request' }).click();
    await expect.poll(() => page.getByTestId('test-response').textContent()).toContain('HTTP 201');
    expect(receiver.requests[before]!.headers.authorization).toBe(SECRET);
    // Every response so far, the last ones too, is read before the check.
    const read = await Promise.all([...bodies]);
    await context.close();
    // An answer the browser dropped when the page navigated on has no body to read (its read fails or never
    // ends), so the check asks for many answers read, not for every one.
    const api = read.filter((r) => r.url.includes('/api/trpc/'));
    expect(api.filter((r) => r.body !== null).length).toBeGreaterThan(5);
    expect(read.filter((r) => r.body?.includes('e2e-SECRET')).map((r) => r.url)).toEqual([]);
  });
});

describe('the flow canvas in the browser', () => {
  let page: Page;
  let context: BrowserContext;
  const canvas = () => page.getByTestId('flow-canvas');
  const node = (kind: string, n = 0) => page.locator(`.react-flow__node-${kind}`).nth(n);
  const drop = async (label: string, x: number, y: number) => {
    await page.getByRole('button', { name: `+ ${label}`, exact: true }).dragTo(canvas(), { targetPosition: { x, y } });
  };

  // The marketer's page, opened once for the canvas steps (after the webhooks they send exist).
  prepare(async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    page = await signIn(context, 'marketer@example.com');
  });
  afterAll(async () => {
    await context?.close();
  });

  step('creates a flow from the empty state, and the canvas opens with its trigger', async () => {
    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    await page.getByText('No flows yet').waitFor();
    await shot(page, 'canvas-1-empty-state.png');
    await page.getByLabel('Name').fill('VIP tickets');
    await page.getByLabel('Starts on event').fill('customer.vip');
    await page.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[^/]+$/);
    await node('trigger').getByText('customer.vip').waitFor();
    await expect.poll(() => page.getByRole('button', { name: '+ Trigger', exact: true }).isDisabled()).toBe(true);
  });

  step('drags in a webhook and a branch, a webhook on the success output and End on else, and connects them', async () => {
    // The new flow's trigger sits at the top, in the middle of the canvas.
    const cx = (await canvas().boundingBox())!.width / 2;
    await drop('Webhook', cx, 200);
    await page.getByLabel('Search webhooks').fill('create_ti');
    await page.getByLabel('Webhook', { exact: true }).selectOption({ label: 'Create ticket (create_ticket)' });
    await drop('Branch', cx, 350);
    await drop('Webhook', cx - 150, 530);
    await drop('End', cx + 190, 530);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    // Each step stays where it was dropped (the canvas does not move under the pointer).
    const [t, w, b] = await Promise.all([nodeBox(node('trigger')), nodeBox(node('webhook', 0)), nodeBox(node('branch'))]);
    // Within a pixel: a drop event's pointer position is whole pixels, the canvas may sit at a half pixel.
    const off = [w.y - t.y - 140, b.y - w.y - 150, w.x - t.x].map((d) => Math.abs(d));
    expect(Math.max(...off)).toBeLessThanOrEqual(1);

    await connect(page, node('trigger').locator('.react-flow__handle.source'), node('webhook', 0).locator('.react-flow__handle.target'));
    await connect(page, node('webhook', 0).locator('.react-flow__handle.source'), node('branch').locator('.react-flow__handle.target'));
    await connect(page, node('branch').locator('.react-flow__handle[data-handleid="b1"]'), node('webhook', 1).locator('.react-flow__handle.target'));
    await connect(page, node('branch').locator('.react-flow__handle[data-handleid="else"]'), node('end').locator('.react-flow__handle.target'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    // A loop is refused while dragging: the second webhook's free output cannot lead back to the first.
    await connect(page, node('webhook', 1).locator('.react-flow__handle.source'), node('webhook', 0).locator('.react-flow__handle.target'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);

    // The branch routes on the first webhook's outcome, which runs before it on every path.
    await node('branch').click();
    await page.getByLabel('Output 1 condition kind').selectOption('webhook');
    await expect.poll(() => page.getByLabel('Output 1 condition webhook').inputValue()).toBe('create_ticket');
    await page.getByLabel('Output 1 label').fill('Ticket created');
    await shot(page, 'canvas-2-drawn.png');
  });

  step('shows the validation problem it provokes on its step, blocks publishing, and clears once fixed', async () => {
    // The second webhook step has no webhook chosen yet: that is the provoked problem.
    await expect.poll(() => node('webhook', 1).locator('.flow-node-problem').count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);
    await page.getByTestId('flow-problems').getByRole('button', { name: 'Choose which webhook this step sends' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose which webhook this step sends' }).waitFor();
    await shot(page, 'canvas-3-problem.png');
    await page.getByLabel('Webhook', { exact: true }).selectOption({ label: 'Copy of Create ticket (create_ticket_copy)' });
    await page.getByText('✓ Ready to publish').waitFor();
    await expect.poll(() => page.locator('.flow-node-invalid').count()).toBe(0);
    await expect.poll(() => page.getByRole('button', { name: 'Publish', exact: true }).isEnabled()).toBe(true);
  });

  step('undoes and redoes a move', async () => {
    const end = node('end');
    const before = await nodeBox(end);
    const box = (await end.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 12);
    await page.mouse.down();
    // The drag starts on the first move past the threshold; the rest follows once the canvas has taken it up.
    await page.mouse.move(box.x + box.width / 2 + 10, box.y + 20);
    const dragging = () => end.evaluate((el) => el.classList.contains('dragging'));
    await expect.poll(dragging).toBe(true);
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + 92, { steps: 10 });
    await page.mouse.up();
    // Read where it ended once the canvas has rendered the drop, not a frame of the drag before it.
    await expect.poll(dragging).toBe(false);
    const moved = await nodeBox(end);
    // On a fast machine the step lands 48–106 px along a 120 px drag, for a cause not pinned down (moving one
    // frame at a time, or holding the step away from the canvas edge, did not make it exact). Any clear
    // move will do for undo and redo, which are checked to the pixel.
    expect(moved.x - before.x).toBeGreaterThan(20);
    await canvas().locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeBox(end)).toEqual(before);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodeBox(end)).toEqual(moved);
  });

  step('tidies up into top-to-bottom layers', async () => {
    await page.getByRole('button', { name: 'Tidy up' }).click();
    await expect
      .poll(async () => {
        const [t, w, b, w2, e] = await Promise.all([nodeBox(node('trigger')), nodeBox(node('webhook', 0)), nodeBox(node('branch')), nodeBox(node('webhook', 1)), nodeBox(node('end'))]);
        // Top to bottom by layer; the two steps after the branch share a layer (centres level), success left of else.
        return t.y < w.y && w.y < b.y && b.y < w2.y && Math.abs(w2.y + w2.height / 2 - (e.y + e.height / 2)) <= 2 && w2.x < e.x;
      })
      .toBe(true);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
    await shot(page, 'canvas-4-tidy.png');
  });

  step('publishes after showing what changed', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByTestId('publish-diff').locator('li').count()).toBe(5);
    await shot(page, 'canvas-5-publish.png');
    await page.getByRole('button', { name: 'Publish v1' }).click();
    await page.getByText('Published version 1').waitFor();
    const flow = await prisma.flow.findFirstOrThrow({ where: { name: 'VIP tickets' }, include: { versions: true } });
    expect(flow.status).toBe('active');
    const plan = flow.versions[0]!.plan as { nodes: Record<string, { kind: string }> };
    expect(Object.values(plan.nodes).map((n) => n.kind).sort()).toEqual(['branch', 'end', 'webhook', 'webhook']);
  });

  step('tests the published version live, highlights the run path, and the loopback receiver gets the requests', async () => {
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByLabel('Published v1').check();
    await page.getByLabel('Live: really send the requests').check();
    await page.getByLabel('Customer attributes (JSON)').fill('{"email": "grace@example.com", "tier": "vip"}');
    await page.getByRole('button', { name: 'Start live test' }).click();
    await expect.poll(() => page.getByTestId('run-banner').textContent(), { timeout: 30_000 }).toContain('completed');
    await expect.poll(() => page.locator('.flow-node-reached').count()).toBe(4);
    await expect.poll(() => node('end').locator('.flow-node-reached').count()).toBe(0);
    await expect.poll(() => page.locator('.react-flow__edge.flow-edge-taken').count()).toBe(3);
    await expect.poll(() => node('webhook', 1).getByTestId('node-run-state').textContent()).toContain('HTTP 201');
    await shot(page, 'canvas-6-run.png');
    const sent = receiver.requests.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent.every((r) => r.url.startsWith('/api/tickets') && r.headers.authorization === SECRET)).toBe(true);
    expect(sent[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Recent runs' }).getByRole('link', { name: /Temporal/ }).count()).toBe(1);
  });

  step('inserts a step dropped on a connection, pastes copies at the viewport centre, and restores a version as the draft', async () => {
    await page.getByRole('button', { name: 'Stop watching' }).click();
    const nodes = () => page.locator('.react-flow__node').count();
    const edges = () => page.locator('.react-flow__edge').count();
    expect([await nodes(), await edges()]).toEqual([5, 4]);

    // Drop a Wait in the middle of the trigger → first webhook connection.
    const from = (await node('trigger').locator('.react-flow__handle.source').boundingBox())!;
    const to = (await node('webhook', 0).locator('.react-flow__handle.target').boundingBox())!;
    const area = (await canvas().boundingBox())!;
    await drop('Wait', (from.x + to.x) / 2 + from.width / 2 - area.x, (from.y + to.y) / 2 + from.height / 2 - area.y);
    await expect.poll(nodes).toBe(6);
    await expect.poll(edges).toBe(5);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
    const flow = await prisma.flow.findFirstOrThrow({ where: { name: 'VIP tickets' } });
    const draft = flow.draftGraph as { nodes: { id: string; type: string }[]; edges: { source: string; target: string }[] };
    const wait = draft.nodes.find((n) => n.type === 'wait')!;
    const trigger = draft.nodes.find((n) => n.type === 'trigger')!;
    expect(draft.edges.some((e) => e.source === trigger.id && e.target === wait.id)).toBe(true);
    expect(draft.edges.some((e) => e.source === wait.id && draft.nodes.find((n) => n.id === e.target)?.type === 'webhook')).toBe(true);

    // Copy and paste with the keyboard: the copy lands in the middle of the visible canvas.
    await node('wait').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(nodes).toBe(7);
    const pasted = (await page.locator('.react-flow__node.selected').boundingBox())!;
    expect(Math.abs(pasted.x + pasted.width / 2 - (area.x + area.width / 2))).toBeLessThan(60);
    expect(Math.abs(pasted.y + pasted.height / 2 - (area.y + area.height / 2))).toBeLessThan(60);
    await page.keyboard.press('Control+z');
    await expect.poll(nodes).toBe(6);

    // Version 1 opens read-only; restoring it makes it the draft, and undo brings the edit back.
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Open v1' }).click();
    await page.getByText('Viewing version 1, read-only.').waitFor();
    await expect.poll(nodes).toBe(5);
    await expect.poll(() => page.getByRole('button', { name: '+ Webhook', exact: true }).isDisabled()).toBe(true);
    // Its steps can be inspected, not edited.
    await node('webhook', 0).click();
    await expect.poll(() => page.getByLabel('Webhook', { exact: true }).isDisabled()).toBe(true);
    await expect.poll(() => page.locator('#node-webhook option:checked').textContent()).toBe('Create ticket (create_ticket)');
    await page.getByRole('button', { name: 'Restore as draft' }).click();
    await expect.poll(nodes).toBe(5);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(nodes).toBe(6);

    // The draft now differs from v1: watching v1's run shows v1 as it ran, read-only, with its path lit.
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.getByRole('list', { name: 'Recent runs' }).getByRole('button').first().click();
    await expect.poll(() => page.getByTestId('run-banner').textContent()).toContain('the draft has changed since');
    await expect.poll(nodes).toBe(5);
    await expect.poll(() => page.locator('.flow-node-reached').count()).toBe(4);
    await expect.poll(() => page.locator('.react-flow__edge.flow-edge-taken').count()).toBe(3);
    await page.getByRole('button', { name: 'Stop watching' }).click();
    await expect.poll(nodes).toBe(6);
  });

  step('the flows list shows status, last edit and 24 h runs; rename, duplicate and archive (after confirming) work', async () => {
    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    const row = page.getByRole('row', { name: /VIP tickets/ });
    await expect.poll(() => row.textContent()).toContain('published v1');
    // The run so far was a test: it does not count as a customer run.
    await expect.poll(() => row.textContent()).toContain('none');
    expect(await row.textContent()).not.toContain('completed');
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name for VIP tickets').fill('VIP tickets (EU)');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const renamed = page.getByRole('row', { name: /VIP tickets \(EU\)/ });
    await renamed.waitFor();
    await renamed.getByRole('button', { name: 'Duplicate' }).click();
    const copy = page.getByRole('row', { name: /Copy of VIP tickets \(EU\)/ });
    await copy.waitFor();
    await expect.poll(() => copy.textContent()).toContain('draft');
    await shot(page, 'flows-list.png');
    await copy.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
    await expect.poll(() => copy.count()).toBe(0);
    expect((await prisma.flow.findFirstOrThrow({ where: { name: 'Copy of VIP tickets (EU)' } })).status).toBe('archived');
  });
});

describe('flows as code in the browser', () => {
  step('a developer sees the export, checks an import with a dry run, imports it, and a bad document is refused whole', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await signIn(context, 'developer@example.com');
    await page.getByRole('link', { name: 'Flows as code' }).click();
    await page.getByRole('heading', { name: 'Flows as code' }).waitFor();
    // The downloaded export holds the webhook made above, with its integration's secret by reference only.
    await page.locator('#export-document').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download hookflow.json' }).click()]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ version: 1, webhooks: expect.arrayContaining([expect.objectContaining({ systemName: 'create_ticket' })]) });
    expect(exported).not.toContain('e2e-SECRET');
    expect(await page.content()).not.toContain('e2e-SECRET');

    const example = path.join(ROOT, 'examples', 'loyalty-tier-helpdesk.json');
    await page.locator('#import-file').setInputFiles(example);
    await page.getByLabel('SUPPORT_DESK_AUTHORIZATION').fill('Bearer from-the-page');
    const webhooksBefore = await prisma.webhook.count();
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.getByText('Dry run: nothing was written.').waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Changes' }).getByRole('listitem').count()).toBeGreaterThan(2);
    await expect.poll(() => prisma.webhook.count()).toBe(webhooksBefore);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported:').waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Changes' }).textContent()).toContain('secret Authorization from the value typed on the import page');
    await expect.poll(() => prisma.webhook.count()).toBeGreaterThan(webhooksBefore);
    await shot(page, 'flows-as-code-import.png');

    const imported = await prisma.webhook.count();
    await page.locator('#import-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 2, "integrations": []}') });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Refused, nothing was written.').waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Problems' }).textContent()).toContain('$.version');
    await expect.poll(() => prisma.webhook.count()).toBe(imported);
    await context.close();
  }, [webhookCreated]);
});
