/**
 * The scale-out shape, short enough for CI: `bench/scale-out.ts` with 200 events instead of 2,000. Postgres,
 * one Temporal dev server, two `next start` web processes and two workers, each started the production
 * way; events round-robin to both web processes, to integrations limited to 20/s and 5/s; one worker
 * killed with SIGKILL mid-run. Every event must be delivered, every run completed exactly once, no
 * second at the receiver above either limit, and a request sent twice only with its one TransactionalId.
 * `npm run bench:scale-out` runs the full 2,000 (docs/benchmarks.md, "Scale-out").
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER = process.env.HOOKFLOW_TEST_POSTGRES_URL;
if (!SERVER && process.env.CI) throw new Error('HOOKFLOW_TEST_POSTGRES_URL is not set: .ci/run starts Postgres and sets it');

describe.skipIf(!SERVER)('scale-out on Postgres', () => {
  it('two web and two worker processes, a worker killed mid-run: 200 events delivered once each, within both limits', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/scale-out.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        SCALE_EVENTS: '200',
        SCALE_KILL_AFTER_MS: '3000',
        // As in rate-limit.test.ts: the receiver shares the CI cores and stamps arrivals later than any sender sees.
        HOOKFLOW_RATE_LIMIT_JITTER_MS: '150',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const rows = output.split('\n').filter((line) => /^\| (events|runs|busiest|requests sent twice)/.test(line));
    // Every check is printed with its verdict; a failed one names itself in the assertion.
    expect(rows.map((row) => row.split('|')[1]!.trim())).toEqual([
      'events accepted',
      'events delivered (distinct at the receiver)',
      'runs in the database / completed',
      'busiest second, fast integration (limit 20/s)',
      'busiest second, slow integration (limit 5/s)',
      'requests sent twice after the kill, each with one TransactionalId',
    ]);
    expect(rows.filter((row) => !row.trimEnd().endsWith('✓ |')), output.slice(-3000)).toEqual([]);
    expect(output).toContain('| events delivered (distinct at the receiver) | 200 of 200 |');
    expect(output).toContain('| runs in the database / completed | 200 / 200 |');
    expect(code).toBe(0);
  }, 600_000);
});
