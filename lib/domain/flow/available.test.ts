import { describe, expect, it } from 'vitest';
import type { FlowGraph } from './graph';
import { webhooksAvailableAt } from './compile';
import type { WebhookInfo } from './webhook-catalog';

const info = (id: string): WebhookInfo => ({ id, name: id, systemName: `sys_${id}`, retry: { maxAttempts: 1, windowSeconds: 0 }, readsWebhooks: [], templateErrors: [] });
const webhooks = new Map(['A', 'B', 'C', 'L'].map((id) => [id, info(id)]));

// trigger → a → branch ─yes→ b → merge(wait) → c      (the same webhook A also sits on the else arm as a2)
//                     └else→ a2 ──────────↗
const graph: FlowGraph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'x' } },
    { id: 'a', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'A' } },
    { id: 'br', type: 'branch', position: { x: 0, y: 0 }, data: { branches: [{ id: 'yes', label: 'Yes', condition: { kind: 'field', path: 'Customer.A', op: 'exists' } }] } },
    { id: 'b', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'B' } },
    { id: 'a2', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'B' } },
    { id: 'm', type: 'wait', position: { x: 0, y: 0 }, data: { mode: 'duration', seconds: 60 } },
    { id: 'c', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'C' } },
    { id: 'lost', type: 'webhook', position: { x: 0, y: 0 }, data: { webhookId: 'L' } },
  ],
  edges: [
    { id: '1', source: 't', target: 'a' },
    { id: '2', source: 'a', target: 'br' },
    { id: '3', source: 'br', target: 'b', sourceHandle: 'yes' },
    { id: '4', source: 'b', target: 'm' },
    { id: '5', source: 'br', target: 'a2', sourceHandle: 'else' },
    { id: '6', source: 'a2', target: 'm' },
    { id: '7', source: 'm', target: 'c' },
  ],
};
const at = (nodeId: string, g = graph) => webhooksAvailableAt(g, nodeId, webhooks).sort();

describe('webhooks available at a step (what the variable picker offers, and validation accepts)', () => {
  it('offers what every path ran, by system name', () => {
    expect(at('br')).toEqual(['sys_A']);
    expect(at('b')).toEqual(['sys_A']);
    // B runs on both arms (two steps, one webhook): after the merge it is there on every path.
    expect(at('m')).toEqual(['sys_A', 'sys_B']);
    expect(at('c')).toEqual(['sys_A', 'sys_B']);
    expect(at('a')).toEqual([]);
  });
  it('an unconnected step, a graph without trigger, or a loop offers nothing rather than hanging', () => {
    expect(at('lost')).toEqual([]);
    expect(at('c', { ...graph, nodes: graph.nodes.filter((n) => n.type !== 'trigger') })).toEqual([]);
    expect(at('c', { ...graph, edges: [...graph.edges, { id: '8', source: 'c', target: 'a' }] })).toEqual([]);
  });
});
