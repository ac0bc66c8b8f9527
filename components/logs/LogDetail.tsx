'use client';
/**
 * One attempt in full: the request and the response side by side (secret and credential headers masked,
 * JSON bodies pretty-printed), every attempt of its step (they share the TransactionalId) with the retry
 * delay chosen and why, what was captured, links to the run, the flow and Temporal, and Resend.
 */
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LogEntry } from '@/lib/domain/logs/entry';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Loading } from '../ui';
import { formatTime, KindBadges, OutcomeBadge } from './OutcomeBadge';

/** A body as sent or received: pretty-printed when it is JSON. */
function prettyBody(body: string | null): string {
  if (body === null || body === '') return '(no body)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function Request({ entry }: { entry: LogEntry }) {
  return (
    <section aria-label="Request" className="http-part">
      <h3>Request</h3>
      <pre className="http" data-testid="log-request">{`${entry.request.method} ${entry.request.url}\n${entry.request.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}\n\n${prettyBody(entry.request.body)}`}</pre>
    </section>
  );
}

function Response({ entry }: { entry: LogEntry }) {
  const r = entry.response;
  return (
    <section aria-label="Response" className="http-part">
      <h3>Response</h3>
      <pre className="http" data-testid="log-response">
        {r
          ? `HTTP ${r.status}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${prettyBody(r.body)}${r.truncated ? '\n… (truncated: the log keeps 64 KB)' : ''}`
          : `No response: ${entry.errorMessage ?? entry.errorClass ?? 'the request was not sent'}`}
      </pre>
    </section>
  );
}

function retryText(a: LogEntry): string {
  if (a.kind === 'resend') return `manual resend${a.actor ? ` by ${a.actor}` : ''}`;
  if (a.kind === 'test') return `test send${a.actor ? ` by ${a.actor}` : ''}`;
  if (!a.retry) return a.outcome === '2xx' ? 'delivered' : '';
  if (a.retry.delayMs !== null) return `retried after ${Math.round(a.retry.delayMs / 100) / 10} s: ${a.retry.reason ?? ''}`;
  return `not retried: ${a.retry.reason ?? ''}`;
}

function Attempts({ chain, current, onSelect }: { chain: LogEntry[]; current: string; onSelect: (id: string) => void }) {
  return (
    <section aria-label="Attempts of this step">
      <h3>Attempts of this step</h3>
      <ol className="plain-list attempt-chain" data-testid="log-chain">
        {chain.map((a) => (
          <li key={a.id} className={a.id === current ? 'current' : undefined}>
            <button type="button" className="link-like" onClick={() => onSelect(a.id)} disabled={a.id === current}>
              {a.kind === 'resend' ? 'Resend' : `Attempt ${a.attempt} of ${a.maxAttempts ?? '?'}`}
            </button>{' '}
            <span className="muted">{formatTime(a.startedAt)}</span> <OutcomeBadge row={a} /> {a.durationMs !== null ? <span className="muted">{a.durationMs} ms</span> : null}{' '}
            <span className="hint">{retryText(a)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function ResendButton({ id, blocked }: { id: string; blocked: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resend = useMutation(
    trpc.logs.resend.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.logs.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.logs.get.pathKey() });
      },
    }),
  );
  return (
    <div className="resend">
      <ConfirmButton
        label={resend.isPending ? 'Resending…' : 'Resend'}
        className="primary"
        disabled={blocked !== null || resend.isPending}
        title="Resend this request?"
        body={<p>The request is rendered again from the data it was sent with, with the webhook as it is now, and sent to the service for real. It is recorded as a new attempt, marked as your manual resend.</p>}
        confirmLabel="Resend now"
        onConfirm={() => resend.mutate({ id })}
      />
      {blocked ? (
        <p className="hint" data-testid="resend-blocked">
          {blocked}
        </p>
      ) : null}
      {resend.data ? (
        <p className="banner banner-ok" role="status">
          Resent: {resend.data.status !== null ? `HTTP ${resend.data.status}` : (resend.data.errorMessage ?? resend.data.errorClass)}. The new attempt is in the list.
        </p>
      ) : null}
      <ErrorBanner error={resend.error} />
    </div>
  );
}

export function LogDetail({ id, onSelect }: { id: string; onSelect: (id: string | null) => void }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.logs.get.queryOptions({ id }));
  if (detail.isPending) return <Loading what="attempt" />;
  if (detail.isError) return <ErrorBanner error={detail.error} />;
  const { entry, chain, links, resendBlocked } = detail.data;
  return (
    <div className="log-detail" role="region" aria-label="Attempt details">
      <div className="page-head">
        <h3>
          {entry.webhook.name ?? 'Deleted webhook'} <code className="muted">{entry.webhook.systemName}</code> <OutcomeBadge row={entry} /> <KindBadges row={entry} />
        </h3>
        <button type="button" onClick={() => onSelect(null)}>
          Close
        </button>
      </div>
      {entry.errorMessage ? <p className="error">{entry.errorMessage}</p> : null}
      <p className="hint">
        {entry.kind === 'resend' ? 'Manual resend' : `Attempt ${entry.attempt} of ${entry.maxAttempts ?? '?'}`} · started {formatTime(entry.startedAt)}
        {entry.durationMs !== null ? ` · ${entry.durationMs} ms` : ''} · TransactionalId <code>{entry.transactionalId ?? 'none'}</code>
        {entry.customerId ? <> · customer <code>{entry.customerId}</code></> : null}
        {entry.eventId ? <> · event <code>{entry.eventId}</code></> : null}
      </p>
      <nav className="row wrap log-links" aria-label="Related">
        {links.run ? <Link href={links.run}>Open the run</Link> : null}
        {links.flow ? <Link href={links.flow}>Open the flow on the canvas{entry.flow?.version ? ` (v${entry.flow.version})` : ''}</Link> : null}
        <Link href={links.webhook}>Open the webhook</Link>
        {links.temporal ? (
          <a href={links.temporal} target="_blank" rel="noreferrer">
            Open the run in Temporal UI ↗
          </a>
        ) : null}
      </nav>
      <div className="side-by-side">
        <Request entry={entry} />
        <Response entry={entry} />
      </div>
      <div className="side-by-side">
        <Attempts chain={chain} current={entry.id} onSelect={onSelect} />
        <section aria-label="Captured">
          <h3>Captured</h3>
          {entry.captureError ? <p className="error" data-testid="log-capture-error">Capture: {entry.captureError}</p> : null}
          {entry.captured && Object.keys(entry.captured).length > 0 ? (
            <pre className="http" data-testid="log-captured">{JSON.stringify(entry.captured, null, 2)}</pre>
          ) : (
            <p className="muted">{entry.outcome === '2xx' ? 'Nothing: this webhook captures no fields.' : 'Nothing: fields are captured from successful responses.'}</p>
          )}
          <ResendButton id={entry.id} blocked={resendBlocked} />
        </section>
      </div>
    </div>
  );
}
