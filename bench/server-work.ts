/**
 * What the Temporal server did per event, read from its own Prometheus metrics (`temporal server start-dev
 * --metrics-port`): persistence reads and writes, history tasks, and the size of a finished run's history.
 * CPU says how much each side costs the server; these say whether it did more work or the same work on more
 * bytes.
 */

/** Counters summed by metric name and `operation` label (other labels, such as namespace, are dropped). */
export type ServerCounters = Map<string, number>;

const COUNTED = new Set(['persistence_requests', 'task_requests', 'history_size_sum', 'history_size_count']);

export async function readServerCounters(metricsUrl: string): Promise<ServerCounters> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return parseServerCounters(await response.text());
}

export function parseServerCounters(text: string): ServerCounters {
  const counters: ServerCounters = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || !COUNTED.has(match[1]!)) continue;
    const operation = /(?:^|[{,])operation="([^"]*)"/.exec(match[2] ?? '')?.[1] ?? '';
    const key = `${match[1]}/${operation}`;
    counters.set(key, (counters.get(key) ?? 0) + Number(match[3]));
  }
  return counters;
}

/** Per event, between two readings. */
export interface ServerWork {
  persistenceWrites: number;
  persistenceReads: number;
  historyTasks: number;
  /** bytes of a run's history when it finished, as the server recorded it */
  historyBytesPerRun: number;
}

/** Operations that change rows; every other persistence operation (Get, Read, List) only reads. */
const WRITE = /^(Create|Update|Delete|Complete|RangeComplete|Append|Upsert|Insert|Put|Set|Conflict|Lease)/;

export function serverWork(before: ServerCounters, after: ServerCounters, events: number): ServerWork {
  let persistenceWrites = 0;
  let persistenceReads = 0;
  let historyTasks = 0;
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    const [name, operation] = key.split('/') as [string, string];
    if (name === 'persistence_requests') {
      if (WRITE.test(operation)) persistenceWrites += delta;
      else persistenceReads += delta;
    } else if (name === 'task_requests') historyTasks += delta;
  }
  const completed = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const runs = completed('history_size_count/CompletionStats');
  return {
    persistenceWrites: persistenceWrites / events,
    persistenceReads: persistenceReads / events,
    historyTasks: historyTasks / events,
    historyBytesPerRun: runs > 0 ? completed('history_size_sum/CompletionStats') / runs : 0,
  };
}
