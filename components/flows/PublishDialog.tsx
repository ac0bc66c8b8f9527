'use client';
/** Publish, after seeing what changes against the published version: steps added, removed or changed. */
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { WebhookInfo } from '@/lib/domain/flow/webhook-catalog';
import type { FlowGraph, FlowNode } from '@/lib/domain/flow/graph';
import { diffGraphs, isEmptyDiff, type GraphDiff } from '@/components/flows/canvas/diff';
import { durationInWords } from '@/lib/domain/flow/words';
import { useTRPC } from '../trpc';
import { ErrorBanner } from '../ui';

function describeStep(node: FlowNode, catalog: ReadonlyMap<string, WebhookInfo>): string {
  switch (node.type) {
    case 'trigger':
      return `Trigger on ${node.data.eventType || '(no event)'}`;
    case 'webhook':
      return `Webhook ${catalog.get(node.data.webhookId)?.name ?? '(none chosen)'}`;
    case 'branch':
      return `Branch (${node.data.branches.map((b) => b.label).join(', ') || 'else only'})`;
    case 'wait':
      return node.data.mode === 'duration' ? `Wait ${durationInWords(node.data.seconds)}` : `Wait until ${node.data.time} ${node.data.timeZone}`;
    case 'end':
      return 'End';
  }
}

function DiffList({ diff, catalog }: { diff: GraphDiff; catalog: ReadonlyMap<string, WebhookInfo> }) {
  const rows = [
    ...diff.added.map((n) => ({ kind: 'added', node: n })),
    ...diff.changed.map((n) => ({ kind: 'changed', node: n })),
    ...diff.removed.map((n) => ({ kind: 'removed', node: n })),
  ];
  return (
    <ul className="plain-list diff-list" data-testid="publish-diff">
      {rows.map(({ kind, node }) => (
        <li key={`${kind}-${node.id}`} className={`diff-${kind}`}>
          <span className={`badge ${kind === 'added' ? 'badge-ok' : kind === 'removed' ? 'badge-bad' : 'badge-warn'}`}>{kind}</span> {describeStep(node, catalog)}
        </li>
      ))}
    </ul>
  );
}

export function PublishDialog({
  flowId,
  latestVersion,
  draft,
  catalog,
  problems,
  disabled,
  busy,
  onPublish,
}: {
  flowId: string;
  latestVersion: number | null;
  draft: () => FlowGraph;
  catalog: ReadonlyMap<string, WebhookInfo>;
  problems: number;
  disabled: boolean;
  busy: boolean;
  onPublish: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const published = useQuery(trpc.flows.version.queryOptions({ id: flowId, version: latestVersion ?? 1 }, { enabled: open && latestVersion !== null }));
  const diff = open && (latestVersion === null || published.data) ? diffGraphs(published.data?.graph ?? null, draft()) : null;
  const blocked = problems > 0;
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={disabled || blocked || busy}
        title={blocked ? `Fix the ${problems} problem${problems === 1 ? '' : 's'} first` : undefined}
        onClick={() => {
          setError(null);
          setOpen(true);
          dialog.current?.showModal();
        }}
      >
        {busy ? 'Publishing…' : 'Publish'}
      </button>
      <dialog ref={dialog} className="dialog wide nokey" aria-labelledby="publish-title" onClose={() => setOpen(false)}>
        <h2 id="publish-title">Publish version {(latestVersion ?? 0) + 1}?</h2>
        {latestVersion === null ? <p>This is the first version: every step is new.</p> : <p>Changes since version {latestVersion}:</p>}
        {published.isError ? <ErrorBanner error={published.error} /> : null}
        {diff === null ? <p className="muted">Comparing…</p> : isEmptyDiff(diff) ? <p className="muted">No step changed (moves do not count). Publishing makes an identical version.</p> : <DiffList diff={diff} catalog={catalog} />}
        <p className="hint">New events run the new version; runs already going keep the version they started on.</p>
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => {
              onPublish()
                .then(() => dialog.current?.close())
                .catch(setError);
            }}
          >
            {busy ? 'Publishing…' : `Publish v${(latestVersion ?? 0) + 1}`}
          </button>
        </div>
      </dialog>
    </>
  );
}
