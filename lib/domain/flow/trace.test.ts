import { describe, expect, it } from 'vitest';
import type { PlanNode } from './plan';
import { nodesAfter, stepCountRows, walkTail } from './trace';

const nodes: Record<string, PlanNode> = {
  w1: { kind: 'webhook', id: 'w1', webhookId: 'x', systemName: 'crm', retry: { maxAttempts: 1, windowSeconds: 0 }, next: 'b1' },
  b1: {
    kind: 'branch',
    id: 'b1',
    branches: [{ id: 'ok', label: 'OK', condition: { kind: 'webhook', webhook: 'crm', outcome: 'succeeded' }, next: 'b2' }],
    elseNext: 'end1',
  },
  b2: { kind: 'branch', id: 'b2', branches: [{ id: 'vip', label: 'VIP', condition: { kind: 'field', path: 'Customer.Tier', op: 'eq', value: 'vip' }, next: 'end2' }], elseNext: null },
  end1: { kind: 'end', id: 'end1' },
  end2: { kind: 'end', id: 'end2' },
  w2: { kind: 'webhook', id: 'w2', webhookId: 'y', systemName: 'other', retry: { maxAttempts: 1, windowSeconds: 0 }, next: null },
};

describe('the run trace', () => {
  it('finds the steps after a last webhook step', () => {
    expect(Object.keys(nodesAfter(nodes, nodes.w1!)).sort()).toEqual(['b1', 'b2', 'end1', 'end2']);
  });

  it('walks branches on the context, as the workflow will', () => {
    const start = { path: ['w1'], outputs: {}, failed: [] };
    const ok = walkTail(nodes, 'b1', { Customer: { Tier: 'vip' }, Webhooks: { crm: { Ok: true } } }, start);
    expect(ok).toEqual({ path: ['w1', 'b1', 'b2', 'end2'], outputs: { b1: 'ok', b2: 'vip' }, failed: [] });
    const failed = walkTail(nodes, 'b1', { Customer: {}, Webhooks: { crm: { Ok: false } } }, { ...start, failed: ['w1'] });
    expect(failed).toEqual({ path: ['w1', 'b1', 'end1'], outputs: { b1: 'else' }, failed: ['w1'] });
    // The trace it started from is not changed.
    expect(start.path).toEqual(['w1']);
  });

  it('stops at a step with I/O or one that is missing', () => {
    expect(walkTail(nodes, 'w2', {}, { path: [], outputs: {}, failed: [] }).path).toEqual([]);
    expect(walkTail(nodes, 'gone', {}, { path: [], outputs: {}, failed: [] }).path).toEqual([]);
  });

  it('counts a completed run: the run, each step, failed webhooks, and branch outputs', () => {
    expect(stepCountRows({ path: ['w1', 'b1', 'end1'], outputs: { b1: 'else' }, failed: ['w1'] }, 'completed')).toEqual([
      { nodeId: '', output: '', entered: 1, succeeded: 1, failed: 0 },
      { nodeId: 'w1', output: '', entered: 1, succeeded: 0, failed: 1 },
      { nodeId: 'b1', output: '', entered: 1, succeeded: 1, failed: 0 },
      { nodeId: 'end1', output: '', entered: 1, succeeded: 1, failed: 0 },
      { nodeId: 'b1', output: 'else', entered: 1, succeeded: 1, failed: 0 },
    ]);
  });

  it('counts a failed or cancelled run as failed on the step it stopped at', () => {
    const rows = stepCountRows({ path: ['w1', 'w2'], outputs: {}, failed: [] }, 'cancelled');
    expect(rows[0]).toMatchObject({ nodeId: '', succeeded: 0, failed: 1 });
    expect(rows.find((r) => r.nodeId === 'w1')).toMatchObject({ succeeded: 1, failed: 0 });
    expect(rows.find((r) => r.nodeId === 'w2')).toMatchObject({ succeeded: 0, failed: 1 });
  });
});
