'use client';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Loading, QueryView, useTitle } from '../ui';
import { WebhookEditor } from './WebhookEditor';
import { LogList } from '../logs/LogList';

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
  const router = useRouter();
  const pathname = usePathname();
  const webhook = useQuery(trpc.webhooks.get.queryOptions({ id }));
  if (webhook.isPending) return <main className="page"><Loading what="webhook" /></main>;
  if (webhook.isError) return <main className="page"><ErrorBanner error={webhook.error} /></main>;
  const { id: _id, ...initial } = webhook.data;
  const tab = params.get('tab') === 'logs' ? 'logs' : 'settings';
  const show = (next: 'settings' | 'logs', attempt?: string | null) =>
    router.replace(next === 'logs' ? `${pathname}?tab=logs${attempt ? `&attempt=${encodeURIComponent(attempt)}` : ''}` : pathname, { scroll: false });
  return (
    <>
      {params.get('copied') === '1' ? <div className="banner banner-ok page-banner" role="status">Copied. This is the copy: rename it and save.</div> : null}
      {params.get('created') === '1' ? <div className="banner banner-ok page-banner" role="status">Webhook created.</div> : null}
      <div className="tabs page-tabs" role="tablist" aria-label="Webhook">
        <button type="button" role="tab" className={`tab${tab === 'settings' ? ' active' : ''}`} aria-selected={tab === 'settings'} onClick={() => show('settings')}>
          Settings
        </button>
        <button type="button" role="tab" className={`tab${tab === 'logs' ? ' active' : ''}`} aria-selected={tab === 'logs'} onClick={() => show('logs')}>
          Logs
        </button>
      </div>
      {/* The editor stays mounted under the Logs tab: unsaved edits survive a look at the log. */}
      <div hidden={tab !== 'settings'}>
        <WebhookEditor key={id} webhookId={id} initial={initial} />
      </div>
      {tab === 'logs' ? (
        <main className="page wide">
          <section className="card" aria-label={`Logs of ${initial.name}`}>
            <p className="hint">
              Every attempt of <strong>{initial.name}</strong> (<code>{initial.systemName}</code>): flow runs, test sends and resends. <Link href={`/logs?webhook=${initial.systemName}`}>Filter more on the Logs page</Link>
            </p>
            <LogList filters={{ webhook: id }} selected={params.get('attempt')} onSelect={(attempt) => show('logs', attempt)} empty="No attempts yet: test-send this webhook, or run a flow that sends it." />
          </section>
        </main>
      ) : null}
    </>
  );
}
