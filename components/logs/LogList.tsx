'use client';
/**
 * A list of webhook attempts, newest first, with "Load more" (cursor pagination) and the detail panel of the
 * selected attempt opened under its row. The Logs page, each webhook's Logs tab and each run page use it.
 */
import Link from 'next/link';
import { Fragment } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { LogFilters } from '@/lib/domain/logs/filters';
import { useTRPC } from '../trpc';
import { ErrorBanner, Loading } from '../ui';
import { LogDetail } from './LogDetail';
import { formatTime, KindBadges, OutcomeBadge } from './OutcomeBadge';

export function LogList({
  filters,
  selected,
  onSelect,
  empty,
  columns = 'all',
}: {
  filters: LogFilters;
  selected: string | null;
  onSelect: (id: string | null) => void;
  empty: string;
  /** "run": the run page already says which flow and customer */
  columns?: 'all' | 'run';
}) {
  const trpc = useTRPC();
  const logs = useInfiniteQuery(
    trpc.logs.list.infiniteQueryOptions({ ...filters, limit: 50 }, { getNextPageParam: (page) => page.nextCursor ?? undefined, refetchInterval: 5_000 }),
  );
  if (logs.isPending) return <Loading what="attempts" />;
  if (logs.isError) return <ErrorBanner error={new Error(`Could not load the log: ${logs.error.message}`)} />;
  const rows = logs.data.pages.flatMap((page) => page.rows);
  if (rows.length === 0) return selected ? <LogDetail id={selected} onSelect={onSelect} /> : <p className="empty">{empty}</p>;
  const span = columns === 'all' ? 8 : 6;
  // A shared link can open an attempt that is not on this page.
  const detached = selected !== null && !rows.some((row) => row.id === selected);
  return (
    <>
      {detached ? <LogDetail id={selected} onSelect={onSelect} /> : null}
      <table className="log-table" aria-label="Webhook attempts">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Webhook</th>
            <th scope="col">Request</th>
            <th scope="col">Result</th>
            <th scope="col">Duration</th>
            <th scope="col">Attempt</th>
            {columns === 'all' ? (
              <>
                <th scope="col">Customer</th>
                <th scope="col">Flow</th>
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Fragment key={row.id}>
              <tr className={row.id === selected ? 'log-row selected' : 'log-row'} data-testid="log-row">
                <td>
                  <button type="button" className="link-like" aria-expanded={row.id === selected} onClick={() => onSelect(row.id === selected ? null : row.id)}>
                    {formatTime(row.startedAt)}
                  </button>{' '}
                  <KindBadges row={row} />
                </td>
                <td>
                  {row.webhook.name ?? <span className="muted">deleted webhook</span>} <code className="muted">{row.webhook.systemName ?? row.webhook.id}</code>
                </td>
                <td className="log-url">
                  <code>
                    <strong>{row.method}</strong> {row.url}
                  </code>
                </td>
                <td>
                  <OutcomeBadge row={row} />
                </td>
                <td>{row.durationMs !== null ? `${row.durationMs} ms` : '–'}</td>
                <td>{row.kind === 'resend' ? 'resend' : `${row.attempt} of ${row.maxAttempts ?? '?'}`}</td>
                {columns === 'all' ? (
                  <>
                    <td>{row.customerId ?? '–'}</td>
                    <td>{row.flow ? <Link href={`/flows/${row.flow.id}`}>{row.flow.name ?? 'deleted flow'}{row.flow.version !== null ? ` v${row.flow.version}` : ''}</Link> : '–'}</td>
                  </>
                ) : null}
              </tr>
              {row.id === selected ? (
                <tr className="log-detail-row">
                  <td colSpan={span}>
                    <LogDetail id={row.id} onSelect={onSelect} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {logs.hasNextPage ? (
        <div className="actions">
          <button type="button" onClick={() => void logs.fetchNextPage()} disabled={logs.isFetchingNextPage}>
            {logs.isFetchingNextPage ? 'Loading more…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </>
  );
}
