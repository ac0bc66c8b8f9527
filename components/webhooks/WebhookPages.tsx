'use client';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Loading, QueryView, useTitle } from '../ui';
import { WebhookEditor } from './WebhookEditor';

export function WebhooksPage() {
  useTitle('Webhooks');
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const webhooks = useQuery(trpc.webhooks.list.queryOptions({}));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const copy = useMutation(trpc.webhooks.copy.mutationOptions({ onSuccess: ({ id }) => router.push(`/webhooks/${id}?copied=1`) }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  return (
    <main className="page">
      <div className="page-head">
        <h1>Webhooks</h1>
        <Link className="button primary" href="/webhooks/new">
          Create webhook
        </Link>
      </div>
      <ErrorBanner error={copy.error ?? remove.error} />
      <section className="card">
        <QueryView query={webhooks} what="webhooks" empty="No webhooks yet. Create one from an integration page, or here.">
          {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">System name</th>
                <th scope="col">Integration</th>
                <th scope="col">Request</th>
                <th scope="col">Retries</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link href={`/webhooks/${w.id}`}>{w.name}</Link>
                  </td>
                  <td>
                    <code>{w.systemName}</code>
                  </td>
                  <td>
                    <Link href={`/integrations/${w.integrationId}`}>{w.integrationName}</Link>
                  </td>
                  <td>
                    <code>
                      {w.method} {w.path || '/'}
                    </code>
                  </td>
                  <td>{w.retryRule}</td>
                  <td className="row-actions">
                    <details className="menu">
                      <summary aria-label={`Actions for ${w.name}`}>⋯</summary>
                      <div className="menu-items">
                        <button type="button" onClick={() => copy.mutate({ id: w.id })}>
                          Copy
                        </button>
                        <ConfirmButton label="Delete" title={`Delete ${w.name}?`} body={<p>This cannot be undone.</p>} confirmLabel="Delete webhook" onConfirm={() => remove.mutate({ id: w.id })} />
                      </div>
                    </details>
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

export function NewWebhookPage() {
  const integrationId = useSearchParams().get('integrationId') ?? '';
  return (
    <WebhookEditor
      webhookId={null}
      initial={{
        integrationId,
        name: '',
        systemName: '',
        description: '',
        method: 'POST',
        path: '',
        headers: [],
        disabledHeaders: [],
        bodyTemplate: '{\n  "email": "${Customer.Email}"\n}',
        captureEnabled: false,
        captureFields: [],
        maxRetries: null,
        retryWindowSeconds: null,
      }}
    />
  );
}

export function EditWebhookPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const webhook = useQuery(trpc.webhooks.get.queryOptions({ id }));
  if (webhook.isPending) return <main className="page"><Loading what="webhook" /></main>;
  if (webhook.isError) return <main className="page"><ErrorBanner error={webhook.error} /></main>;
  const { id: _id, ...initial } = webhook.data;
  return (
    <>
      {params.get('copied') === '1' ? <div className="banner banner-ok page-banner" role="status">Copied. This is the copy: rename it and save.</div> : null}
      {params.get('created') === '1' ? <div className="banner banner-ok page-banner" role="status">Webhook created.</div> : null}
      <WebhookEditor key={id} webhookId={id} initial={initial} />
    </>
  );
}
