'use client';
/**
 * The webhook editor: basics, the full URL preview, the idempotency key, headers, the body template with
 * a variable picker, response capture, retry settings and a real test send. One editor for new and
 * existing webhooks.
 */
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTRPC, useTRPCClient } from '../trpc';
import { CodeEditor, type CodeEditorHandle, type EditorProblem } from '../CodeEditor';
import { ConfirmButton, ErrorBanner, Field, fieldErrorsOf, useTitle, FieldMessages } from '../ui';
import { VariablePicker } from './VariablePicker';
import { TemplateHelp } from './TemplateHelp';
import { CaptureSection } from './CaptureSection';
import { TestSendPanel } from './TestSendPanel';
import { appendQueryParam, joinUrl } from '@/lib/domain/http/url';
import { METHODS } from '@/lib/domain/webhook/request';
import { SECRET_MASK } from '@/lib/domain/http/headers';
import { TRANSACTIONAL_ID_VARIABLE } from '@/lib/domain/webhook/idempotency';
import { EMPTY_SAMPLE, insertBodyField, type WebhookDraft, type WebhookSample } from './draft';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function WebhookEditor({ webhookId, initial }: { webhookId: string | null; initial: WebhookDraft }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<WebhookDraft>(initial);
  const [systemNameEdited, setSystemNameEdited] = useState(webhookId !== null);
  const [headerKeyName, setHeaderKeyName] = useState('Idempotency-Key');
  const [bodyKeyName, setBodyKeyName] = useState('request_id');
  const [queryKeyName, setQueryKeyName] = useState('transactional_id');
  const [sample, setSample] = useState<WebhookSample>(EMPTY_SAMPLE);
  const bodyEditor = useRef<CodeEditorHandle>(null);
  const [lastFocus, setLastFocus] = useState<'body' | 'path' | `header-${number}`>('body');
  const pathInput = useRef<HTMLInputElement>(null);
  useTitle(draft.name || 'New webhook');

  const set = (patch: Partial<WebhookDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const integration = useQuery({ ...trpc.integrations.get.queryOptions({ id: draft.integrationId }), enabled: draft.integrationId !== '' });
  const suggested = useQuery({
    ...trpc.webhooks.suggestSystemName.queryOptions({ name: draft.name, excludeId: webhookId ?? undefined }),
    enabled: !systemNameEdited && draft.name.trim() !== '',
  });
  useEffect(() => {
    if (!systemNameEdited && suggested.data) setDraft((d) => ({ ...d, systemName: suggested.data.systemName }));
  }, [suggested.data, systemNameEdited]);

  const debouncedDraft = useDebounced(draft, 300);
  const debouncedSample = useDebounced(sample, 300);
  const client = useTRPCClient();
  // The check is a POST (templates can be large), run like a query: debounced, latest wins.
  const check = useQuery({
    queryKey: ['webhook-check', debouncedDraft, debouncedSample],
    enabled: debouncedDraft.integrationId !== '',
    queryFn: () => client.webhooks.check.mutate({ webhook: debouncedDraft, sample: debouncedSample }),
    placeholderData: (previous) => previous,
  });

  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.get.queryKey({ id: webhookId ?? '' }) }),
    }),
  );
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (result) => {
        if (result) router.push(`/webhooks/${result.id}?created=1`);
      },
    }),
  );
  const save = webhookId ? update : create;
  const copy = useMutation(trpc.webhooks.copy.mutationOptions({ onSuccess: ({ id }) => router.push(`/webhooks/${id}?copied=1`) }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: () => router.push(`/integrations/${draft.integrationId}`) }));

  const saveErrors = fieldErrorsOf(save.error);
  const liveErrors = check.data?.fieldErrors ?? {};
  const errorsFor = (field: string) => saveErrors[field] ?? liveErrors[field];
  const bodyProblems: EditorProblem[] = useMemo(
    () => (liveErrors.bodyTemplate ?? []).map((message) => ({ message, line: Number(/^Line (\d+)/.exec(message)?.[1] ?? 1) })),
    [liveErrors.bodyTemplate],
  );

  const inherited = integration.data?.headers ?? [];
  const rootUrl = integration.data?.rootUrl ?? '';
  const fullUrl = rootUrl ? joinUrl(rootUrl, draft.path) : '';
  const usesId = check.data?.usesTransactionalId ?? false;
  const ruleText = check.data?.retryRule ?? 'sent once';

  const insertVariable = (path: string) => {
    const text = `\${${path}}`;
    if (lastFocus === 'path') {
      const input = pathInput.current;
      const at = input?.selectionStart ?? draft.path.length;
      set({ path: draft.path.slice(0, at) + text + draft.path.slice(input?.selectionEnd ?? at) });
    } else if (lastFocus.startsWith('header-')) {
      const index = Number(lastFocus.slice(7));
      set({ headers: draft.headers.map((h, i) => (i === index ? { ...h, value: h.value + text } : h)) });
    } else {
      bodyEditor.current?.insert(text);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (webhookId) update.mutate({ id: webhookId, data: draft });
    else create.mutate(draft);
  };

  return (
    <main className="page editor-page">
      <div className="page-head">
        <h1>{webhookId ? draft.name || 'Webhook' : 'Create webhook'}</h1>
        {webhookId ? (
          <div className="row">
            <button type="button" onClick={() => copy.mutate({ id: webhookId })} disabled={copy.isPending}>
              {copy.isPending ? 'Copying…' : 'Copy'}
            </button>
            <ConfirmButton label="Delete" title={`Delete ${draft.name}?`} body={<p>Its attempt log stays with the runs that used it. This cannot be undone.</p>} confirmLabel="Delete webhook" onConfirm={() => remove.mutate({ id: webhookId })} />
          </div>
        ) : null}
      </div>
      <ErrorBanner error={remove.error ?? copy.error} />
      <form onSubmit={submit} className="editor-grid" noValidate>
        <div className="editor-main">
          <section className="card" aria-labelledby="basics-heading">
            <h2 id="basics-heading">Basics</h2>
            {save.error && Object.keys(saveErrors).length === 0 ? <ErrorBanner error={save.error} /> : null}
            {save.isSuccess && webhookId ? <div className="banner banner-ok" role="status">Saved.</div> : null}
            <Field label="Integration" htmlFor="wh-integration" error={errorsFor('integrationId')}>
              <select id="wh-integration" value={draft.integrationId} onChange={(e) => set({ integrationId: e.target.value, disabledHeaders: [] })}>
                <option value="">Choose…</option>
                {integrations.data?.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Name" htmlFor="wh-name" error={errorsFor('name')}>
              <input id="wh-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} maxLength={100} placeholder="e.g. Create helpdesk ticket" />
            </Field>
            <Field label="System name" htmlFor="wh-system" error={errorsFor('systemName')} hint="Unique. Letters, digits and underscores, starting with a letter. Flows refer to this webhook's response as Webhooks.<system name>.">
              <input
                id="wh-system"
                value={draft.systemName}
                onChange={(e) => {
                  setSystemNameEdited(true);
                  set({ systemName: e.target.value });
                }}
                maxLength={64}
                spellCheck={false}
              />
            </Field>
            <Field label="Description" htmlFor="wh-description" error={errorsFor('description')}>
              <textarea id="wh-description" rows={2} value={draft.description} onChange={(e) => set({ description: e.target.value })} />
            </Field>
            <div className="row">
              <Field label="Method" htmlFor="wh-method">
                <select id="wh-method" value={draft.method} onChange={(e) => set({ method: e.target.value as WebhookDraft['method'] })}>
                  {METHODS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </Field>
              <Field label="Root URL (from the integration)" htmlFor="wh-root">
                <input id="wh-root" value={rootUrl} readOnly aria-readonly="true" className="readonly" />
              </Field>
            </div>
            <Field label="URL path" htmlFor="wh-path" error={errorsFor('path')} hint="Appended to the root URL. May be blank, and may contain variables such as ${Customer.Id}.">
              <input
                id="wh-path"
                ref={pathInput}
                value={draft.path}
                onChange={(e) => set({ path: e.target.value })}
                onFocus={() => setLastFocus('path')}
                spellCheck={false}
                placeholder="/tickets"
              />
            </Field>
            <Field label="Full URL" htmlFor="wh-full-url">
              <output id="wh-full-url" className="url-preview" aria-live="polite">
                {fullUrl || 'Choose an integration to see the full URL'}
              </output>
            </Field>
          </section>

          <section className="card" aria-labelledby="idem-heading">
            <h2 id="idem-heading">Idempotency key</h2>
            <p className={`rule ${usesId ? 'rule-retry' : 'rule-once'}`} role="status" data-testid="retry-rule">
              This webhook is <strong>{ruleText}</strong>.
            </p>
            <p className="hint">
              A webhook that carries <code>{TRANSACTIONAL_ID_VARIABLE}</code> (in the URL, a header or the body) is retried up to 3 times within 6 minutes on 5xx and 429 answers, timeouts and
              connection errors, with the same id on every attempt. Without it, it is sent once. <strong>Check the receiving service&apos;s API docs</strong>: it must treat a repeated id as the same
              request, or a retry may create duplicates.
            </p>
            <div className="idem-actions">
              <div className="row">
                <label htmlFor="idem-query-name" className="visually-hidden">
                  Query parameter name
                </label>
                <input id="idem-query-name" value={queryKeyName} onChange={(e) => setQueryKeyName(e.target.value)} size={16} />
                <button type="button" onClick={() => set({ path: appendQueryParam(draft.path, queryKeyName, TRANSACTIONAL_ID_VARIABLE) })}>
                  Insert as query parameter
                </button>
              </div>
              <div className="row">
                <label htmlFor="idem-header-name" className="visually-hidden">
                  Header name
                </label>
                <input id="idem-header-name" value={headerKeyName} onChange={(e) => setHeaderKeyName(e.target.value)} size={16} />
                <button type="button" onClick={() => set({ headers: [...draft.headers.filter((h) => h.name.toLowerCase() !== headerKeyName.toLowerCase()), { name: headerKeyName, value: TRANSACTIONAL_ID_VARIABLE }] })}>
                  Insert as header
                </button>
              </div>
              <div className="row">
                <label htmlFor="idem-body-name" className="visually-hidden">
                  Body field name
                </label>
                <input id="idem-body-name" value={bodyKeyName} onChange={(e) => setBodyKeyName(e.target.value)} size={16} />
                <button type="button" onClick={() => set({ bodyTemplate: insertBodyField(draft.bodyTemplate, bodyKeyName) })}>
                  Insert as body field
                </button>
              </div>
            </div>
            <details>
              <summary>Retry settings</summary>
              <p className="hint">They can make the rule stricter for this webhook (fewer retries, a shorter window), never looser.</p>
              <div className="row">
                <Field label="Retries (0-3)" htmlFor="wh-retries" error={errorsFor('maxRetries')}>
                  <input id="wh-retries" type="number" min={0} max={3} value={draft.maxRetries ?? ''} placeholder="3" onChange={(e) => set({ maxRetries: e.target.value === '' ? null : Number(e.target.value) })} />
                </Field>
                <Field label="Within (seconds, 1-360)" htmlFor="wh-window" error={errorsFor('retryWindowSeconds')}>
                  <input id="wh-window" type="number" min={1} max={360} value={draft.retryWindowSeconds ?? ''} placeholder="360" onChange={(e) => set({ retryWindowSeconds: e.target.value === '' ? null : Number(e.target.value) })} />
                </Field>
              </div>
            </details>
          </section>

          <section className="card" aria-labelledby="headers-heading">
            <h2 id="headers-heading">Headers</h2>
            <h3>From the integration</h3>
            {inherited.length === 0 ? (
              <p className="empty">The integration has no headers.</p>
            ) : (
              <ul className="plain-list">
                {inherited.map((h) => {
                  const off = draft.disabledHeaders.some((d) => d.toLowerCase() === h.name.toLowerCase());
                  return (
                    <li key={h.id}>
                      <label>
                        <input
                          type="checkbox"
                          checked={!off}
                          onChange={(e) => set({ disabledHeaders: e.target.checked ? draft.disabledHeaders.filter((d) => d.toLowerCase() !== h.name.toLowerCase()) : [...draft.disabledHeaders, h.name] })}
                        />{' '}
                        Use <code>{h.name}</code>: <code>{h.secret ? SECRET_MASK : h.value}</code>
                      </label>
                    </li>
                  );
                })}
              </ul>
            )}
            <h3>This webhook&apos;s own</h3>
            {draft.headers.map((header, index) => (
              <div className="row header-row" key={index}>
                <input aria-label={`Webhook header ${index + 1} name`} value={header.name} onChange={(e) => set({ headers: draft.headers.map((h, i) => (i === index ? { ...h, name: e.target.value } : h)) })} placeholder="Name" />
                <input
                  aria-label={`Webhook header ${index + 1} value`}
                  value={header.value}
                  onFocus={() => setLastFocus(`header-${index}`)}
                  onChange={(e) => set({ headers: draft.headers.map((h, i) => (i === index ? { ...h, value: e.target.value } : h)) })}
                  placeholder="Value (variables allowed)"
                />
                <button type="button" aria-label={`Remove webhook header ${index + 1}`} onClick={() => set({ headers: draft.headers.filter((_, i) => i !== index) })}>
                  Remove
                </button>
                <FieldMessages messages={[...(errorsFor(`headers.${index}.value`) ?? []), ...(errorsFor(`headers.${index}.name`) ?? [])]} />
              </div>
            ))}
            <button type="button" onClick={() => set({ headers: [...draft.headers, { name: '', value: '' }] })}>
              Add header
            </button>
            <h3>Sent as</h3>
            {check.data?.preview ? (
              <table className="compact" data-testid="headers-preview">
                <tbody>
                  {check.data.preview.headers.map((h) => (
                    <tr key={h.name}>
                      <th scope="row">{h.name}</th>
                      <td>
                        <code>{h.value}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">The preview appears when the templates are valid.</p>
            )}
          </section>

          <section className="card" aria-labelledby="body-heading">
            <div className="page-head">
              <h2 id="body-heading">Body</h2>
              <TemplateHelp />
            </div>
            <p className="hint">A JSON template. Values from variables are escaped for JSON, so the body stays valid for any customer data.</p>
            <div onFocus={() => setLastFocus('body')}>
              <CodeEditor ref={bodyEditor} id="wh-body" label="Body template" value={draft.bodyTemplate} onChange={(bodyTemplate) => set({ bodyTemplate })} problems={bodyProblems} />
            </div>
            <FieldMessages messages={(errorsFor('bodyTemplate') ?? [])} />
          </section>

          <CaptureSection draft={draft} set={set} errorsFor={errorsFor} />

          <TestSendPanel webhookId={webhookId} draft={draft} sample={sample} setSample={setSample} preview={check.data?.preview ?? null} />

          <div className="actions sticky-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : webhookId ? 'Save' : 'Create webhook'}
            </button>
            {draft.integrationId ? <Link href={`/integrations/${draft.integrationId}`}>Back to integration</Link> : null}
          </div>
        </div>
        <aside className="editor-side" aria-label="Variables">
          <VariablePicker excludeWebhookId={webhookId ?? undefined} onPick={insertVariable} target={lastFocus === 'path' ? 'URL path' : lastFocus.startsWith('header-') ? 'header value' : 'body'} />
        </aside>
      </form>
    </main>
  );
}
