/** Starts the baseline worker (bench/baseline/worker.ts) in its own process group, once it polls its task queue. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function startBaselineWorker(address: string, taskQueue: string): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'bench/baseline/worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: address, BASELINE_TASK_QUEUE: taskQueue },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: worker.stdout! }).on('line', (line) => line.includes('baseline worker ready') && resolve());
    worker.once('exit', (code) => reject(new Error(`the baseline worker exited (code ${code})`)));
  });
  return worker;
}
