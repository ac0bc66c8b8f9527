'use client';
import { useReactFlow } from '@xyflow/react';
import { useStore } from 'zustand';
import type { EditorNode, EditorStore } from '@/components/flows/canvas/store';
import { ConfirmButton } from '../../ui';
import { FlowStatus } from '../../StatusBadge';
import type { CatalogEntry } from '../editor-context';
import { PublishDialog } from '../PublishDialog';
import { TestRunDialog } from '../TestRunDialog';
import type { EditorFlow } from './types';
import type { Autosave } from './useAutosave';
import type { FlowLifecycle } from './useFlowLifecycle';

/**
 * The editor's toolbar: the flow's name, status and latest version, the save state (with Retry when a save
 * failed), undo/redo, tidy-up and fit view, test events, publishing, and pause/resume/archive.
 */
export function EditorToolbar({
  flow,
  editor,
  autosave,
  lifecycle,
  readOnly,
  problemCount,
  catalog,
  onTestRun,
}: {
  flow: EditorFlow;
  editor: EditorStore;
  autosave: Autosave;
  lifecycle: FlowLifecycle;
  readOnly: boolean;
  problemCount: number;
  catalog: ReadonlyMap<string, CatalogEntry>;
  /** a test started this run */
  onTestRun: (runId: string) => void;
}) {
  const reactFlow = useReactFlow<EditorNode>();
  const canUndo = useStore(editor, (s) => s.past.length > 0);
  const canRedo = useStore(editor, (s) => s.future.length > 0);
  const empty = useStore(editor, (s) => s.nodes.length === 0);
  const actions = editor.getState();
  const { publish, pause, resume, archive } = lifecycle;
  const latest = flow.versions[0];
  return (
    <div className="flow-toolbar">
      <h1 title={flow.name}>{flow.name}</h1>
      <FlowStatus flow={{ status: flow.status, version: latest?.version ?? null }} />
      <span className="muted toolbar-meta" title={latest ? `v${latest.version} published ${new Date(latest.publishedAt).toLocaleString()}` : undefined}>
        {latest ? `v${latest.version}, ${new Date(latest.publishedAt).toLocaleDateString()}` : 'never published'}
      </span>
      <span className="spacer" />
      <span className={`save-state ${autosave.unsaved ? 'save-state-dirty' : ''}`} role="status" data-testid="save-state">
        {autosave.status}
      </span>
      {autosave.canRetry ? (
        <button type="button" onClick={autosave.retry}>
          Retry saving
        </button>
      ) : null}
      <div className="button-group" role="group" aria-label="Edit">
        <button type="button" onClick={() => actions.undo()} disabled={!canUndo || readOnly} title="Undo (Ctrl/Cmd+Z)">
          Undo
        </button>
        <button type="button" onClick={() => actions.redo()} disabled={!canRedo || readOnly} title="Redo (Shift+Ctrl/Cmd+Z)">
          Redo
        </button>
        <button type="button" onClick={() => { actions.tidy(); window.requestAnimationFrame(() => void reactFlow.fitView({ duration: 300, maxZoom: 1 })); }} disabled={empty || readOnly}>
          Tidy up
        </button>
        <button type="button" onClick={() => void reactFlow.fitView({ duration: 300 })}>
          Fit view
        </button>
      </div>
      <TestRunDialog
        flowId={flow.id}
        eventType={flow.triggerEventType}
        graph={() => editor.getState().graph()}
        catalog={catalog}
        publishedVersion={latest?.version ?? null}
        problemCount={problemCount}
        beforeRun={autosave.saveNow}
        onStarted={(runId) => {
          onTestRun(runId);
          void reactFlow.fitView({ duration: 300, maxZoom: 1 });
        }}
      />
      <PublishDialog
        flowId={flow.id}
        latestVersion={latest?.version ?? null}
        draft={() => editor.getState().graph()}
        catalog={catalog}
        problems={problemCount}
        disabled={flow.status === 'archived' || readOnly}
        busy={publish.isPending}
        onPublish={async () => {
          await autosave.saveNow();
          const result = await publish.mutateAsync({ id: flow.id });
          if (!result.ok) throw new Error(`Not published: ${result.problems.map((p) => p.message).join('; ')}`);
        }}
      />
      {flow.status === 'active' ? (
        <button type="button" onClick={() => pause.mutate({ id: flow.id })}>
          Pause
        </button>
      ) : null}
      {flow.status === 'paused' || flow.status === 'archived' ? (
        <button type="button" onClick={() => resume.mutate({ id: flow.id })}>
          {flow.status === 'archived' ? 'Restore' : 'Resume'}
        </button>
      ) : null}
      {flow.status !== 'archived' ? (
        <ConfirmButton label="Archive" title={`Archive ${flow.name}?`} body={<p>It stops starting runs; running ones finish. You can restore it later.</p>} confirmLabel="Archive" onConfirm={() => archive.mutate({ id: flow.id })} />
      ) : null}
    </div>
  );
}
