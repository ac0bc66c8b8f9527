import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { EditorStore } from '@/components/flows/canvas/store';
import { useTRPC, useTRPCClient } from '../../trpc';

const AUTOSAVE_MS = 800;

/**
 * Autosave: the draft is saved shortly after every change; problems never block saving. Saves run one
 * after another (never two in flight, so an older graph can never land last), and a failed save is not
 * retried until the draft changes again or the marketer asks (`retry`). Leaving the editor inside the app
 * saves what the timer had not saved yet; closing the tab with unsaved changes asks first. Nothing is saved
 * on a timer while `paused` (a version is on screen instead of the draft).
 */
export function useAutosave(editor: EditorStore, flowId: string, paused: boolean) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const revision = useStore(editor, (s) => s.revision);
  const [savedRevision, setSavedRevision] = useState(0);
  const [failedRevision, setFailedRevision] = useState<number | null>(null);
  const save = useMutation(trpc.flows.saveDraft.mutationOptions());
  const saveDraft = save.mutateAsync;
  const saving = useRef<Promise<unknown>>(Promise.resolve());

  const saveNow = useCallback(() => {
    const target = editor.getState().revision;
    const graph = editor.getState().graph();
    const run = saving.current
      .catch(() => undefined)
      .then(() => saveDraft({ id: flowId, graph, validate: false }))
      .then(
        () => {
          setSavedRevision((r) => Math.max(r, target));
          setFailedRevision(null);
        },
        (error: unknown) => {
          setFailedRevision(target);
          throw error;
        },
      );
    saving.current = run;
    return run;
  }, [editor, flowId, saveDraft]);

  // One timer per change: its dependencies are stable apart from the revisions and `paused`.
  useEffect(() => {
    if (revision === savedRevision || revision === failedRevision || paused) return;
    const timer = setTimeout(() => void saveNow().catch(() => undefined), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [revision, savedRevision, failedRevision, saveNow, paused]);

  // Leaving the editor inside the app (no beforeunload) saves what the timer had not saved yet.
  const pendingSave = useRef(false);
  pendingSave.current = revision !== savedRevision;
  useEffect(
    () => () => {
      if (pendingSave.current) void client.flows.saveDraft.mutate({ id: flowId, graph: editor.getState().graph(), validate: false }).catch(() => undefined);
    },
    [client, editor, flowId],
  );

  const unsaved = revision !== savedRevision;
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsaved]);

  return {
    /** saves the draft now, after any save in flight; rejects when it fails */
    saveNow,
    unsaved,
    status: save.isPending ? 'Saving…' : failedRevision !== null ? 'Not saved' : unsaved ? 'Unsaved changes' : 'All changes saved',
    /** the last save failed and none is running: offer to try again */
    canRetry: failedRevision !== null && !save.isPending,
    retry: () => void saveNow().catch(() => undefined),
    error: save.error,
  };
}

export type Autosave = ReturnType<typeof useAutosave>;
