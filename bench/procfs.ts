/**
 * CPU time and memory of process trees, read from /proc (Linux). tsx and next run the real work in child
 * processes, so every figure covers a process and all its descendants, found through their parent pids.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcessStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of its children that exited (and were reaped) */
  ticks: number;
}

function readStat(pid: number): ProcessStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses; the fields after it start behind the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime, stime, cutime and cstime are fields 14 to 17.
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null; // exited while we looked
  }
}

function allProcesses(): ProcessStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcessStat => stat !== null);
}

function tree(root: number, processes: ProcessStat[]): ProcessStat[] {
  const members = processes.filter((p) => p.pid === root);
  for (let i = 0; i < members.length; i++) members.push(...processes.filter((p) => p.ppid === members[i]!.pid));
  return members;
}

/** CPU seconds (user + system) each named process tree has used so far. */
export function cpuSeconds(roots: Record<string, number>): Record<string, number> {
  const processes = allProcesses();
  return Object.fromEntries(Object.entries(roots).map(([name, pid]) => [name, tree(pid, processes).reduce((sum, p) => sum + p.ticks, 0) / TICKS_PER_SECOND]));
}

/** A `/proc/<pid>/status` memory field (VmRSS: now, VmHWM: peak) summed over a process tree, in MB. */
export function memoryMb(root: number, field: 'VmRSS' | 'VmHWM'): number {
  let kb = 0;
  for (const { pid } of tree(root, allProcesses())) {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // exited while we looked
    }
  }
  return kb / 1024;
}

/** Resets VmHWM (peak RSS) to the current RSS for a process tree, so a peak covers only what follows. */
export function resetPeakMemory(root: number): void {
  for (const { pid } of tree(root, allProcesses())) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // exited while we looked
    }
  }
}
