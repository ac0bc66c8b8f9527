'use client';
/**
 * Where each output of the selected step leads, as a list to pick from: the keyboard's way to connect
 * steps (the mouse drags between handles). Only steps the connection rules allow are offered; choosing
 * "nothing" ends the run there.
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import { ELSE_HANDLE, outputHandles, type FlowNode } from '@/lib/domain/flow/graph';
import { durationInWords } from '@/lib/domain/flow/words';
import type { EditorNode, EditorStore } from '@/components/flows/canvas/store';
import { checkConnection } from '@/components/flows/canvas/connections';
import type { CatalogEntry } from '../editor-context';
import { triggerName } from '@/lib/domain/events/schema';

/** A step as a person tells it apart in a list: its kind and what it does. */
function stepName(node: Pick<FlowNode, 'type' | 'data'> | EditorNode, catalog: ReadonlyMap<string, CatalogEntry>): string {
  const data = (node.data ?? {}) as Record<string, unknown>;
  switch (node.type) {
    case 'trigger':
      return `Trigger: ${data.eventType ? triggerName(String(data.eventType)) : 'no event yet'}`;
    case 'webhook':
      return `Webhook: ${catalog.get(String(data.webhookId))?.name ?? 'not chosen yet'}`;
    case 'branch':
      return `Branch: ${((data.branches as { label: string }[]) ?? []).map((b) => b.label).join(' / ') || 'no outputs'}`;
    case 'wait':
      return data.mode === 'until' ? `Wait until ${String(data.time)}` : `Wait ${durationInWords(Number(data.seconds))}`;
    default:
      return 'End';
  }
}

export function ConnectionsPanel({ editor, node, catalog }: { editor: EditorStore; node: EditorNode; catalog: ReadonlyMap<string, CatalogEntry> }) {
  const nodes = useStore(editor, (s) => s.nodes);
  const edges = useStore(editor, (s) => s.edges);
  const [refusal, setRefusal] = useState<string | null>(null);
  const handles = outputHandles({ id: node.id, type: node.type, position: node.position, data: node.data } as FlowNode);
  if (handles.length === 0) return null;
  const labelOf = (handle: string | null) =>
    handle === null ? 'Next step' : handle === ELSE_HANDLE ? 'Else leads to' : `${((node.data as { branches?: { id: string; label: string }[] }).branches ?? []).find((b) => b.id === handle)?.label || handle} leads to`;
  return (
    <fieldset className="connections">
      <legend>Connections</legend>
      {handles.map((handle) => {
        const current = edges.find((e) => e.source === node.id && (e.sourceHandle ?? null) === handle)?.target ?? '';
        const id = `connect-${node.id}-${handle ?? 'out'}`;
        // What this output could lead to instead of what it leads to now.
        const others = { nodes, edges: edges.filter((e) => !(e.source === node.id && (e.sourceHandle ?? null) === handle)).map((e) => ({ ...e, sourceHandle: e.sourceHandle ?? null })) };
        const candidates = nodes.filter((n) => n.id === current || checkConnection(others, { source: node.id, target: n.id, sourceHandle: handle }).ok);
        return (
          <div className="field" key={id}>
            <label htmlFor={id}>{labelOf(handle)}</label>
            <select
              id={id}
              value={current}
              onChange={(e) => {
                const verdict = editor.getState().setConnection(node.id, handle, e.target.value || null);
                setRefusal(verdict.ok ? null : verdict.reason);
              }}
            >
              <option value="">nothing: the run ends here</option>
              {candidates.map((n) => (
                <option key={n.id} value={n.id}>
                  {stepName(n, catalog)}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      {refusal ? (
        <p className="field-error" role="alert">
          {refusal}
        </p>
      ) : null}
    </fieldset>
  );
}
