import { describe, expect, it } from 'vitest';
import { compileFlow } from './compile';
import type { WebhookInfo } from './webhook-catalog';
import type { FlowGraph } from './graph';

const p = { x: 0, y: 0 };
const webhook = (id: string, systemName: string, readsWebhooks: string[] = [], templateErrors: string[] = []): WebhookInfo => ({
  id,
  name: systemName,
  systemName,
  retry: { maxAttempts: 4, windowSeconds: 360 },
  readsWebhooks,
  templateErrors,
});
const catalog = new Map<string, WebhookInfo>([
  ['w-crm', webhook('w-crm', 'crm_lookup')],
  ['w-mail', webhook('w-mail', 'send_mail', ['crm_lookup'])],
  ['w-bad', webhook('w-bad', 'broken', [], ['Body, line 2: unexpected token'])],
]);

function graph(nodes: FlowGraph['nodes'], edges: [string, string, string?][]): FlowGraph {
  return { nodes, edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, sourceHandle })) };
}
const trigger = (id = 't'): FlowGraph['nodes'][number] => ({ id, type: 'trigger', position: p, data: { eventType: 'order.placed' } });
const hook = (id: string, webhookId: string): FlowGraph['nodes'][number] => ({ id, type: 'webhook', position: p, data: { webhookId } });
const end = (id: string): FlowGraph['nodes'][number] => ({ id, type: 'end', position: p, data: {} });
const branch = (id: string): FlowGraph['nodes'][number] => ({
  id,
  type: 'branch',
  position: p,
  data: { branches: [{ id: 'gold', label: 'Gold', condition: { kind: 'field', path: 'Webhooks.crm_lookup.Fields.tier', op: 'eq', value: 'gold' } }] },
});

function problems(g: FlowGraph) {
  const result = compileFlow(g, catalog);
  return result.ok ? [] : result.problems;
}

describe('compileFlow', () => {
  it('compiles a valid graph to a plan', () => {
    const result = compileFlow(
      graph([trigger(), hook('a', 'w-crm'), branch('b'), hook('c', 'w-mail'), end('x'), end('y')], [['t', 'a'], ['a', 'b'], ['b', 'c', 'gold'], ['b', 'y', 'else'], ['c', 'x']]),
      catalog,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.entry).toBe('a');
    expect(result.plan.nodes.a).toMatchObject({ kind: 'webhook', systemName: 'crm_lookup', next: 'b', retry: { maxAttempts: 4 } });
    expect(result.plan.nodes.b).toMatchObject({ kind: 'branch', branches: [{ id: 'gold', next: 'c' }], elseNext: 'y' });
  });

  it('rejects a cycle, on the edge that closes it', () => {
    const found = problems(graph([trigger(), hook('a', 'w-crm'), hook('b', 'w-crm')], [['t', 'a'], ['a', 'b'], ['b', 'a']]));
    expect(found).toContainEqual(expect.objectContaining({ edgeId: 'e2', message: expect.stringContaining('loop') }));
  });

  it('rejects dangling edges', () => {
    const found = problems(graph([trigger(), end('x')], [['t', 'x'], ['x', 'ghost']]));
    expect(found).toContainEqual(expect.objectContaining({ edgeId: 'e1', message: expect.stringContaining('no longer exists') }));
  });

  it('rejects duplicate edges and two edges from one output', () => {
    const dup = problems(graph([trigger(), end('x'), end('y')], [['t', 'x'], ['t', 'x']]));
    expect(dup).toContainEqual(expect.objectContaining({ edgeId: 'e1', message: expect.stringContaining('twice') }));
    const fan = problems(graph([trigger(), end('x'), end('y')], [['t', 'x'], ['t', 'y']]));
    expect(fan).toContainEqual(expect.objectContaining({ edgeId: 'e1', message: expect.stringContaining('only one next step') }));
  });

  it('rejects unreachable nodes, on each node', () => {
    const found = problems(graph([trigger(), end('x'), hook('lost', 'w-crm')], [['t', 'x']]));
    expect(found).toEqual([expect.objectContaining({ nodeId: 'lost', message: expect.stringContaining('can never run') })]);
  });

  it('rejects a branch whose else output is not connected', () => {
    const found = problems(graph([trigger(), hook('a', 'w-crm'), branch('b'), end('x')], [['t', 'a'], ['a', 'b'], ['b', 'x', 'gold']]));
    expect(found).toContainEqual(expect.objectContaining({ nodeId: 'b', message: expect.stringContaining('Else') }));
  });

  it('rejects a reference to a webhook that does not exist', () => {
    const found = problems(graph([trigger(), hook('a', 'w-gone')], [['t', 'a']]));
    expect(found).toContainEqual(expect.objectContaining({ nodeId: 'a', message: expect.stringContaining('no longer exists') }));
  });

  it('rejects a variable from a webhook that does not run before the node on every path', () => {
    // send_mail reads crm_lookup, but on the else path crm_lookup never ran.
    const g = graph(
      [
        trigger(),
        { id: 'b0', type: 'branch', position: p, data: { branches: [{ id: 'vip', label: 'VIP', condition: { kind: 'field', path: 'Customer.Tier', op: 'eq', value: 'vip' } }] } },
        hook('crm', 'w-crm'),
        hook('mail', 'w-mail'),
      ],
      [['t', 'b0'], ['b0', 'crm', 'vip'], ['b0', 'mail', 'else'], ['crm', 'mail']],
    );
    expect(problems(g)).toEqual([expect.objectContaining({ nodeId: 'mail', message: expect.stringContaining('does not run before this step on every path') })]);
    // A branch reading a webhook that runs later is the same problem.
    const later = graph([trigger(), branch('b'), hook('a', 'w-crm'), end('x')], [['t', 'b'], ['b', 'a', 'gold'], ['b', 'x', 'else']]);
    expect(problems(later)).toContainEqual(expect.objectContaining({ nodeId: 'b', message: expect.stringContaining('crm_lookup') }));
  });

  it('reports template errors on the node that sends the webhook', () => {
    const found = problems(graph([trigger(), hook('a', 'w-bad')], [['t', 'a']]));
    expect(found).toEqual([expect.objectContaining({ nodeId: 'a', message: expect.stringContaining('unexpected token') })]);
  });

  it('rejects two triggers, and a flow without one', () => {
    expect(problems(graph([trigger('t'), trigger('t2'), end('x')], [['t', 'x'], ['t2', 'x']]))).toContainEqual(
      expect.objectContaining({ nodeId: 't2', message: expect.stringContaining('exactly one trigger') }),
    );
    expect(problems(graph([end('x')], []))).toContainEqual(expect.objectContaining({ message: expect.stringContaining('Add a trigger') }));
  });

  it('returns every problem at once', () => {
    const found = problems(graph([trigger(), hook('a', 'w-gone'), branch('b'), hook('lost', 'w-crm')], [['t', 'a'], ['a', 'b'], ['b', 'zzz']]));
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  it('rejects a malformed graph with the node it concerns', () => {
    const result = compileFlow({ nodes: [{ id: 'w', type: 'wait', position: p, data: { mode: 'duration', seconds: -5 } }], edges: [] }, catalog);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ nodeId: 'w' });
  });
});

describe('settings problems in words', () => {
  const data = (nodeData: unknown) => ({ nodes: [trigger(), { id: 'x', type: 'branch', position: p, data: nodeData }], edges: [] });
  const messages = (input: unknown) => {
    const result = compileFlow(input, catalog);
    return result.ok ? [] : result.problems.map((problem) => problem.message);
  };

  it('name the field by its label and never show a data path', () => {
    const found = [
      ...messages(data({ branches: [{ id: 'b1', label: 'Gold', condition: { kind: 'field', path: 'Customer.', op: 'eq', value: 'gold' } }] })),
      ...messages(data({ branches: [{ id: 'b1', label: 'Ok', condition: { kind: 'group', combinator: 'and', conditions: [{ kind: 'status', webhook: 'crm_lookup', op: 'in_range', min: 10, max: 300 }] } }] })),
      ...messages({ nodes: [trigger(), { id: 'w', type: 'wait', position: p, data: { mode: 'duration', seconds: 6.5 } }], edges: [] }),
      ...messages({ nodes: [trigger(), { id: 'w', type: 'wait', position: p, data: { mode: 'until', time: '9', timeZone: 'UTC' } }], edges: [] }),
      ...messages({ nodes: [trigger(), { id: 'w', type: 'wait', position: p, data: { mode: 'duration' } }], edges: [] }),
    ];
    expect(found).toEqual([
      'Output 1 condition, variable: enter a variable, like Customer.Tier or Webhooks.crm.Fields.tier',
      'Output 1 condition, part 1, status: an HTTP status is between 100 and 599',
      'Wait: use whole seconds (0.5 minutes is 30 seconds)',
      'Time: enter a time of day, like 09:30',
      'Wait: enter how long',
    ]);
    for (const message of found) expect(message).not.toMatch(/data\.|branches\.\d|Invalid input/);
  });
});
