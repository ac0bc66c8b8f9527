/**
 * A small process manager: starts children in their own process groups, prefixes their output, restarts
 * supervised ones that exit unexpectedly (with back-off, giving up when one keeps failing), and stops every
 * one of them (and their children) on shutdown, escalating to SIGKILL when one does not exit.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export interface RestartPolicy {
  /** restarts allowed within `windowMs` before the group gives up on the process */
  maxRestarts: number;
  windowMs: number;
  /** the first restart waits this long, each further one twice as long, up to `maxDelayMs` */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 5, windowMs: 120_000, baseDelayMs: 1000, maxDelayMs: 30_000 };

export class ProcessGroup {
  private readonly processes: ManagedProcess[] = [];
  private stopping = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  /**
   * Starts a process and starts it again whenever it exits on its own: after 1 s, then 2 s, 4 s … Gives up
   * (and reports the exit as unexpected) when it has been restarted `maxRestarts` times within `windowMs`.
   */
  supervise(name: string, start: () => ChildProcess, policy: RestartPolicy = DEFAULT_RESTART_POLICY): void {
    const restarts: number[] = [];
    const run = () => {
      const managed = this.adopt(name, start(), (code, signal) => {
        const now = Date.now();
        while (restarts.length > 0 && now - restarts[0]! > policy.windowMs) restarts.shift();
        if (restarts.length >= policy.maxRestarts) {
          console.error(`[supervisor] ${name} exited ${describeExit(code, signal)} ${restarts.length + 1} times within ${policy.windowMs / 1000} s; giving up.`);
          return false;
        }
        const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** restarts.length);
        restarts.push(now);
        console.error(`[supervisor] ${name} exited ${describeExit(code, signal)}; restarting in ${delay / 1000} s (restart ${restarts.length} of ${policy.maxRestarts} allowed within ${policy.windowMs / 1000} s).`);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.stopping) run();
        }, delay);
        this.timers.add(timer);
        return true;
      });
      this.forgetExited(managed);
    };
    run();
  }

  /** Drops the earlier processes of this name that have exited. */
  private forgetExited(current: ManagedProcess): void {
    for (let i = this.processes.length - 1; i >= 0; i--) {
      const p = this.processes[i]!;
      if (p !== current && p.name === current.name && (p.child.exitCode !== null || p.child.signalCode !== null)) this.processes.splice(i, 1);
    }
  }

  adopt(name: string, child: ChildProcess, restart?: (code: number | null, signal: NodeJS.Signals | null) => boolean): ManagedProcess {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (line.trim() !== '') console.log(`[${name}] ${line}`);
      });
    }
    let signal: NodeJS.Signals | null = null;
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code, by) => {
        signal = by;
        resolve(code);
      });
      child.once('error', (error) => {
        console.error(`[${name}] could not start: ${error.message}`);
        resolve(-1);
      });
    });
    void exited.then((code) => {
      if (this.stopping) return;
      // Whatever else it started (next's workers, tsx's node) goes with it.
      signalGroup(child, 'SIGKILL');
      if (!restart?.(code, signal)) this.onUnexpectedExit(name, code);
    });
    const managed = { name, child, exited };
    this.processes.push(managed);
    return managed;
  }

  /** SIGTERM to each process group, newest first; SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
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

/** A child in its own process group, its output piped (for `adopt` to prefix). */
export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `on ${signal}` : `with code ${code}`;
}

/** Signals a child's whole process group (tsx and next run the work in children of their own). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
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
