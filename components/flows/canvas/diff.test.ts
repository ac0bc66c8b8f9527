import { describe, expect, it } from 'vitest';
import type { FlowGraph } from '../../../lib/domain/flow/graph';
import { diffGraphs, isEmptyDiff } from './diff';
import { runOverlay } from './overlay';

const published: FlowGraph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'a' } },
    { id: 'w', type: 'webhook', position: { x: 0, y: 100 }, data: { webhookId: '1' } },
    { id: 'x', type: 'end', position: { x: 0, y: 200 } },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'w' },
    { id: 'e2', source: 'w', target: 'x' },
  ],
};

describe('publish diff', () => {
  it('a moved step is no change', () => {
    const moved = structuredClone(published);
    moved.nodes[1]!.position = { x: 300, y: 300 };
    expect(isEmptyDiff(diffGraphs(published, moved))).toBe(true);
  });
  it('reports added, removed and changed steps (data or outgoing connection)', () => {
    const draft = structuredClone(published);
    draft.nodes[1] = { ...draft.nodes[1]!, data: { webhookId: '2' } } as FlowGraph['nodes'][number];
    draft.nodes = draft.nodes.filter((n) => n.id !== 'x');
    draft.nodes.push({ id: 'y', type: 'wait', position: { x: 0, y: 0 }, data: { mode: 'duration', seconds: 5 } });
    draft.edges = [{ id: 'e1', source: 't', target: 'w' }, { id: 'e3', source: 'w', target: 'y' }];
    const diff = diffGraphs(published, draft);
    expect(diff.added.map((n) => n.id)).toEqual(['y']);
    expect(diff.removed.map((n) => n.id)).toEqual(['x']);
    expect(diff.changed.map((n) => n.id)).toEqual(['w']);
  });
  it('everything is added when nothing was published', () => {
    expect(diffGraphs(null, published).added).toHaveLength(3);
  });
});

describe('run overlay', () => {
  it('marks reached steps, the current one and the edges taken from the trigger on', () => {
    const overlay = runOverlay(published, ['w'], true);
    expect([...overlay.reached]).toEqual(['t', 'w']);
    expect(overlay.current).toBe('w');
    expect([...overlay.taken]).toEqual(['e1']);
    const done = runOverlay(published, ['w', 'x'], false);
    // Two outputs of one branch into the same step: the output the run took decides the edge.
    const branchy = {
      nodes: [...published.nodes, { id: 'b', type: 'branch' as const }],
      edges: [
        { id: 'in', source: 't', target: 'b' },
        { id: 'vip', source: 'b', target: 'x', sourceHandle: 'vip' },
        { id: 'else', source: 'b', target: 'x', sourceHandle: 'else' },
      ],
    };
    expect([...runOverlay(branchy, ['b', 'x'], false, { b: 'else' }).taken]).toEqual(['in', 'else']);
    expect([...runOverlay(branchy, ['b', 'x'], false, { b: 'vip' }).taken]).toEqual(['in', 'vip']);
    expect(done.current).toBeNull();
    expect([...done.taken]).toEqual(['e1', 'e2']);
  });
});
