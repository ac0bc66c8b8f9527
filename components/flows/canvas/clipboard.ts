/**
 * Copy, paste and duplicate: copied steps keep their connections to each other, get fresh ids, and land
 * where the marketer is looking (the viewport centre), never on top of an earlier paste.
 */
import type { FlowEdge, FlowNode } from '../../../lib/domain/flow/graph';

export interface Fragment {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface Point {
  x: number;
  y: number;
}

/** The size a node is assumed to have before the browser has measured it. */
export const DEFAULT_NODE_SIZE = { width: 220, height: 72 };

/** The steps and the connections among them; triggers stay behind (a flow has exactly one). */
export function copyFragment(nodes: readonly FlowNode[], edges: readonly FlowEdge[], selectedIds: ReadonlySet<string>): Fragment {
  const copied = nodes.filter((n) => selectedIds.has(n.id) && n.type !== 'trigger');
  const ids = new Set(copied.map((n) => n.id));
  return {
    nodes: structuredClone(copied),
    edges: structuredClone(edges.filter((e) => ids.has(e.source) && ids.has(e.target))),
  };
}

export function boundsCentre(nodes: readonly { position: Point }[]): Point {
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  return {
    x: (Math.min(...xs) + Math.max(...xs) + DEFAULT_NODE_SIZE.width) / 2,
    y: (Math.min(...ys) + Math.max(...ys) + DEFAULT_NODE_SIZE.height) / 2,
  };
}

/**
 * Places a fragment so that its centre is `centre`, shifted down-right in 24 px steps while any pasted step
 * would sit exactly where an existing one is (pasting twice must not stack copies invisibly).
 */
export function placeFragment(fragment: Fragment, centre: Point, existing: readonly { position: Point }[], newId: (kind: string) => string): Fragment {
  if (fragment.nodes.length === 0) return { nodes: [], edges: [] };
  const from = boundsCentre(fragment.nodes);
  let dx = Math.round(centre.x - from.x);
  let dy = Math.round(centre.y - from.y);
  const taken = new Set(existing.map((n) => `${Math.round(n.position.x)},${Math.round(n.position.y)}`));
  const collides = () => fragment.nodes.some((n) => taken.has(`${Math.round(n.position.x + dx)},${Math.round(n.position.y + dy)}`));
  for (let i = 0; i < 50 && collides(); i++) {
    dx += 24;
    dy += 24;
  }
  const ids = new Map(fragment.nodes.map((n) => [n.id, newId(n.type)]));
  return {
    nodes: fragment.nodes.map((n) => ({ ...structuredClone(n), id: ids.get(n.id)!, position: { x: n.position.x + dx, y: n.position.y + dy } }) as FlowNode),
    edges: fragment.edges.map((e) => ({ ...e, id: newId('e'), source: ids.get(e.source)!, target: ids.get(e.target)! })),
  };
}
