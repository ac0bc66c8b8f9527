'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { ErrorBanner } from '../ui';
import type { RequestPreview, WebhookDraft, WebhookSample } from './draft';

function JsonBox({ id, label, value, onChange }: { id: string; label: string; value: unknown; onChange: (value: Record<string, unknown>) => void }) {
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={4}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value || '{}');
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('must be a JSON object');
            setError(null);
            onChange(parsed);
          } catch (err) {
            setError(`Not a JSON object: ${(err as Error).message}`);
          }
        }}
      />
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

function RequestView({ request }: { request: RequestPreview }) {
  return (
    <>
      {request.incomplete?.length ? (
        <p className="hint" role="note" data-testid="preview-incomplete">
          Not shown until fixed: {request.incomplete.join(', ')}.
        </p>
      ) : null}
      <pre className="http" data-testid="test-request">
        {`${request.method} ${request.url}\n${request.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}${request.body ? `\n\n${request.body}` : ''}`}
      </pre>
    </>
  );
}

export function TestSendPanel({ webhookId, draft, sample, setSample, preview }: { webhookId: string | null; draft: WebhookDraft; sample: WebhookSample; setSample: (s: WebhookSample) => void; preview: RequestPreview | null }) {
  const trpc = useTRPC();
  const send = useMutation(trpc.webhooks.testSend.mutationOptions());
  const result = send.data;
  return (
    <section className="card" aria-labelledby="test-heading">
      <h2 id="test-heading">Test send</h2>
      <p className="hint">Renders the request with this sample data and sends it for real. Secret values go on the wire but are masked here.</p>
      <div className="field">
        <label htmlFor="sample-event-type">Event type</label>
        <input id="sample-event-type" value={sample.event.type} onChange={(e) => setSample({ ...sample, event: { ...sample.event, type: e.target.value } })} placeholder="order.placed" maxLength={100} />
      </div>
      <p className="hint">Kept for you and this webhook: the next time you open it, this sample is here.</p>
      <div className="row wrap">
        <JsonBox id="sample-customer" label="Customer attributes" value={sample.customer} onChange={(customer) => setSample({ ...sample, customer })} />
        <JsonBox id="sample-event" label="Event data" value={sample.event.data} onChange={(data) => setSample({ ...sample, event: { ...sample.event, data } })} />
        <JsonBox id="sample-webhooks" label="Earlier webhooks' responses" value={sample.webhooks} onChange={(webhooks) => setSample({ ...sample, webhooks })} />
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={() => send.mutate({ webhookId, webhook: draft, sample })} disabled={send.isPending || !draft.integrationId}>
          {send.isPending ? 'Sending…' : 'Send test request'}
        </button>
      </div>
      <ErrorBanner error={send.error} />
      <div className="side-by-side">
        <div>
          <h3>Request</h3>
          {result?.request ? <RequestView request={result.request} /> : preview ? <RequestView request={preview} /> : <p className="muted">Choose an integration to see the request.</p>}
        </div>
        <div aria-live="polite">
          <h3>Response</h3>
          {!result ? (
            <p className="muted">Not sent yet.</p>
          ) : (
            <>
              {result.problem ? (
                <div className="banner banner-error" role="alert" data-testid="test-problem">
                  {result.problem}
                </div>
              ) : null}
              {result.response?.status ? (
                <pre className="http" data-testid="test-response">
                  {`HTTP ${result.response.status} · ${result.response.durationMs} ms\n${Object.entries(result.response.headers)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join('\n')}\n\n${result.response.body ?? ''}${result.response.truncated ? '\n… (truncated)' : ''}`}
                </pre>
              ) : null}
              {Object.keys(result.fields).length > 0 ? (
                <>
                  <h3>Captured</h3>
                  <pre className="http" data-testid="test-fields">{JSON.stringify(result.fields, null, 2)}</pre>
                </>
              ) : null}
              {result.captureError ? (
                <p className="error" role="alert">
                  Capture: {result.captureError}
                </p>
              ) : null}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
