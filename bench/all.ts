/**
 * `npm run bench`: every benchmark in turn, each in its own process, all of them even when one misses its
 * target; exits non-zero when any did, after a line per benchmark.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BENCHMARKS = ['rate-limit', 'canvas', 'throughput', 'logs'];

const results = BENCHMARKS.map((name) => {
  console.log(`\n=== npm run bench:${name}\n`);
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, `bench/${name}.ts`)], { cwd: ROOT, stdio: 'inherit' });
  return { name, ok: run.status === 0, status: run.status ?? run.signal };
});
console.log(`\n${results.map((r) => `- ${r.ok ? '✓' : '✗'} bench:${r.name}${r.ok ? '' : ` (exit ${r.status})`}`).join('\n')}`);
if (results.some((r) => !r.ok)) process.exitCode = 1;
