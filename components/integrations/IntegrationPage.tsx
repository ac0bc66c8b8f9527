'use client';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Loading, useTitle } from '../ui';
import { IntegrationForm, rowKey, toInput } from './IntegrationForm';
import { RateLimitPanel } from './RateLimitPanel';
import { SigningPanel } from './SigningPanel';

export function IntegrationPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const created = useSearchParams().get('created') === '1';
  const integration = useQuery(trpc.integrations.get.queryOptions({ id }));
  useTitle(integration.data?.name ?? 'Integration');
  const update = useMutation(
    trpc.integrations.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.integrations.get.queryKey({ id }) }),
    }),
  );
  const remove = useMutation(
    trpc.integrations.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        router.push('/integrations');
      },
    }),
  );
  if (integration.isPending) return <main className="page"><Loading what="integration" /></main>;
  if (integration.isError) return <main className="page"><ErrorBanner error={integration.error} /></main>;
  const data = integration.data;
  return (
    <main className="page">
      <div className="page-head">
        <h1>{data.name}</h1>
        {data.canEdit ? (
          <ConfirmButton
            label="Delete integration"
            title={`Delete ${data.name}?`}
            body={data.webhooks.length > 0 ? <p>Webhooks still use it, so it cannot be deleted yet: {data.webhooks.map((w) => w.name).join(', ')}.</p> : <p>This cannot be undone.</p>}
            confirmLabel="Delete"
            onConfirm={() => remove.mutate({ id })}
            disabled={remove.isPending}
          />
        ) : null}
      </div>
      {created ? <div className="banner banner-ok" role="status">Integration created. Now create its webhooks.</div> : null}
      <ErrorBanner error={remove.error} />

      <section className="card" aria-labelledby="webhooks-heading">
        <div className="page-head">
          <h2 id="webhooks-heading">Webhooks</h2>
          <Link className="button primary" href={`/webhooks/new?integrationId=${id}`}>
            Create webhook
          </Link>
        </div>
        {data.webhooks.length === 0 ? (
          <p className="empty">No webhooks yet. A webhook is one call to this service that flows can send.</p>
        ) : (
          <ul className="plain-list">
            {data.webhooks.map((w) => (
              <li key={w.id}>
                <Link href={`/webhooks/${w.id}`}>{w.name}</Link> <code>{w.systemName}</code>{' '}
                <span className="muted">
                  {w.method} {w.path || '/'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <RateLimitPanel integrationId={id} limit={data.rateLimitPerSecond} />

      <SigningPanel integrationId={id} signing={data.signing} canEdit={data.canEdit} />

      <section className="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        {data.canEdit ? (
          <>
            {update.isSuccess ? <div className="banner banner-ok" role="status">Saved.</div> : null}
            <IntegrationForm
              key={data.updatedAt.toString()}
              initial={{
                name: data.name,
                rootUrl: data.rootUrl,
                rateLimit: data.rateLimitPerSecond === null ? '' : String(data.rateLimitPerSecond),
                connectTimeoutMs: data.connectTimeoutMs,
                requestTimeoutMs: data.requestTimeoutMs,
                sendTraceparent: data.sendTraceparent,
                headers: data.headers.map((h) => ({ key: rowKey(), id: h.id, name: h.name, value: h.value, secret: h.secret })),
              }}
              submitLabel="Save"
              pending={update.isPending}
              error={update.error}
              onSubmit={(value) => update.mutate({ id, data: toInput(value) })}
            />
          </>
        ) : (
          <dl className="details">
            <dt>Root URL</dt>
            <dd>
              <code>{data.rootUrl}</code>
            </dd>
            <dt>Rate limit</dt>
            <dd>{data.rateLimitPerSecond ? `${data.rateLimitPerSecond} requests/second, shared by every webhook of this integration` : 'none'}</dd>
            <dt>Headers</dt>
            <dd>
              {data.headers.length === 0 ? (
                'none'
              ) : (
                <ul className="plain-list">
                  {data.headers.map((h) => (
                    <li key={h.id}>
                      <code>{h.name}</code>: <code>{h.secret ? h.mask : h.value}</code> {h.secret ? <span className="badge badge-muted">secret</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        )}
        {!data.canEdit ? <p className="hint">Only developers and admins can change integrations and see secret values.</p> : null}
      </section>
    </main>
  );
}
