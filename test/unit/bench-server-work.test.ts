import { describe, expect, it } from 'vitest';
import { parseServerCounters, serverWork } from '../../bench/server-work';

const scrape = (writes: number, reads: number, histories: number, bytes: number) => `# HELP persistence_requests Persistence requests
# TYPE persistence_requests counter
persistence_requests{namespace="default",operation="UpdateWorkflowExecution",service_name="history"} ${writes}
persistence_requests{namespace="default",operation="CreateWorkflowExecution",service_name="history"} ${writes / 2}
persistence_requests{operation="GetNamespace",service_name="frontend"} ${reads}
task_requests{archetype="workflow",operation="TransferActiveTaskWorkflowTask",task_type="TransferActiveTaskWorkflowTask"} ${histories}
history_size_bucket{operation="CompletionStats",le="1024"} 3
history_size_sum{operation="CompletionStats",service_name="history"} ${bytes}
history_size_count{operation="CompletionStats",service_name="history"} ${histories}
service_requests{operation="StartWorkflowExecution"} 99
`;

describe('the Temporal server work per event', () => {
  it('sums counters by name and operation, ignoring other labels, buckets and counters it does not use', () => {
    const counters = parseServerCounters(scrape(10, 4, 2, 4096));
    expect(counters.get('persistence_requests/UpdateWorkflowExecution')).toBe(10);
    expect(counters.get('persistence_requests/GetNamespace')).toBe(4);
    expect(counters.get('history_size_sum/CompletionStats')).toBe(4096);
    expect([...counters.keys()].some((key) => key.startsWith('service_requests') || key.startsWith('history_size_bucket'))).toBe(false);
  });

  it('divides what changed between two readings by the events, and the history bytes by the finished runs', () => {
    const work = serverWork(parseServerCounters(scrape(10, 4, 2, 4096)), parseServerCounters(scrape(50, 24, 12, 24_096)), 10);
    // writes: 40 updates + 20 creates; reads: 20 GetNamespace; tasks: 10; history: 20,000 bytes over 10 runs
    expect(work).toEqual({ persistenceWrites: 6, persistenceReads: 2, historyTasks: 1, historyBytesPerRun: 2000 });
  });

  it('reports no history size when no run finished in between', () => {
    const same = parseServerCounters(scrape(10, 4, 2, 4096));
    expect(serverWork(same, same, 5).historyBytesPerRun).toBe(0);
  });
});
