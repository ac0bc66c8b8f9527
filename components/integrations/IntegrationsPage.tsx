'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { QueryView, useTitle } from '../ui';

export function IntegrationsPage({ canCreate }: { canCreate: boolean }) {
  useTitle('Integrations');
  const trpc = useTRPC();
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  return (
    <main className="page">
      <div className="page-head">
        <h1>Integrations</h1>
        {canCreate ? (
          <Link className="button primary" href="/integrations/new">
            Create integration
          </Link>
        ) : null}
      </div>
      <section className="card">
        <QueryView
          query={integrations}
          what="integrations"
          empty={`No integrations yet. An integration holds what all webhooks to one service share: its root URL, headers and rate limit.${canCreate ? ' Create one to start.' : ' Ask a developer or admin to create one.'}`}
        >
          {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Root URL</th>
                <th scope="col">Rate limit</th>
                <th scope="col">Webhooks</th>
              </tr>
            </thead>
            <tbody>
              {data.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link href={`/integrations/${i.id}`}>{i.name}</Link>
                  </td>
                  <td>
                    <code>{i.rootUrl}</code>
                  </td>
                  <td>{i.rateLimitPerSecond ? `${i.rateLimitPerSecond}/s` : 'none'}</td>
                  <td>{i.webhookCount}</td>
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
