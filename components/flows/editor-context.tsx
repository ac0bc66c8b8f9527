'use client';
/**
 * What the canvas shows on top of the graph, handed to memoized node components through context: each node
 * subscribes to its own slice (its problems, its webhook, its run state), so dragging one step re-renders
 * one step. The graph itself lives in the editor store (components/flows/canvas/store.ts).
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WebhookInfo } from '@/lib/domain/flow/webhook-catalog';
import type { StepCounts } from '@/lib/domain/logs/counts';

export interface CatalogEntry extends WebhookInfo {
  method: string;
  integrationName: string;
  capturedFields: string[];
}

export interface NodeRunState {
  reached: boolean;
  current: boolean;
  attempts?: { count: number; lastStatus: number | null; lastError: string | null; dryRun?: boolean };
}

/** What the canvas shows on top of the graph: validation, webhook details, the run being watched. */
export interface ViewState {
  problems: Record<string, string[]>;
  catalog: Record<string, CatalogEntry>;
  run: Record<string, NodeRunState> | null;
  readOnly: boolean;
  /** the step counts of the published flow over the chosen range, or null when off */
  counts: (StepCounts & { flowId: string }) | null;
}

export type ViewStore = StoreApi<ViewState>;

export function createViewStore(catalog: CatalogEntry[]): ViewStore {
  return createStore<ViewState>()(() => ({ problems: {}, catalog: Object.fromEntries(catalog.map((c) => [c.id, c])), run: null, readOnly: false, counts: null }));
}

const ViewContext = createContext<ViewStore | null>(null);
export const ViewProvider = ViewContext.Provider;

export function useView<T>(selector: (state: ViewState) => T): T {
  const view = useContext(ViewContext);
  if (!view) throw new Error('Flow node components must be inside <ViewProvider>');
  return useStore(view, selector);
}
