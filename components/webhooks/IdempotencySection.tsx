'use client';
import { useState } from 'react';
import { Field } from '../ui';
import { appendQueryParam } from '@/lib/domain/http/url';
import { TRANSACTIONAL_ID_VARIABLE } from '@/lib/domain/webhook/transactional-id';
import { insertBodyField, type ErrorsFor, type SetDraft, type WebhookDraft } from './draft';

/**
 * The idempotency key: whether the webhook is retried (from the live check), buttons that add the
 * TransactionalId as a query parameter, a header or a body field, and the retry settings.
 */
export function IdempotencySection({ draft, set, errorsFor, usesId, ruleText }: { draft: WebhookDraft; set: SetDraft; errorsFor: ErrorsFor; usesId: boolean; ruleText: string }) {
  const [headerKeyName, setHeaderKeyName] = useState('Idempotency-Key');
  const [bodyKeyName, setBodyKeyName] = useState('request_id');
  const [queryKeyName, setQueryKeyName] = useState('transactional_id');
  return (
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
  );
}
