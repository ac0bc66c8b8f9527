'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';
import { StatusBadge, TestBadge } from './StatusBadge';
import { FlowTable } from './flows/FlowTable';
import { QueryView } from './ui';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function HomePage() {
  const trpc = useTRPC();
  const flows = useQuery(trpc.overview.flows.queryOptions());
  const runs = useQuery({ ...trpc.overview.recentRuns.queryOptions({ limit: 25 }), refetchInterval: 3_000 });

  return (
    <main className="page">
      <section aria-labelledby="flows-heading" className="card">
        <h2 id="flows-heading">Flows</h2>
        <QueryView query={flows} what="flows" empty="No flows yet. A flow starts when a customer event comes in; publish one to see it here.">
          {(data) => <FlowTable flows={data} />}
        </QueryView>
      </section>

      <section aria-labelledby="runs-heading" className="card">
        <h2 id="runs-heading">Recent runs</h2>
        <QueryView query={runs} what="runs" empty={<>No runs yet. Send an event to <code>POST /api/events</code> (npm start prints a ready-to-paste curl).</>}>
          {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Flow</th>
                <th scope="col">Event</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col">Temporal</th>
              </tr>
            </thead>
            <tbody>
              {data.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link href={`/runs/${run.id}`}>{dateTime.format(new Date(run.createdAt))}</Link>
                  </td>
                  <td>{run.flowName}</td>
                  <td>
                    <code>{run.eventType}</code> <span className="muted">{run.eventId}</span>
                  </td>
                  <td>{run.customerId}</td>
                  <td>
                    <StatusBadge status={run.status} /> <TestBadge mode={run.testMode} />
                  </td>
                  <td>
                    <a href={run.temporalUrl} target="_blank" rel="noreferrer" title={run.workflowId}>
                      Open in Temporal UI ↗
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
        </QueryView>
      </section>
    </main>
  );
}
