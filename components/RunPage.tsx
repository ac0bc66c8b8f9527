'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTRPC } from './trpc';
import { ErrorBanner, Loading, useTitle } from './ui';
import { StatusBadge, TestBadge } from './StatusBadge';
import { LogList } from './logs/LogList';
import { TemporalLink } from './TemporalLink';

type Steps = Record<string, { kind: string; name: string; outputs: Record<string, string> }>;

/** The steps a finished run took, each by its name, with the output each branch took. */
function RunPath({ steps, trace }: { steps: Steps; trace: { path: string[]; outputs: Record<string, string>; failed: string[] } | null }) {
  if (!trace) return <p className="muted">The path is recorded when the run finishes.</p>;
  return (
    <ol className="run-path" aria-label="Steps taken">
      {trace.path.map((id) => {
        const step = steps[id];
        const output = trace.outputs[id];
        return (
          <li key={id}>
            <span className="muted">{step?.kind ?? 'step'}</span> {step?.kind === 'branch' ? null : <strong>{step?.name ?? id}</strong>}
            {output !== undefined ? <> took <strong>{step?.outputs[output] ?? output}</strong></> : null}
            {trace.failed.includes(id) ? <span className="badge badge-bad"> failed</span> : null}
          </li>
        );
      })}
    </ol>
  );
}

/** One run: its event, customer, the steps it took, and every request and response it made (secrets were masked when logged). */
export function RunPage({ id }: { id: string }) {
  useTitle('Run');
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const run = useQuery({ ...trpc.runs.get.queryOptions({ id }), refetchInterval: (q) => (q.state.data?.status === 'running' || q.state.data?.status === 'pending' ? 2_000 : false) });
  if (run.isPending) return <main className="page"><Loading what="run" /></main>;
  if (run.isError) return <main className="page"><ErrorBanner error={run.error} /></main>;
  const r = run.data;
  return (
    <main className="page wide">
      <div className="page-head">
        <h1>
          <Link href={`/flows/${r.flowId}`}>{r.flow.name}</Link> <span className="muted">{r.flowVersion ? `v${r.flowVersion.version}` : 'draft'}</span>
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
          <dt>Steps</dt>
          <dd>
            <RunPath steps={r.steps} trace={r.trace} />
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">Requests</h2>
        <LogList
          filters={{ run: id }}
          columns="run"
          selected={params.get('attempt')}
          onSelect={(attempt) => router.replace(attempt ? `${pathname}?attempt=${encodeURIComponent(attempt)}` : pathname, { scroll: false })}
          empty="No requests yet."
        />
      </section>
    </main>
  );
}
