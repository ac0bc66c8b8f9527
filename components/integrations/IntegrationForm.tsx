'use client';
import { useState, type FormEvent } from 'react';
import { Field, fieldErrorsOf, ErrorBanner } from '../ui';
import { HeadersFieldset, type HeaderRow } from './HeadersFieldset';
import { checkRootUrl } from '@/lib/domain/http/url';
import type { IntegrationInput } from '@/lib/domain/schemas/integration';

export { rowKey } from './HeadersFieldset';

export interface IntegrationFormValue {
  name: string;
  rootUrl: string;
  rateLimit: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  sendTraceparent: boolean;
  headers: HeaderRow[];
}

export function toInput(value: IntegrationFormValue): IntegrationInput {
  const rate = value.rateLimit.trim();
  return {
    name: value.name,
    rootUrl: value.rootUrl,
    rateLimitPerSecond: rate === '' ? null : Number(rate),
    connectTimeoutMs: value.connectTimeoutMs,
    requestTimeoutMs: value.requestTimeoutMs,
    sendTraceparent: value.sendTraceparent,
    headers: value.headers.map(({ id, name, value: v, secret }) => ({ id, name, value: v, secret })),
  };
}

export function IntegrationForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  initial: IntegrationFormValue;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (value: IntegrationFormValue) => void;
}) {
  const [value, setValue] = useState(initial);
  const [touchedUrl, setTouchedUrl] = useState(false);
  const errors = fieldErrorsOf(error);
  const set = (patch: Partial<IntegrationFormValue>) => setValue((v) => ({ ...v, ...patch }));
  const urlCheck = checkRootUrl(value.rootUrl);
  const urlError = errors.rootUrl ?? (touchedUrl && !urlCheck.ok ? [urlCheck.message] : undefined);
  const rate = Number(value.rateLimit);
  const rateHint =
    value.rateLimit.trim() === '' ? 'No limit.' : Number.isFinite(rate) && rate > 0 ? `At most ${rate} request${rate === 1 ? '' : 's'} per second (one every ${(1 / rate).toFixed(rate >= 1 ? 3 : 1)} s).` : '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(value);
  };

  return (
    <form onSubmit={submit} className="form" noValidate>
      {error && Object.keys(errors).length === 0 ? <ErrorBanner error={error} /> : null}
      <Field label="Name" htmlFor="integration-name" error={errors.name}>
        <input id="integration-name" value={value.name} onChange={(e) => set({ name: e.target.value })} required maxLength={100} placeholder="e.g. Helpdesk" />
      </Field>
      <Field label="Root URL" htmlFor="integration-root" error={urlError} hint="Every webhook of this integration appends its path to this URL.">
        <input
          id="integration-root"
          value={value.rootUrl}
          onChange={(e) => set({ rootUrl: e.target.value })}
          onBlur={() => setTouchedUrl(true)}
          placeholder="https://api.example.com/v1"
          inputMode="url"
          aria-invalid={urlError ? true : undefined}
        />
      </Field>
      <Field
        label="Rate limit (requests per second)"
        htmlFor="integration-rate"
        error={errors.rateLimitPerSecond}
        hint={
          <>
            Optional. If the receiving service has a rate cap, set the max requests per second here. <strong>Every webhook in this integration counts toward the same limit.</strong> Decimals
            are allowed: 0.5 = one request every 2 seconds. {rateHint}
          </>
        }
      >
        <input id="integration-rate" type="number" min="0" step="any" value={value.rateLimit} onChange={(e) => set({ rateLimit: e.target.value })} placeholder="no limit" />
      </Field>
      <details>
        <summary>Timeouts</summary>
        <div className="row">
          <Field label="Connect timeout (ms)" htmlFor="integration-connect" error={errors.connectTimeoutMs}>
            <input id="integration-connect" type="number" min={100} max={60000} value={value.connectTimeoutMs} onChange={(e) => set({ connectTimeoutMs: Number(e.target.value) })} />
          </Field>
          <Field label="Request timeout (ms)" htmlFor="integration-request" error={errors.requestTimeoutMs}>
            <input id="integration-request" type="number" min={100} max={120000} value={value.requestTimeoutMs} onChange={(e) => set({ requestTimeoutMs: Number(e.target.value) })} />
          </Field>
        </div>
      </details>
      <div className="field">
        <label className="toggle">
          <input id="integration-traceparent" type="checkbox" checked={value.sendTraceparent} onChange={(e) => set({ sendTraceparent: e.target.checked })} aria-describedby="integration-traceparent-hint" /> Send a{' '}
          <code>traceparent</code> header
        </label>
        <div id="integration-traceparent-hint" className="hint">
          Off by default. When Hookflow exports traces (OTEL_EXPORTER_OTLP_ENDPOINT), each request carries the W3C trace context, so the receiving service can join the same trace.
        </div>
      </div>

      <HeadersFieldset headers={value.headers} errors={errors} onChange={(headers) => set({ headers })} />

      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
