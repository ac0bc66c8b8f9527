/**
 * `npm start`'s process manager on real processes: it brings up Temporal, the worker, the demo receiver and
 * the web app on free ports, the printed ingest key drives a delivery, a worker killed with SIGKILL is started
 * again and delivers the next event, and SIGTERM leaves nothing behind.
 * The web app runs in dev mode here so the test does not pay for a production build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/ports';
import { portIsFree } from '../../scripts/processes';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const dirs: string[] = [];

function startHookflow(env: Record<string, string>): { child: ChildProcess; output: () => string; waitFor: (text: RegExp, ms: number) => Promise<string> } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hookflow-start-'));
  dirs.push(dataDir);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HOOKFLOW_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1', ...env };
  delete childEnv.TEMPORAL_ADDRESS;
  delete childEnv.DATABASE_URL;
  delete childEnv.HOOKFLOW_INGEST_KEY;
  const child = spawn(process.execPath, [TSX, 'scripts/start.ts', '--dev'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return {
    child,
    output: () => text,
    waitFor: (pattern, ms) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const match = pattern.exec(text);
          if (match) {
            clearInterval(poll);
            resolve(match[0]);
          } else if (Date.now() - started > ms || child.exitCode !== null) {
            clearInterval(poll);
            reject(new Error(`did not see ${pattern} within ${ms} ms; output:\n${text}`));
          }
        }, 200);
      }),
  };
}

/** Every process below this one (tsx runs start.ts in a child of its own), from /proc. */
function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]));
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(pid);
      walk(pid);
    }
  };
  walk(root);
  return found;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('brings everything up on free ports, delivers the printed curl, restarts a killed worker, and shuts down cleanly', async () => {
    const [app, grpc, ui, demo] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const hookflow = startHookflow({
      HOOKFLOW_APP_PORT: String(app),
      TEMPORAL_GRPC_PORT: String(grpc),
      TEMPORAL_UI_PORT: String(ui),
      HOOKFLOW_DEMO_RECEIVER_PORT: String(demo),
    });
    try {
      await hookflow.waitFor(/Hookflow is running/, 240_000);
      const key = /Ingest key:\s+(\S+)/.exec(hookflow.output())![1]!;
      expect(hookflow.output()).toContain(`curl -X POST http://localhost:${app}/api/events`);

      const home = await fetch(`http://127.0.0.1:${app}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Hookflow');
      const temporalUi = await fetch(`http://127.0.0.1:${ui}/`);
      expect(temporalUi.status).toBe(200);

      const event = await fetch(`http://127.0.0.1:${app}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'start-test-1', type: 'customer.signed_up', customer: { id: 'c-1', email: 'ada@example.com', first_name: 'Ada' } }),
      });
      expect(event.status).toBe(202);
      expect((await event.json()).runs).toHaveLength(1);
      await hookflow.waitFor(/\[demo-receiver\] POST \/deliveries\/welcome .*ada@example\.com/, 60_000);

      // The supervisor: kill -9 the worker; it is started again and the next event is delivered.
      const worker = descendantsOf(hookflow.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/worker.ts'));
      expect(worker).toBeDefined();
      process.kill(worker!, 'SIGKILL');
      await hookflow.waitFor(/\[supervisor\] worker exited on SIGKILL; restarting in 1 s/, 30_000);
      const again = await fetch(`http://127.0.0.1:${app}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'start-test-2', type: 'customer.signed_up', customer: { id: 'c-2', email: 'grace@example.com', first_name: 'Grace' } }),
      });
      expect(again.status).toBe(202);
      await hookflow.waitFor(/\[demo-receiver\] POST \/deliveries\/welcome .*grace@example\.com/, 90_000);
      expect(descendantsOf(hookflow.child.pid!)).not.toContain(worker);
    } finally {
      hookflow.child.kill('SIGTERM');
    }
    expect(await exited(hookflow.child)).toBe(0);
    expect(hookflow.output()).toContain('Stopped.');
    for (const port of [app, grpc, ui, demo]) expect(await portIsFree(port)).toBe(true);
  }, 360_000);

  it('says which port is taken and how to change it', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const hookflow = startHookflow({ HOOKFLOW_APP_PORT: String(port) });
      expect(await exited(hookflow.child)).toBe(1);
      expect(hookflow.output()).toContain(`Port ${port} (web app) is already in use`);
      expect(hookflow.output()).toContain(`HOOKFLOW_APP_PORT=${port + 1} npm start`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
