'use client';
/**
 * A CodeMirror 6 editor for JSON body templates: JSON highlighting, template highlighting for ${…},
 * {{ … }} and {% … %}, inline diagnostics from the server's template check, and insert-at-cursor for the
 * variable picker.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { Compartment, EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, keymap, lineNumbers, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle, HighlightStyle } from '@codemirror/language';
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

/** CodeMirror's own token colours, lightened to read on the dark background (dark mode follows the system). */
const DARK_TOKEN_COLOURS: Record<string, string> = {
  '#404740': '#c3cac3',
  '#708': '#d7a4f7',
  '#219': '#a5bcff',
  '#164': '#86e3ad',
  '#a11': '#ffa3a3',
  '#e40': '#ffb27a',
  '#00f': '#9db8ff',
  '#30a': '#bca6ff',
  '#085': '#74e3bd',
  '#167': '#86d6e8',
  '#256': '#98cbe8',
  '#00c': '#9fb3ff',
  '#940': '#e6b877',
  '#f00': '#ff8a8a',
};
const darkHighlightStyle = HighlightStyle.define(defaultHighlightStyle.specs.map((spec) => (typeof spec.color === 'string' ? { ...spec, color: DARK_TOKEN_COLOURS[spec.color] ?? spec.color } : spec)));
const DARK_QUERY = '(prefers-color-scheme: dark)';
const highlightFor = (dark: boolean) => syntaxHighlighting(dark ? darkHighlightStyle : defaultHighlightStyle);

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
      const scheme = window.matchMedia(DARK_QUERY);
      const highlighting = new Compartment();
      const editor = new EditorView({
        parent: host.current!,
        state: EditorState.create({
          doc: value,
          extensions: [
            lineNumbers(),
            history(),
            bracketMatching(),
            json(),
            highlighting.of(highlightFor(scheme.matches)),
            templateHighlight,
            lintGutter(),
            readOnlyField,
            keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
            EditorView.lineWrapping,
            // tabindex: a long document scrolls, and axe wants the scrolling region reachable by keyboard.
            EditorView.contentAttributes.of({ 'aria-label': label, id: `${id}-content`, tabindex: '0' }),
            EditorView.theme({ '&': { minHeight: `${minHeight}px`, ...(maxHeight ? { maxHeight: `${maxHeight}px` } : {}) }, '.cm-scroller': { minHeight: `${minHeight}px`, overflow: 'auto' } }),
            EditorView.updateListener.of((update) => {
              if (update.docChanged) onChangeRef.current(update.state.doc.toString());
            }),
          ],
        }),
      });
      view.current = editor;
      const followScheme = (event: MediaQueryListEvent) => editor.dispatch({ effects: highlighting.reconfigure(highlightFor(event.matches)) });
      scheme.addEventListener('change', followScheme);
      return () => {
        scheme.removeEventListener('change', followScheme);
        editor.destroy();
      };
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
