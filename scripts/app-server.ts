/**
 * Runs the built web app (`next start`) on a free port against a given database: for the browser tests and
 * the canvas benchmark, which need the production build, not the dev server.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildIfNeeded } from './build';
import { waitForHttp } from './processes';
import { freePort } from './ports';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface AppServer {
  url: string;
  /** the `next start` process, for benchmarks that read its CPU */
  pid: number;
  stop(): void;
}

export async function startAppServer(env: Record<string, string>): Promise<AppServer> {
  const problem = buildIfNeeded(() => undefined);
  if (problem) throw new Error(problem);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    // Not piped: a pipe nobody reads fills up and stalls a chatty server.
    stdio: 'ignore',
    detached: true,
  });
  const stop = () => {
    if (!server.pid) return;
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await waitForHttp(`${url}/login`, 60_000);
  } catch (error) {
    stop();
    throw error;
  }
  return { url, pid: server.pid!, stop };
}

/** Chromium flags for headless runs on CI machines without a GPU or network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
