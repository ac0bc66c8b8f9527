/**
 * A bench helper process: a tsx child that prints `ready` once started, then answers each job written to
 * its stdin as one JSON line with one line on its stdout. The scale-out matrix drives its slot clients
 * (./limiter-client.ts) and the task-queue baseline's activity workers (./taskqueue-limit/worker.ts) this way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface JobProcess {
  child: ChildProcess;
  /** writes a job, resolves with the line that answers it */
  send(job: object): Promise<string>;
  /** closes its stdin and waits for it to exit, killing it after `killAfterMs` */
  stop(): Promise<void>;
}

export async function startJobProcess(script: string, env: Record<string, string>, name: string, killAfterMs = 5_000): Promise<JobProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await Promise.race([
    next(),
    new Promise<string>((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)))),
  ]);
  if (ready !== 'ready') throw new Error(`${name} said ${ready} instead of ready`);
  return {
    child,
    send: (job) => {
      const answer = next();
      child.stdin!.write(`${JSON.stringify(job)}\n`);
      return answer;
    },
    stop: async () => {
      // Already gone (a test may have killed it): there is no exit left to wait for.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
