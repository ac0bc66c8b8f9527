'use client';
import { useState, type FormEvent } from 'react';
import { Field, fieldErrorsOf, ErrorBanner, FieldMessages } from '../ui';
import { checkRootUrl } from '@/lib/domain/http/url';
import type { IntegrationInput } from '@/lib/domain/schemas/integration';

export interface HeaderRow {
  key: string;
  id?: string;
  name: string;
  /** null: an existing secret value the browser does not have (kept unless replaced) */
  value: string | null;
  secret: boolean;
}

export interface IntegrationFormValue {
  name: string;
  rootUrl: string;
  rateLimit: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  headers: HeaderRow[];
}

const SUGGESTED = [
  { name: 'Authorization', value: 'Bearer ', secret: true },
  { name: 'Content-Type', value: 'application/json', secret: false },
];

let keys = 0;
export const rowKey = () => `h${++keys}`;

export function toInput(value: IntegrationFormValue): IntegrationInput {
  const rate = value.rateLimit.trim();
  return {
    name: value.name,
    rootUrl: value.rootUrl,
    rateLimitPerSecond: rate === '' ? null : Number(rate),
    connectTimeoutMs: value.connectTimeoutMs,
    requestTimeoutMs: value.requestTimeoutMs,
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
  const setHeader = (index: number, patch: Partial<HeaderRow>) => set({ headers: value.headers.map((h, i) => (i === index ? { ...h, ...patch } : h)) });
  const move = (index: number, delta: number) => {
    const target = index + delta;
    if (target < 0 || target >= value.headers.length) return;
    const headers = [...value.headers];
    [headers[index], headers[target]] = [headers[target]!, headers[index]!];
    set({ headers });
  };
  const urlCheck = checkRootUrl(value.rootUrl);
  const urlError = errors.rootUrl ?? (touchedUrl && !urlCheck.ok ? [urlCheck.message] : undefined);
  const rate = Number(value.rateLimit);
  const rateHint =
    value.rateLimit.trim() === '' ? 'No limit.' : Number.isFinite(rate) && rate > 0 ? `At most ${rate} request${rate === 1 ? '' : 's'} per second (one every ${(1 / rate).toFixed(rate >= 1 ? 3 : 1)} s).` : '';
  const missingSuggestions = SUGGESTED.filter((s) => !value.headers.some((h) => h.name.toLowerCase() === s.name.toLowerCase()));

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

      <fieldset className="headers-table">
        <legend>Headers</legend>
        <p className="hint">Sent with every webhook of this integration (each webhook can switch any of them off). Secret values are encrypted and hidden from teammates without integration access.</p>
        {value.headers.length === 0 ? <p className="empty">No headers yet.</p> : null}
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Secret</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {value.headers.map((header, index) => (
              <tr key={header.key}>
                <td>
                  <input aria-label={`Header ${index + 1} name`} value={header.name} onChange={(e) => setHeader(index, { name: e.target.value })} list="header-suggestions" />
                  <FieldMessages messages={errors[`headers.${index}.name`]} />
                </td>
                <td>
                  <input
                    aria-label={`Header ${index + 1} value`}
                    type={header.secret ? 'password' : 'text'}
                    autoComplete="off"
                    value={header.value ?? ''}
                    placeholder={header.value === null ? 'unchanged (secret is stored)' : ''}
                    onChange={(e) => setHeader(index, { value: e.target.value })}
                  />
                  <FieldMessages messages={errors[`headers.${index}.value`]} />
                </td>
                <td>
                  <input type="checkbox" aria-label={`Header ${index + 1} is secret`} checked={header.secret} onChange={(e) => setHeader(index, { secret: e.target.checked })} />
                </td>
                <td className="row-actions">
                  <button type="button" aria-label={`Move header ${index + 1} up`} onClick={() => move(index, -1)} disabled={index === 0}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move header ${index + 1} down`} onClick={() => move(index, 1)} disabled={index === value.headers.length - 1}>
                    ↓
                  </button>
                  <button type="button" aria-label={`Remove header ${index + 1}`} onClick={() => set({ headers: value.headers.filter((_, i) => i !== index) })}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <datalist id="header-suggestions">
          {['Authorization', 'Content-Type', 'Accept', 'X-Api-Key', 'User-Agent'].map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <div className="row">
          <button type="button" onClick={() => set({ headers: [...value.headers, { key: rowKey(), name: '', value: '', secret: false }] })}>
            Add header
          </button>
          {missingSuggestions.map((s) => (
            <button key={s.name} type="button" className="suggestion" onClick={() => set({ headers: [...value.headers, { key: rowKey(), ...s }] })}>
              + {s.name}
              {s.secret ? ' (secret)' : `: ${s.value}`}
            </button>
          ))}
        </div>
      </fieldset>

      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
