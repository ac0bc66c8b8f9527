/**
 * What every browser test file needs, so each runs alone: the built app (`next start`) on a database of its
 * own with a real worker, a loopback receiver, Debian's Chromium, signing in, waiting for hydration, and
 * screenshots (also copied to docs/screenshots with HOOKFLOW_DOC_SCREENSHOTS=1).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, type AppServer } from '../../scripts/app-server';
import { startAppFor } from './app';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import type { PrismaClient } from '../../lib/server/db';
import { hashPassword } from '../../lib/server/auth/password';
import { createTestEnv, type TestEnv } from './env';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'test-results', 'browser');
const DOC_SHOTS = process.env.HOOKFLOW_DOC_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : null;
export const PASSWORD = 'e2e-password-123';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserApp {
  env: TestEnv;
  /** the app's HOOKFLOW_DATA_DIR (where a setup token is kept) */
  dataDir: string;
  prisma: PrismaClient;
  baseUrl: string;
  receiver: Receiver;
  browser: Browser;
  close(): Promise<void>;
}

/** Debian's Chromium, for a test file that starts its own app. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Starts the app for one test file, with an admin, a developer and a marketer who sign in with PASSWORD
 * (`users: false`: nobody yet, as on a new install).
 */
export async function startBrowserApp(name: string, options: { users?: boolean } = {}): Promise<BrowserApp> {
  const env = await createTestEnv(name);
  const prisma = env.prisma;
  const passwordHash = await hashPassword(PASSWORD);
  for (const role of options.users === false ? [] : (['admin', 'developer', 'marketer'] as const)) {
    await prisma.user.create({ data: { email: `${role}@example.com`, name: { admin: 'Ada Admin', developer: 'Dev', marketer: 'Mara' }[role], role, passwordHash } });
  }
  const receiver = await startReceiver();
  let server: AppServer | undefined;
  let dataDir = '';
  let browser: Browser | undefined;
  try {
    ({ server, dataDir } = await startAppFor(env, name));
    // Test runs from the canvas run on a real worker of this file's task queue.
    await env.startWorker();
    browser = await launchBrowser();
  } catch (error) {
    server?.stop();
    await receiver.close();
    await env.close();
    throw error;
  }
  const app = { env, dataDir, prisma, baseUrl: server.url, receiver, browser };
  return {
    ...app,
    async close() {
      await browser?.close();
      server?.stop();
      await receiver.close();
      await env.close();
    },
  };
}

/** Waits until React has hydrated the page: typing into server-rendered HTML before that is lost. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await hydrated(page);
}

export async function signIn(context: BrowserContext, baseUrl: string, email: string, password: string = PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/integrations`);
  await page.waitForURL(/\/login/);
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/`);
  await hydrated(page);
  return page;
}

/** A full-page screenshot in test-results/browser (and docs/screenshots when refreshing the docs). */
export async function shot(page: Page, name: string, options: { doc?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
  if (DOC_SHOTS && options.doc !== false) {
    mkdirSync(DOC_SHOTS, { recursive: true });
    copyFileSync(path.join(SHOTS, name), path.join(DOC_SHOTS, name));
  }
}

/** Drags from one handle to another with the mouse, as a person connects two steps. */
export async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** A step's position in flow coordinates (its transform), independent of pan and zoom. */
export async function nodeBox(node: Locator): Promise<{ x: number; y: number; height: number }> {
  return node.evaluate((el) => {
    const match = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec((el as HTMLElement).style.transform)!;
    return { x: Math.round(Number(match[1])), y: Math.round(Number(match[2])), height: (el as HTMLElement).offsetHeight };
  });
}

/**
 * Every input, label, button and select whose text does not fit its box (scrollWidth > clientWidth; for a
 * select, its chosen option's text measured against the box), described so a failure says where.
 */
export async function overflowingText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const canvas = document.createElement('canvas').getContext('2d')!;
    const describe = (el: HTMLElement) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''} "${(el.innerText || (el as HTMLInputElement).value || '').slice(0, 40)}"`;
    for (const el of document.querySelectorAll<HTMLElement>('input, label, button, select, textarea')) {
      const style = getComputedStyle(el);
      if (el.offsetParent === null || style.visibility === 'hidden' || el.clientWidth === 0) continue;
      if (el.closest('.react-flow__renderer, .cm-editor, .visually-hidden, [aria-hidden="true"]')) continue;
      if (el instanceof HTMLInputElement && ['checkbox', 'radio', 'hidden', 'file'].includes(el.type)) continue;
      if (el instanceof HTMLSelectElement) {
        const text = el.selectedOptions[0]?.text ?? '';
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
        if (canvas.measureText(text).width > room + 1) found.push(describe(el));
        continue;
      }
      if (el.scrollWidth > el.clientWidth + 1) found.push(describe(el));
    }
    return found;
  });
}
