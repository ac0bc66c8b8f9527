/**
 * Real worker processes (scripts/worker.ts), as `npm run worker` runs them. The caller passes
 * TEMPORAL_ADDRESS, DATABASE_URL, HOOKFLOW_TASK_QUEUE and (optionally) HOOKFLOW_WORKFLOW_BUNDLE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopGroup } from './processes';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** `script`: another worker entry point (relative to the project), such as a test's paused worker. */
export async function startWorkerProcess(env: Record<string, string>, script = 'scripts/worker.ts'): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOOKFLOW_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      HOOKFLOW_DISPATCH_INTERVAL_MS: '60000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${text}`)), 60_000);
    const poll = setInterval(() => {
      if (text.includes('polling task queue')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`worker exited:\n${text}`));
      }
    }, 100);
  });
  return {
    child,
    output: () => text,
    stop: () => stopGroup(child),
  };
}

/** The most requests any one-second window [t, t + 1000 ms) holds. */
export function maxInAnySecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
