/**
 * Setup and invites in Debian's Chromium against the built app, on a new install with nobody in it: the
 * setup link signs the first admin in, the invite form starts over after each invite, the invite page says
 * who invited whom and as what, accepting signs the new person in, and an admin can neither demote nor
 * disable their own account from the users page.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hydrated, open, shot, startBrowserApp, type BrowserApp } from '../support/browser';
import { sha256 } from '../../lib/server/auth/session';

let app: BrowserApp;

beforeAll(async () => {
  app = await startBrowserApp('setup-invites', { users: false });
}, 300_000);

afterAll(async () => {
  await app?.close();
});

it('setup signs the first admin in; the invite form resets; the invite names the inviter; accepting signs in', async () => {
  // What `npm start` prints on a new install: a one-time setup link whose token hash is in the data dir.
  writeFileSync(path.join(app.dataDir, 'setup.token'), sha256('first-setup-token'));
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await open(page, `${app.baseUrl}/setup?token=first-setup-token`);
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Password').fill('a-long-admin-password');
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  // Straight to the overview, signed in: never the sign-in page.
  await page.waitForURL(`${app.baseUrl}/`);
  await hydrated(page);
  await expect.poll(() => page.locator('.topbar-user').textContent()).toContain('Grace Hopper · admin');

  await open(page, `${app.baseUrl}/users`);
  await page.getByLabel('Email').fill('lin@example.com');
  await page.getByLabel('Name', { exact: true }).fill('Lin');
  await page.getByLabel('Role', { exact: true }).selectOption('developer');
  await page.getByRole('button', { name: 'Create invite link' }).click();
  await expect.poll(() => page.getByTestId('invite-link').textContent()).toMatch(/^https?:\/\//);
  const link = (await page.getByTestId('invite-link').textContent())!;
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Send this one-time link' }).textContent()).toContain('lin@example.com');
  // The form starts over for the next person.
  await expect.poll(() => page.getByLabel('Email').inputValue()).toBe('');
  await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('');
  await expect.poll(() => page.getByLabel('Role', { exact: true }).inputValue()).toBe('marketer');
  // Their own account: the role cannot be changed and there is no Disable button on their row.
  await page.getByRole('cell', { name: 'lin@example.com' }).waitFor();
  const own = page.getByRole('row', { name: /grace@example\.com/ });
  await expect.poll(() => own.textContent()).toContain('you');
  await expect.poll(() => page.getByLabel('Role of grace@example.com').isDisabled()).toBe(true);
  await expect.poll(() => own.getByRole('button', { name: 'Disable' }).count()).toBe(0);
  await expect.poll(() => page.getByRole('row', { name: /lin@example\.com/ }).getByRole('button', { name: 'Disable' }).count()).toBe(1);
  await shot(page, 'users-invite.png', { doc: false });

  const invitee = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const join = await invitee.newPage();
  await open(join, link);
  await join.getByTestId('invite-details').waitFor();
  await expect.poll(() => join.getByTestId('invite-details').textContent()).toBe('Grace Hopper invited you as developer. Your account: lin@example.com');
  await expect.poll(() => join.getByLabel('Your name').inputValue()).toBe('Lin');
  await join.getByLabel('Password').fill('a-long-developer-password');
  await join.getByRole('button', { name: 'Set password and sign in' }).click();
  await join.waitForURL(`${app.baseUrl}/`);
  await hydrated(join);
  await expect.poll(() => join.locator('.topbar-user').textContent()).toContain('Lin · developer');
  await invitee.close();
  await context.close();
});
