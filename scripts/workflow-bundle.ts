/**
 * The workflow bundle, built once per code change into the data directory by a short-lived child process.
 * Bundling (webpack) inside the worker would leave its memory in the worker for good; a prebuilt bundle keeps
 * a worker with thousands of parked runs small (docs/benchmarks.md, "Parked runs").
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) hash.update(full).update(readFileSync(full));
    }
  };
  walk(path.join(ROOT, 'workflows'));
  walk(path.join(ROOT, 'lib', 'domain'));
  hash.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The path of a bundle of the current workflow code, building it first when there is none. `tracing`:
 * with OpenTelemetry's workflow interceptors in it (docs/operations.md, "Traces"), a bundle of its own.
 */
export function ensureWorkflowBundle(dataDir: string, options: { tracing?: boolean } = {}): string {
  const kind = options.tracing ? 'workflow-bundle-tracing' : 'workflow-bundle';
  const file = path.join(dataDir, `${kind}-${sourceHash()}.js`);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  const args = [path.join(ROOT, 'scripts', 'bundle-workflows.ts'), ...(options.tracing ? ['--tracing'] : []), file];
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('Bundling the workflow code failed (see above)');
  const pattern = new RegExp(`^${kind}-\\w+\\.js$`);
  for (const old of readdirSync(dataDir).filter((name) => pattern.test(name) && path.join(dataDir, name) !== file)) {
    rmSync(path.join(dataDir, old), { force: true });
  }
  return file;
}
