'use client';
import type { FlowProblem } from '@/lib/domain/flow/compile';
import type { FlowNodeType } from '@/lib/domain/flow/graph';
import { DRAG_TYPE } from './useStepPlacement';

const PALETTE: { type: FlowNodeType; label: string; hint: string }[] = [
  { type: 'trigger', label: 'Trigger', hint: 'Where the flow starts: an event type' },
  { type: 'webhook', label: 'Webhook', hint: 'Call an outside service' },
  { type: 'branch', label: 'Branch', hint: 'Route on what happened' },
  { type: 'wait', label: 'Wait', hint: 'Pause for a time' },
  { type: 'end', label: 'End', hint: 'The run ends here' },
];

/**
 * The left panel: the steps to drag in or click to add (one trigger per flow), the live problems (each
 * step's problem selects and centres it), and the keyboard shortcuts.
 */
export function StepPalette({ readOnly, hasTrigger, problems, onAdd, onFocus }: { readOnly: boolean; hasTrigger: boolean; problems: FlowProblem[]; onAdd: (type: FlowNodeType) => void; onFocus: (nodeId: string) => void }) {
  return (
    <aside className="flow-palette" aria-label="Add a step">
      <h2>Add a step</h2>
      <p className="hint">Drag a step onto the canvas (onto a connection to insert it there), or click to add it after the selected step.</p>
      {PALETTE.map((item) => {
        const disabled = readOnly || (item.type === 'trigger' && hasTrigger);
        return (
          <button
            key={item.type}
            type="button"
            className={`palette-item palette-${item.type}`}
            draggable={!disabled}
            disabled={disabled}
            title={item.type === 'trigger' && hasTrigger ? 'A flow has one trigger' : item.hint}
            onDragStart={(event) => {
              event.dataTransfer.setData(DRAG_TYPE, item.type);
              event.dataTransfer.effectAllowed = 'move';
            }}
            onClick={() => onAdd(item.type)}
          >
            + {item.label}
          </button>
        );
      })}
      <div className="flow-problems" aria-live="polite" data-testid="flow-problems">
        <h2 className={problems.length ? 'error' : 'ok'}>{problems.length === 0 ? '✓ Ready to publish' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}</h2>
        <ul className="plain-list">
          {problems.map((p, i) => (
            <li key={i}>
              {p.nodeId ? (
                <button type="button" className="link-like" onClick={() => onFocus(p.nodeId!)}>
                  {p.message}
                </button>
              ) : (
                p.message
              )}
            </li>
          ))}
        </ul>
      </div>
      <details className="hint shortcuts">
        <summary>Keyboard shortcuts</summary>
        <ul className="plain-list">
          <li>A: go to these steps, Enter adds one</li>
          <li>Tab to a step, Enter selects it</li>
          <li>I: edit the selected step and its connections; Esc back to the canvas</li>
          <li>Arrow keys move it (Shift: further)</li>
          <li>Backspace or Delete removes it</li>
          <li>Ctrl/Cmd+Z undo, Shift+Ctrl/Cmd+Z redo</li>
          <li>Ctrl/Cmd+C, V copy, paste; Ctrl/Cmd+D duplicate</li>
          <li>Shift+drag selects several</li>
        </ul>
      </details>
    </aside>
  );
}
