import { describe, expect, it } from 'vitest';
import type { FlowGraph } from '../../../lib/domain/flow/graph';
import { createEditorStore, COALESCE_MS } from './store';

const graph = (): FlowGraph => ({
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'order.placed' } },
    { id: 'w', type: 'webhook', position: { x: 0, y: 150 }, data: { webhookId: 'wh1' } },
    { id: 'e', type: 'end', position: { x: 0, y: 300 } },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'w', sourceHandle: null },
    { id: 'e2', source: 'w', target: 'e', sourceHandle: null },
  ],
});

function setup(initial = graph()) {
  let clock = 0;
  let n = 0;
  const store = createEditorStore(initial, { eventType: 'order.placed', newId: (kind) => `${kind}-${++n}`, now: () => clock });
  return { store, s: () => store.getState(), tick: (ms: number) => (clock += ms) };
}

describe('editor store', () => {
  it('adds a step after the selected one on its first free output and selects it', () => {
    const { s } = setup();
    const id = s().addNode('wait', { x: 10, y: 450 }, { connectFrom: 'e' });
    expect(s().edges.some((e) => e.target === id)).toBe(false); // End has no output
    const branch = s().addNode('branch', { x: 0, y: 600 });
    const after = s().addNode('end', { x: 0, y: 700 }, { connectFrom: branch });
    expect(s().edges.find((e) => e.target === after)).toMatchObject({ source: branch, sourceHandle: 'b1' });
    const second = s().addNode('end', { x: 100, y: 700 }, { connectFrom: branch });
    expect(s().edges.find((e) => e.target === second)).toMatchObject({ source: branch, sourceHandle: 'else' });
    expect(s().nodes.filter((n) => n.selected).map((n) => n.id)).toEqual([second]);
  });

  it('a step dropped on a connection is inserted into it', () => {
    const { s } = setup();
    const id = s().addNode('wait', { x: 0, y: 75 }, { intoEdge: 'e1' });
    const edges = s().graph().edges.map((e) => `${e.source}>${e.target}`);
    expect(edges).toEqual(['w>e', `t>${id}`, `${id}>w`]);
  });

  it('an End dropped on a connection is only placed: it has no output to carry the rest of the flow', () => {
    const { s } = setup();
    const id = s().addNode('end', { x: 0, y: 75 }, { intoEdge: 'e2' });
    expect(s().graph().edges.map((e) => `${e.source}>${e.target}`)).toEqual(['t>w', 'w>e']);
    expect(s().nodes.some((n) => n.id === id)).toBe(true);
  });

  it('refuses connections that break the rules and makes the ones that keep them', () => {
    const { s } = setup();
    expect(s().connect({ source: 'e', target: 'w' })).toMatchObject({ ok: false });
    const wait = s().addNode('wait', { x: 0, y: 500 });
    expect(s().connect({ source: wait, target: 't' })).toEqual({ ok: false, reason: expect.stringContaining('trigger') });
    expect(s().connect({ source: 'w', target: wait })).toEqual({ ok: false, reason: expect.stringContaining('already leads') });
    expect(s().connect({ source: wait, target: 'w' })).toEqual({ ok: true });
    expect(s().edges.filter((e) => e.source === wait)).toHaveLength(1);
  });

  it('points an output at another step, or at nothing, as one undo step, under the connection rules', () => {
    const { s } = setup();
    const wait = s().addNode('wait', { x: 0, y: 450 });
    // Rewire the webhook's output from the End to the new wait: the old connection goes.
    expect(s().setConnection('w', null, wait)).toEqual({ ok: true });
    expect(s().edges.filter((e) => e.source === 'w').map((e) => e.target)).toEqual([wait]);
    // A loop is refused and changes nothing.
    expect(s().setConnection(wait, null, 't')).toMatchObject({ ok: false });
    expect(s().setConnection(wait, null, 'w')).toMatchObject({ ok: false, reason: expect.stringContaining('loop') });
    expect(s().edges.some((e) => e.source === wait)).toBe(false);
    expect(s().setConnection('w', null, null)).toEqual({ ok: true });
    expect(s().edges.some((e) => e.source === 'w')).toBe(false);
    s().undo();
    expect(s().edges.filter((e) => e.source === 'w').map((e) => e.target)).toEqual([wait]);
    s().undo();
    expect(s().edges.filter((e) => e.source === 'w').map((e) => e.target)).toEqual(['e']);
  });

  it('moves the selection by keyboard; quick repeats are one undo step', () => {
    const { s, tick } = setup();
    expect(s().moveSelection(10, 0)).toBe(0);
    s().select(['w']);
    s().moveSelection(10, 0);
    tick(100);
    s().moveSelection(0, 50);
    expect(s().nodes.find((n) => n.id === 'w')!.position).toEqual({ x: 10, y: 200 });
    s().undo();
    expect(s().nodes.find((n) => n.id === 'w')!.position).toEqual({ x: 0, y: 150 });
  });

  it('undo and redo a move: a whole drag is one step', () => {
    const { s } = setup();
    s().onNodesChange([{ type: 'position', id: 'w', position: { x: 10, y: 160 }, dragging: true }]);
    s().onNodesChange([{ type: 'position', id: 'w', position: { x: 50, y: 200 }, dragging: true }]);
    s().onNodesChange([{ type: 'position', id: 'w', position: { x: 80, y: 240 }, dragging: false }]);
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().nodes.find((n) => n.id === 'w')!.position).toEqual({ x: 0, y: 150 });
    s().redo();
    expect(s().nodes.find((n) => n.id === 'w')!.position).toEqual({ x: 80, y: 240 });
    // A second drag is its own step.
    s().onNodesChange([{ type: 'position', id: 'w', position: { x: 90, y: 250 }, dragging: false }]);
    expect(s().past).toHaveLength(2);
  });

  it('undo covers edits, deletes and relayout; a new change clears redo', () => {
    const { s, tick } = setup();
    s().updateNodeData('t', { eventType: 'order.paid' });
    tick(COALESCE_MS + 1);
    s().select(['w']);
    s().deleteSelection();
    expect(s().nodes.map((n) => n.id)).toEqual(['t', 'e']);
    expect(s().edges).toHaveLength(0);
    s().tidy();
    s().undo(); // tidy
    s().undo(); // delete
    expect(s().nodes.map((n) => n.id)).toEqual(['t', 'w', 'e']);
    expect(s().edges).toHaveLength(2);
    s().undo(); // edit
    expect(s().nodes[0]!.data).toEqual({ eventType: 'order.placed' });
    s().redo();
    expect(s().future).toHaveLength(2);
    s().addNode('end', { x: 0, y: 0 });
    expect(s().future).toHaveLength(0);
  });

  it('typing into one field quickly is one undo step; deleting a step and its connections is one', () => {
    const { s, tick } = setup();
    for (const type of ['o', 'or', 'ord']) {
      s().updateNodeData('t', { eventType: type });
      tick(100);
    }
    expect(s().past).toHaveLength(1);
    s().onNodesChange([{ type: 'remove', id: 'w' }]);
    s().onEdgesChange([{ type: 'remove', id: 'e1' }, { type: 'remove', id: 'e2' }]);
    expect(s().past).toHaveLength(2);
    s().undo();
    expect(s().graph().nodes).toHaveLength(3);
    expect(s().graph().edges).toHaveLength(2);
  });

  it('removing a branch condition removes the connection from its output', () => {
    const { s } = setup();
    const branch = s().addNode('branch', { x: 0, y: 500 });
    s().addNode('end', { x: 0, y: 600 }, { connectFrom: branch });
    expect(s().edges.filter((e) => e.source === branch)).toHaveLength(1);
    s().updateNodeData(branch, { branches: [] });
    expect(s().edges.filter((e) => e.source === branch)).toHaveLength(0);
  });

  it('pastes copies with fresh ids, inner connections and centred on the given point, never stacked', () => {
    const { s } = setup();
    s().select(['t', 'w', 'e']);
    expect(s().copySelection()).toBe(2); // the trigger is not copied
    expect(s().paste({ x: 1000, y: 1000 })).toBe(2);
    const pasted = s().nodes.filter((n) => n.selected);
    expect(pasted.map((n) => n.id)).toEqual(['webhook-1', 'end-2']);
    // centre of the copied box (0..220, 150..372) is (110, 261); moved to (1000, 1000)
    expect(pasted.map((n) => n.position)).toEqual([{ x: 890, y: 889 }, { x: 890, y: 1039 }]);
    expect(s().edges.at(-1)).toMatchObject({ source: 'webhook-1', target: 'end-2' });
    s().paste({ x: 1000, y: 1000 });
    expect(s().nodes.filter((n) => n.selected).map((n) => n.position)).toEqual([{ x: 914, y: 913 }, { x: 914, y: 1063 }]);
    s().undo();
    s().undo();
    expect(s().nodes).toHaveLength(3);
  });

  it('duplicates the selection next to itself', () => {
    const { s } = setup();
    s().select(['w']);
    expect(s().duplicateSelection()).toBe(1);
    const copy = s().nodes.find((n) => n.selected)!;
    expect(copy.id).not.toBe('w');
    expect(copy.position).toEqual({ x: 40, y: 190 });
    expect(copy.data).toEqual({ webhookId: 'wh1' });
  });

  it('tidy up lays steps out top to bottom with branch outputs left to right', () => {
    const { s } = setup({
      nodes: [
        { id: 't', type: 'trigger', position: { x: 500, y: 500 }, data: { eventType: 'x' } },
        { id: 'b', type: 'branch', position: { x: -300, y: 20 }, data: { branches: [{ id: 'yes', label: 'Yes', condition: { kind: 'field', path: 'Customer.A', op: 'exists' } }] } },
        { id: 'else', type: 'end', position: { x: 0, y: 0 } },
        { id: 'yes', type: 'end', position: { x: 900, y: 0 } },
      ],
      edges: [
        { id: 'a', source: 't', target: 'b' },
        { id: 'c', source: 'b', target: 'else', sourceHandle: 'else' },
        { id: 'd', source: 'b', target: 'yes', sourceHandle: 'yes' },
      ],
    });
    s().tidy();
    const at = (id: string) => s().nodes.find((n) => n.id === id)!.position;
    expect(at('t').y).toBeLessThan(at('b').y);
    expect(at('b').y).toBeLessThan(at('yes').y);
    expect(at('yes').y).toBe(at('else').y);
    expect(at('yes').x).toBeLessThan(at('else').x);
  });

  it('revision counts every saved change; structure ignores moves and selection', () => {
    const { s } = setup();
    s().select(['w']);
    expect([s().revision, s().structure]).toEqual([0, 0]);
    s().onNodesChange([{ type: 'position', id: 'w', position: { x: 1, y: 1 }, dragging: false }]);
    expect([s().revision, s().structure]).toEqual([1, 0]);
    s().updateNodeData('w', { webhookId: 'wh2' });
    expect([s().revision, s().structure]).toEqual([2, 1]);
  });

  it('replace (restore a version) is one undoable step', () => {
    const { s } = setup();
    s().replace({ nodes: [], edges: [] });
    expect(s().nodes).toHaveLength(0);
    s().undo();
    expect(s().nodes).toHaveLength(3);
  });
});
