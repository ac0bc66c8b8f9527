/**
 * A small process manager: starts children in their own process groups, prefixes their output, and stops
 * every one of them (and their children) on shutdown, escalating to SIGKILL when one does not exit.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export class ProcessGroup {
  private readonly processes: ManagedProcess[] = [];
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return this.adopt(name, child);
  }

  adopt(name: string, child: ChildProcess): ManagedProcess {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (line.trim() !== '') console.log(`[${name}] ${line}`);
      });
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', (error) => {
        console.error(`[${name}] could not start: ${error.message}`);
        resolve(-1);
      });
    });
    void exited.then((code) => {
      if (!this.stopping) this.onUnexpectedExit(name, code);
    });
    const managed = { name, child, exited };
    this.processes.push(managed);
    return managed;
  }

  /** SIGTERM to each process group, newest first; SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const p of [...this.processes].reverse()) {
      signalGroup(p.child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(p.child, 'SIGKILL'), graceMs);
      await p.exited;
      clearTimeout(timer);
      // Grandchildren (next's workers, tsx's node) share the group; make sure none outlive it.
      signalGroup(p.child, 'SIGKILL');
    }
  }

  /** Last resort from a synchronous 'exit' handler. */
  killAllNow(): void {
    for (const p of this.processes) signalGroup(p.child, 'SIGKILL');
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Whether a TCP port can be bound on the loopback and wildcard addresses. */
export async function portIsFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '0.0.0.0']) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, host, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (response.status < 500) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${last})`);
}
