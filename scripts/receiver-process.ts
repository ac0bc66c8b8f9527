/** A loopback receiver in its own process, so that its arrival timestamps are not delayed by test work. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ReceivedRequest, ReceiverResponse } from './receiver';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface ReceiverProcess {
  url: string;
  /** for benchmarks that account the receiver's CPU and memory */
  pid: number;
  requests(): Promise<ReceivedRequest[]>;
  /** arrival times of the requests from index `from` on, each with the `key` field of its JSON body */
  arrivals(from: number, key: string): Promise<{ id: string | null; at: number }[]>;
  respondWith(response: ReceiverResponse): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiverProcess(): Promise<ReceiverProcess> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/receiver.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`receiver did not start: ${text}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      text += chunk;
      const match = /listening on (\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return {
    url,
    pid: child.pid!,
    requests: async () => (await (await fetch(`${url}/__receiver/requests`)).json()) as ReceivedRequest[],
    arrivals: async (from, key) =>
      (await (await fetch(`${url}/__receiver/arrivals?from=${from}&key=${encodeURIComponent(key)}`)).json()) as { id: string | null; at: number }[],
    respondWith: async (response) => {
      await fetch(`${url}/__receiver/respond`, { method: 'PUT', body: JSON.stringify(response) });
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
