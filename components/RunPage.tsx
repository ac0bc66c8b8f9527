'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';
import { ErrorBanner, Loading, useTitle } from './ui';
import { StatusBadge, TestBadge } from './StatusBadge';
import { TemporalLink } from './TemporalLink';

/** One run: its event, customer, and every request and response it made (secrets were masked when logged). */
export function RunPage({ id }: { id: string }) {
  useTitle('Run');
  const trpc = useTRPC();
  const run = useQuery({ ...trpc.runs.get.queryOptions({ id }), refetchInterval: (q) => (q.state.data?.status === 'running' || q.state.data?.status === 'pending' ? 2_000 : false) });
  if (run.isPending) return <main className="page"><Loading what="run" /></main>;
  if (run.isError) return <main className="page"><ErrorBanner error={run.error} /></main>;
  const r = run.data;
  return (
    <main className="page">
      <div className="page-head">
        <h1>
          {r.flow.name} <span className="muted">{r.flowVersion ? `v${r.flowVersion.version}` : 'draft'}</span>
        </h1>
        <StatusBadge status={r.status} /> <TestBadge mode={r.testMode as 'live' | 'dry' | null} />
      </div>
      <section className="card">
        <dl className="details">
          <dt>Workflow</dt>
          <dd>
            <a href={r.temporalUrl} target="_blank" rel="noreferrer">
              {r.workflowId} ↗
            </a>
          </dd>
          <dt>Event</dt>
          <dd>
            <code>{r.event.type}</code> {r.event.id} <TemporalLink href={r.temporalLinks.event}>all runs for this event</TemporalLink>
          </dd>
          <dt>Customer</dt>
          <dd>
            {r.customer.externalId} <TemporalLink href={r.temporalLinks.customer}>all runs for this customer</TemporalLink>
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">Requests</h2>
        {r.attempts.length === 0 ? (
          <p className="empty">No requests yet.</p>
        ) : (
          r.attempts.map((a) => (
            <details key={a.id} className="attempt" open={a.errorClass !== null}>
              <summary>
                <code>{a.nodeId}</code> attempt {a.attempt}: {a.requestMethod} {a.requestUrl} →{' '}
                {a.responseStatus ? `HTTP ${a.responseStatus}` : a.errorClass} {a.durationMs !== null && !a.dryRun ? `(${a.durationMs} ms)` : ''}
                {a.dryRun ? <span className="badge badge-test">dry run: not sent, sample response</span> : null}
              </summary>
              {a.errorMessage ? <p className="error">{a.errorMessage}</p> : null}
              {a.captureError ? <p className="error">Capture: {a.captureError}</p> : null}
              <div className="side-by-side">
                <pre className="http">{`${a.requestMethod} ${a.requestUrl}\n${(a.requestHeaders as { name: string; value: string }[]).map((h) => `${h.name}: ${h.value}`).join('\n')}${a.requestBody ? `\n\n${a.requestBody}` : ''}`}</pre>
                <pre className="http">{a.responseStatus ? `HTTP ${a.responseStatus}\n${Object.entries((a.responseHeaders as Record<string, string>) ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${a.responseBody ?? ''}${a.responseTruncated ? '\n… (truncated)' : ''}` : 'no response'}</pre>
              </div>
              <p className="hint">TransactionalId {a.transactionalId ?? 'none'} · started {new Date(a.startedAt).toLocaleString()}</p>
            </details>
          ))
        )}
      </section>
    </main>
  );
}
