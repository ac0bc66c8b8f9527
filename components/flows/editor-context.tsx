'use client';
/**
 * The editor's stores, handed to memoized node components through context: each node subscribes to its
 * own slice (its problems, its webhook, its run state), so dragging one step re-renders one step.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EditorActions, EditorState, EditorStore } from '@/lib/flow/editor/store';
import type { WebhookInfo } from '@/lib/flow/compile';

export interface CatalogEntry extends WebhookInfo {
  method: string;
  integrationName: string;
  capturedFields: string[];
}

export interface NodeRunState {
  reached: boolean;
  current: boolean;
  attempts?: { count: number; lastStatus: number | null; lastError: string | null };
}

/** What the canvas shows on top of the graph: validation, webhook details, the run being watched. */
export interface ViewState {
  problems: Record<string, string[]>;
  catalog: Record<string, CatalogEntry>;
  run: Record<string, NodeRunState> | null;
  readOnly: boolean;
}

export type ViewStore = StoreApi<ViewState>;

export function createViewStore(catalog: CatalogEntry[]): ViewStore {
  return createStore<ViewState>()(() => ({ problems: {}, catalog: Object.fromEntries(catalog.map((c) => [c.id, c])), run: null, readOnly: false }));
}

const EditorContext = createContext<{ editor: EditorStore; view: ViewStore } | null>(null);
export const EditorProvider = EditorContext.Provider;

function useStores() {
  const stores = useContext(EditorContext);
  if (!stores) throw new Error('Flow editor components must be inside <EditorProvider>');
  return stores;
}

export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(useStores().editor, selector);
}

export function useView<T>(selector: (state: ViewState) => T): T {
  return useStore(useStores().view, selector);
}

export function useEditorApi(): EditorStore {
  return useStores().editor;
}
