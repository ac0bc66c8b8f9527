'use client';
/**
 * A CodeMirror 6 editor for JSON body templates: JSON highlighting, template highlighting for ${…},
 * {{ … }} and {% … %}, inline diagnostics from the server's template check, and insert-at-cursor for the
 * variable picker.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, keymap, lineNumbers, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';

export interface CodeEditorHandle {
  insert(text: string): void;
  focus(): void;
}

export interface EditorProblem {
  message: string;
  line?: number;
}

const templateMatcher = new MatchDecorator({
  regexp: /\$\{[^{}]*\}|\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g,
  decoration: (match) => Decoration.mark({ class: match[0].startsWith('{%') ? 'cm-template-tag' : 'cm-template-var' }),
});

const templateHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = templateMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = templateMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

const readOnlyEffect = StateEffect.define<boolean>();
const readOnlyField = StateField.define<boolean>({
  create: () => false,
  update: (value, tr) => tr.effects.reduce((v, e) => (e.is(readOnlyEffect) ? e.value : v), value),
  provide: (field) => EditorState.readOnly.from(field),
});

export const CodeEditor = forwardRef<CodeEditorHandle, { id: string; value: string; onChange: (value: string) => void; problems?: EditorProblem[]; label: string; readOnly?: boolean; minHeight?: number; maxHeight?: number }>(
  function CodeEditor({ id, value, onChange, problems = [], label, readOnly = false, minHeight = 180, maxHeight }, ref) {
    const host = useRef<HTMLDivElement>(null);
    const view = useRef<EditorView | null>(null);
    const onChangeRef = useRef(onChange);
    onChangeRef.current = onChange;

    useEffect(() => {
      const editor = new EditorView({
        parent: host.current!,
        state: EditorState.create({
          doc: value,
          extensions: [
            lineNumbers(),
            history(),
            bracketMatching(),
            json(),
            syntaxHighlighting(defaultHighlightStyle),
            templateHighlight,
            lintGutter(),
            readOnlyField,
            keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
            EditorView.lineWrapping,
            EditorView.contentAttributes.of({ 'aria-label': label, id: `${id}-content` }),
            EditorView.theme({ '&': { minHeight: `${minHeight}px`, ...(maxHeight ? { maxHeight: `${maxHeight}px` } : {}) }, '.cm-scroller': { minHeight: `${minHeight}px`, overflow: 'auto' } }),
            EditorView.updateListener.of((update) => {
              if (update.docChanged) onChangeRef.current(update.state.doc.toString());
            }),
          ],
        }),
      });
      view.current = editor;
      return () => editor.destroy();
      // The editor owns its document after mount; outside changes are synced below.
    }, []);

    useEffect(() => {
      const editor = view.current;
      if (editor && editor.state.doc.toString() !== value) {
        editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
      }
    }, [value]);

    useEffect(() => {
      view.current?.dispatch({ effects: readOnlyEffect.of(readOnly) });
    }, [readOnly]);

    useEffect(() => {
      const editor = view.current;
      if (!editor) return;
      const doc = editor.state.doc;
      const diagnostics: Diagnostic[] = problems.map((problem) => {
        const line = doc.line(Math.min(Math.max(problem.line ?? 1, 1), doc.lines));
        return { from: line.from, to: Math.max(line.to, line.from), severity: 'error', message: problem.message };
      });
      editor.dispatch(setDiagnostics(editor.state, diagnostics));
    }, [problems]);

    useImperativeHandle(ref, () => ({
      insert(text: string) {
        const editor = view.current;
        if (!editor) return;
        const { from, to } = editor.state.selection.main;
        editor.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
        editor.focus();
      },
      focus() {
        view.current?.focus();
      },
    }));

    return <div ref={host} id={id} className="code-editor" data-testid={id} />;
  },
);
