'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type RefObject } from 'react';
import { useTRPC } from '../trpc';
import { ErrorBanner, Field } from '../ui';
import { joinUrl } from '@/lib/domain/http/url';
import { METHODS } from '@/lib/domain/http/methods';
import type { ErrorsFor, SetDraft, WebhookDraft } from './draft';

/**
 * The webhook's basics: integration, name, system name (suggested from the name until it is edited by
 * hand; a saved webhook keeps its own), description, method, URL path and the full URL it makes.
 */
export function BasicsSection({
  webhookId,
  draft,
  set,
  errorsFor,
  formError,
  saved,
  rootUrl,
  pathRef,
  onPathFocus,
}: {
  webhookId: string | null;
  draft: WebhookDraft;
  /** stable: the system name suggestion is applied in an effect */
  set: SetDraft;
  errorsFor: ErrorsFor;
  /** a save error that belongs to no field */
  formError: unknown;
  saved: boolean;
  rootUrl: string;
  pathRef: RefObject<HTMLInputElement | null>;
  onPathFocus: () => void;
}) {
  const trpc = useTRPC();
  const [systemNameEdited, setSystemNameEdited] = useState(webhookId !== null);
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const suggested = useQuery({
    ...trpc.webhooks.suggestSystemName.queryOptions({ name: draft.name, excludeId: webhookId ?? undefined }),
    enabled: !systemNameEdited && draft.name.trim() !== '',
  });
  useEffect(() => {
    if (!systemNameEdited && suggested.data) set({ systemName: suggested.data.systemName });
  }, [suggested.data, systemNameEdited, set]);
  const fullUrl = rootUrl ? joinUrl(rootUrl, draft.path) : '';

  return (
    <section className="card" aria-labelledby="basics-heading">
      <h2 id="basics-heading">Basics</h2>
      {formError ? <ErrorBanner error={formError} /> : null}
      {saved ? <div className="banner banner-ok" role="status">Saved.</div> : null}
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
          ref={pathRef}
          value={draft.path}
          onChange={(e) => set({ path: e.target.value })}
          onFocus={onPathFocus}
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
  );
}
