import { describe, expect, it } from 'vitest';
import type { FlowEdge, FlowNode } from '../../../lib/domain/flow/graph';
import { checkConnection } from './connections';

const nodes: FlowNode[] = [
  { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'a' } },
  { id: 'a', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: '1' } },
  { id: 'b', type: 'branch', position: { x: 0, y: 0 }, data: { branches: [{ id: 'vip', label: 'VIP', condition: { kind: 'field', path: 'Customer.Tier', op: 'exists' } }] } },
  { id: 'c', type: 'wait', position: { x: 0, y: 0 }, data: { mode: 'duration', seconds: 60 } },
  { id: 'z', type: 'end', position: { x: 0, y: 0 } },
];
const edges: FlowEdge[] = [
  { id: '1', source: 't', target: 'a' },
  { id: '2', source: 'a', target: 'b' },
  { id: '3', source: 'b', target: 'c', sourceHandle: 'vip' },
];
const check = (source: string, target: string, sourceHandle: string | null = null) => checkConnection({ nodes, edges }, { source, target, sourceHandle });

describe('connection rules', () => {
  it('allows a free output into any step but the trigger', () => {
    expect(check('c', 'z')).toEqual({ ok: true });
    expect(check('b', 'z', 'else')).toEqual({ ok: true });
  });
  it('refuses cycles, direct and long', () => {
    expect(check('c', 'a')).toMatchObject({ ok: false, reason: expect.stringContaining('loop') });
    expect(check('b', 'a', 'else')).toMatchObject({ ok: false, reason: expect.stringContaining('loop') });
    expect(check('a', 'a')).toMatchObject({ ok: false, reason: expect.stringContaining('itself') });
  });
  it('refuses a second edge on one output', () => {
    expect(check('b', 'z', 'vip')).toMatchObject({ ok: false, reason: expect.stringContaining('already leads') });
    expect(check('a', 'z')).toMatchObject({ ok: false, reason: expect.stringContaining('already leads') });
  });
  it('refuses input on a trigger, output from an End, and unknown handles or steps', () => {
    expect(check('c', 't')).toMatchObject({ ok: false, reason: expect.stringContaining('trigger') });
    expect(check('z', 'c')).toMatchObject({ ok: false, reason: expect.stringContaining('End') });
    expect(check('b', 'z', 'gold')).toMatchObject({ ok: false, reason: expect.stringContaining('output') });
    expect(check('c', 'nope')).toMatchObject({ ok: false });
  });
  it('a merge (two paths into one step) is fine', () => {
    expect(checkConnection({ nodes, edges: [...edges, { id: '4', source: 'c', target: 'z' }] }, { source: 'b', target: 'z', sourceHandle: 'else' })).toEqual({ ok: true });
  });
});
