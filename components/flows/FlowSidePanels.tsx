'use client';
/** The inspector's Runs and Versions tabs. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FlowGraph } from '@/lib/domain/flow/graph';
import { useTRPC } from '../trpc';
import { ErrorBanner, Loading } from '../ui';
import { StatusBadge, TestBadge } from '../StatusBadge';
import { TemporalLink } from '../TemporalLink';

function VersionRunsLink({ flowId, version }: { flowId: string; version: number }) {
  const trpc = useTRPC();
  const links = useQuery(trpc.flows.temporalLinks.queryOptions({ id: flowId }));
  return <TemporalLink href={links.data?.byVersion[version]}>runs of v{version}</TemporalLink>;
}

export function RunsPanel({ flowId, watched, onWatch }: { flowId: string; watched: string | null; onWatch: (runId: string) => void }) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.flows.runs.queryOptions({ id: flowId }, { refetchInterval: 3_000 }));
  const links = useQuery(trpc.flows.temporalLinks.queryOptions({ id: flowId }));
  if (runs.isPending) return <Loading what="runs" />;
  if (runs.isError) return <ErrorBanner error={runs.error} />;
  if (runs.data.length === 0) return <p className="empty">No runs yet. Test the draft (a dry run sends nothing): its run shows up here and on the canvas.</p>;
  return (
    <>
    <p className="hint">
      In the Temporal UI: <TemporalLink href={links.data?.all}>all runs</TemporalLink> · <TemporalLink href={links.data?.failed}>failed runs</TemporalLink>
    </p>
    <ul className="plain-list run-list" aria-label="Recent runs">
      {runs.data.map((run) => (
        <li key={run.id} className={run.id === watched ? 'watched' : undefined}>
          <button type="button" className="link-like" onClick={() => onWatch(run.id)} aria-pressed={run.id === watched}>
            {new Date(run.createdAt).toLocaleString()}
          </button>{' '}
          <StatusBadge status={run.status} /> <TestBadge mode={run.testMode} /> <span className="muted">{run.version === null ? 'draft' : `v${run.version}`} · {run.customerId}</span>{' '}
          <a href={run.temporalUrl} target="_blank" rel="noreferrer" title="Open this run in the Temporal Web UI">
            Temporal ↗
          </a>
        </li>
      ))}
    </ul>
    </>
  );
}

export function VersionsPanel({
  flowId,
  versions,
  viewing,
  onOpen,
}: {
  flowId: string;
  versions: { version: number; publishedAt: string | Date; publishedBy: { email: string } | null }[];
  viewing: number | null;
  onOpen: (version: number, graph: FlowGraph) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  if (versions.length === 0) return <p className="empty">Nothing published yet. Each publish makes a numbered, read-only version you can come back to.</p>;
  return (
    <>
    <ErrorBanner error={error} />
    <ul className="plain-list" aria-label="Published versions">
      {versions.map((v) => (
        <li key={v.version}>
          <strong>v{v.version}</strong> <span className="muted">{new Date(v.publishedAt).toLocaleString()} {v.publishedBy ? `by ${v.publishedBy.email}` : ''}</span>{' '}
          <button
            type="button"
            disabled={viewing === v.version}
            onClick={() => {
              setError(null);
              queryClient
                .fetchQuery(trpc.flows.version.queryOptions({ id: flowId, version: v.version }))
                .then((r) => onOpen(r.version, r.graph))
                .catch(setError);
            }}
          >
            {viewing === v.version ? 'Open now' : `Open v${v.version}`}
          </button>{' '}
          <VersionRunsLink flowId={flowId} version={v.version} />
        </li>
      ))}
    </ul>
    </>
  );
}
