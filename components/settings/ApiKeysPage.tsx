'use client';
/** Settings → API keys (admins and developers): make a key with scopes (shown once), see and revoke keys. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { API_SCOPES, API_SCOPE_NAMES, type ApiScope } from '@/lib/domain/access/api-scopes';
import { useTRPC } from '../trpc';
import { ConfirmButton, ErrorBanner, Field, fieldErrorsOf, QueryView, useTitle } from '../ui';

const when = (value: string | Date | null) => (value ? new Date(value).toLocaleString() : '–');

function CreateKey() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['logs:read']);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => {
        setName('');
        void queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, scopes });
  };
  return (
    <section className="card" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">Create an API key</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Name" htmlFor="key-name" error={errors.name} hint="What will use it, e.g. “Data warehouse export”.">
          <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </Field>
        <fieldset>
          <legend>Scopes</legend>
          {API_SCOPE_NAMES.map((scope) => (
            <label key={scope} className="toggle">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))}
              />
              <code>{scope}</code> <span className="muted">{API_SCOPES[scope]}</span>
            </label>
          ))}
          {errors.scopes ? <div className="field-error" role="alert">{errors.scopes.join(' ')}</div> : null}
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </button>
        </div>
        {create.error && Object.keys(errors).length === 0 ? <ErrorBanner error={create.error} /> : null}
      </form>
      {create.data ? (
        <div className="banner banner-ok" role="status">
          <p>
            <strong>Copy this key now: it is shown only once.</strong> Hookflow keeps only its hash.
          </p>
          <pre className="http" data-testid="new-api-key">{create.data.key}</pre>
          <p className="hint">
            Use it as <code>Authorization: Bearer &lt;key&gt;</code>, e.g. <code>curl -H &quot;Authorization: Bearer $KEY&quot; {'"$HOOKFLOW/api/logs?outcome=5xx"'}</code> (docs/logs.md).
          </p>
        </div>
      ) : null}
    </section>
  );
}

export function ApiKeysPage() {
  useTitle('API keys');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }) }));
  return (
    <main className="page">
      <div className="page-head">
        <h1>Settings · API keys</h1>
      </div>
      <p className="hint">
        Keys for the HTTP API: <code>GET /api/logs</code> exports the webhook log, <code>POST /api/events</code> sends events. Each key carries only the scopes it is given; a revoked key stops working at once.
      </p>
      <CreateKey />
      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        <ErrorBanner error={revoke.error} />
        <QueryView query={keys} what="API keys" empty="No API keys yet.">
          {(data) => (
            <table aria-label="API keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>hfk_{k.prefix}_…</code>
                    </td>
                    <td>{k.scopes.map((s) => <code key={s}>{s} </code>)}</td>
                    <td>
                      {when(k.createdAt)} <span className="muted">{k.createdBy ?? ''}</span>
                    </td>
                    <td>{when(k.lastUsedAt)}</td>
                    <td className="row-actions">
                      {k.revokedAt ? (
                        <span className="badge badge-muted">revoked {when(k.revokedAt)}</span>
                      ) : (
                        <ConfirmButton label="Revoke" title={`Revoke “${k.name}”?`} body={<p>Anything using this key gets 401 from now on. This cannot be undone.</p>} confirmLabel="Revoke key" onConfirm={() => revoke.mutate({ id: k.id })} />
                      )}
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
