import { describe, expect, it } from 'vitest';
import type { FlowGraph } from '../graph';
import { webhookStepsBefore } from './upstream';

// trigger → a → branch ─yes→ b → merge(wait) → c
//                     └else────────↗
const graph: FlowGraph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'x' } },
    { id: 'a', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'A' } },
    { id: 'br', type: 'branch', position: { x: 0, y: 0 }, data: { branches: [{ id: 'yes', label: 'Yes', condition: { kind: 'field', path: 'Customer.A', op: 'exists' } }] } },
    { id: 'b', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'B' } },
    { id: 'm', type: 'wait', position: { x: 0, y: 0 }, data: { mode: 'duration', seconds: 60 } },
    { id: 'c', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'C' } },
    { id: 'lost', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'L' } },
  ],
  edges: [
    { id: '1', source: 't', target: 'a' },
    { id: '2', source: 'a', target: 'br' },
    { id: '3', source: 'br', target: 'b', sourceHandle: 'yes' },
    { id: '4', source: 'b', target: 'm' },
    { id: '5', source: 'br', target: 'm', sourceHandle: 'else' },
    { id: '6', source: 'm', target: 'c' },
  ],
};
const ids = (nodeId: string) => webhookStepsBefore(graph, nodeId).map((n) => n.id);

describe('webhooks before a step on every path', () => {
  it('offers only what every path ran', () => {
    expect(ids('br')).toEqual(['a']);
    expect(ids('b')).toEqual(['a']);
    expect(ids('m')).toEqual(['a']); // b runs on one path only
    expect(ids('c')).toEqual(['a']);
    expect(ids('a')).toEqual([]);
  });
  it('an unconnected step has nothing before it; a cycle does not hang', () => {
    expect(ids('lost')).toEqual([]);
    const looped = { ...graph, edges: [...graph.edges, { id: '7', source: 'c', target: 'a' }] };
    expect(webhookStepsBefore(looped, 'c').map((n) => n.id)).toContain('a');
  });
});
