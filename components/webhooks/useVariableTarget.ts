import { useRef, useState } from 'react';
import type { CodeEditorHandle } from '../CodeEditor';
import type { SetDraft, WebhookDraft } from './draft';

type Target = 'body' | 'path' | `header-${number}`;

/**
 * Where a variable picked from the list goes: into the field that last had the focus (the URL path at its
 * cursor, the end of a header value, or the body at its cursor).
 */
export function useVariableTarget(draft: WebhookDraft, set: SetDraft) {
  const bodyEditor = useRef<CodeEditorHandle>(null);
  const pathInput = useRef<HTMLInputElement>(null);
  const [lastFocus, setLastFocus] = useState<Target>('body');

  const insertVariable = (path: string) => {
    const text = `\${${path}}`;
    if (lastFocus === 'path') {
      const input = pathInput.current;
      const at = input?.selectionStart ?? draft.path.length;
      set({ path: draft.path.slice(0, at) + text + draft.path.slice(input?.selectionEnd ?? at) });
    } else if (lastFocus.startsWith('header-')) {
      const index = Number(lastFocus.slice(7));
      set({ headers: draft.headers.map((h, i) => (i === index ? { ...h, value: h.value + text } : h)) });
    } else {
      bodyEditor.current?.insert(text);
    }
  };

  return {
    bodyEditor,
    pathInput,
    insertVariable,
    /** what the picker says it inserts into */
    label: lastFocus === 'path' ? 'URL path' : lastFocus.startsWith('header-') ? 'header value' : 'body',
    focusPath: () => setLastFocus('path'),
    focusHeader: (index: number) => setLastFocus(`header-${index}`),
    focusBody: () => setLastFocus('body'),
  };
}
