/**
 * Helpers for the browser tests: Debian's Chromium through playwright-core, signing in to the built app,
 * waiting for hydration, and screenshots (test-results/, and docs/screenshots/ with HOOKFLOW_DOC_SCREENSHOTS=1).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../scripts/app-server';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'test-results', 'browser');
/** HOOKFLOW_DOC_SCREENSHOTS=1 also refreshes the screenshots the docs show. */
const DOC_SHOTS = process.env.HOOKFLOW_DOC_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : null;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Waits until React has hydrated the page: typing into server-rendered HTML before that is lost. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await hydrated(page);
}

export async function signIn(context: BrowserContext, baseUrl: string, email: string, password: string): Promise<Page> {
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

/** A full-page screenshot in test-results/browser, copied to docs/screenshots when asked. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
  if (DOC_SHOTS) {
    mkdirSync(DOC_SHOTS, { recursive: true });
    copyFileSync(path.join(SHOTS, name), path.join(DOC_SHOTS, name));
  }
}
