'use client';
import { useMemo, type RefObject } from 'react';
import { CodeEditor, type CodeEditorHandle, type EditorProblem } from '../CodeEditor';
import { FieldMessages } from '../ui';
import { TemplateHelp } from './TemplateHelp';
import type { ErrorsFor, SetDraft, WebhookDraft } from './draft';

/** The body template, with the live check's problems marked on their lines. */
export function BodySection({
  draft,
  set,
  errorsFor,
  liveErrors,
  editorRef,
  onFocus,
}: {
  draft: WebhookDraft;
  set: SetDraft;
  errorsFor: ErrorsFor;
  /** the live check's messages for the body template */
  liveErrors: string[] | undefined;
  editorRef: RefObject<CodeEditorHandle | null>;
  onFocus: () => void;
}) {
  const bodyProblems: EditorProblem[] = useMemo(
    () => (liveErrors ?? []).map((message) => ({ message, line: Number(/^Line (\d+)/.exec(message)?.[1] ?? 1) })),
    [liveErrors],
  );
  return (
    <section className="card" aria-labelledby="body-heading">
      <div className="page-head">
        <h2 id="body-heading">Body</h2>
        <TemplateHelp />
      </div>
      <p className="hint">A JSON template. Values from variables are escaped for JSON, so the body stays valid for any customer data.</p>
      <div onFocus={onFocus} data-field="bodyTemplate">
        <CodeEditor ref={editorRef} id="wh-body" label="Body template" value={draft.bodyTemplate} onChange={(bodyTemplate) => set({ bodyTemplate })} problems={bodyProblems} />
      </div>
      <FieldMessages messages={(errorsFor('bodyTemplate') ?? [])} />
    </section>
  );
}
