import { useEffect } from 'react';
import type { EditorStore } from '@/components/flows/canvas/store';
import type { Point } from '@/components/flows/canvas/clipboard';
import type { ViewStore } from '../editor-context';

/** Typing in a field, a code editor or a dialog: shortcuts are the field's, not the canvas's. */
function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName) || Boolean(element.closest?.('.cm-editor, dialog'));
}

const ARROWS: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

/**
 * Keys that move the focus for keyboard-only building: `a` to the palette (add a step), `i` to the
 * inspector's first field (edit the selected step and where its outputs lead). Returns whether it handled it.
 */
function focusShortcut(key: string): boolean {
  const target =
    key === 'a'
      ? document.querySelector<HTMLElement>('.flow-palette .palette-item:not(:disabled)')
      : key === 'i'
        ? document.querySelector<HTMLElement>('#flow-inspector .node-panel :is(input, select, textarea):not(:disabled), #flow-inspector .connections select')
        : null;
  if (!target) return false;
  target.focus();
  return true;
}

/**
 * Keyboard: undo/redo, copy/paste/duplicate. Never while typing in a field or a dialog, never on a
 * read-only version, and Ctrl/Cmd+C leaves selected page text to the browser. Pastes land around
 * `viewportCentre()`. `notify` and `viewportCentre` should be stable: the listener is added again when
 * they change.
 */
export function useEditorShortcuts(editor: EditorStore, view: ViewStore, viewportCentre: () => Point, notify: (message: string) => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Escape leaves the palette or the inspector, so the canvas keys (arrows, Backspace, A, I) work again.
      if (event.key === 'Escape' && (event.target as HTMLElement | null)?.closest?.('#flow-inspector, .flow-palette')) {
        (event.target as HTMLElement).blur();
        return;
      }
      if (view.getState().readOnly || isTyping(event.target)) return;
      const mod = event.metaKey || event.ctrlKey;
      if (!mod && !event.altKey && focusShortcut(event.key)) {
        event.preventDefault();
        return;
      }
      // Arrow keys move the selected steps (xyflow does it itself when the focus is on a step).
      const arrow = ARROWS[event.key];
      if (arrow && !mod && !(event.target as HTMLElement | null)?.closest?.('.react-flow__node')) {
        const step = event.shiftKey ? 50 : 10;
        if (editor.getState().moveSelection(arrow[0] * step, arrow[1] * step) > 0) event.preventDefault();
        return;
      }
      if (!mod) return;
      const key = event.key.toLowerCase();
      const state = editor.getState();
      const textSelected = (window.getSelection()?.toString() ?? '') !== '';
      let handled = true;
      if (key === 'z' && !event.shiftKey) state.undo();
      else if ((key === 'z' && event.shiftKey) || key === 'y') state.redo();
      else if (key === 'c' && !textSelected) {
        const count = state.copySelection();
        if (count) notify(`Copied ${count} step${count === 1 ? '' : 's'}`);
        handled = count > 0;
      } else if (key === 'v') handled = state.paste(viewportCentre()) > 0;
      else if (key === 'd') handled = state.duplicateSelection() > 0;
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editor, viewportCentre, view, notify]);
}
