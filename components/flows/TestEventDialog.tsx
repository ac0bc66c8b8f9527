'use client';
/** "Send test event": sample customer attributes and event data, sent through the real ingestion path. */
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTRPC } from '../trpc';
import { ErrorBanner, Field } from '../ui';

const SAMPLE_ATTRIBUTES = '{\n  "email": "ada@example.com",\n  "first_name": "Ada",\n  "tier": "gold"\n}';

function parseObject(label: string, text: string): { value?: Record<string, unknown>; error?: string } {
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: `${label} must be a JSON object, like {"key": "value"}` };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `${label} is not valid JSON: ${(error as Error).message}` };
  }
}

export function TestEventDialog({ flowId, eventType, disabled, disabledReason, onSent }: { flowId: string; eventType: string; disabled: boolean; disabledReason: string; onSent: (runId: string) => void }) {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const [customerId, setCustomerId] = useState('test-customer-1');
  const [attributes, setAttributes] = useState(SAMPLE_ATTRIBUTES);
  const [data, setData] = useState('{}');
  const send = useMutation(
    trpc.flows.sendTestEvent.mutationOptions({
      onSuccess: (result) => {
        dialog.current?.close();
        onSent(result.runId);
      },
    }),
  );
  const parsedAttributes = parseObject('Customer attributes', attributes);
  const parsedData = parseObject('Event data', data);
  return (
    <>
      <button type="button" disabled={disabled} title={disabled ? disabledReason : undefined} onClick={() => dialog.current?.showModal()}>
        Send test event
      </button>
      <dialog ref={dialog} className="dialog wide nokey" aria-labelledby="test-event-title">
        <h2 id="test-event-title">Send a test {eventType} event</h2>
        <p className="hint">
          It goes through the same path as POST /api/events, so every active flow on <code>{eventType}</code> runs for it and its webhooks really send.
          The attributes are merged into that customer&apos;s profile, as a real event would: use a test customer id.
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!parsedAttributes.value || !parsedData.value) return;
            send.mutate({ id: flowId, customerId, attributes: parsedAttributes.value, data: parsedData.value });
          }}
        >
          <Field label="Customer id" htmlFor="test-customer-id">
            <input id="test-customer-id" value={customerId} onChange={(e) => setCustomerId(e.target.value)} required />
          </Field>
          <Field label="Customer attributes (JSON)" htmlFor="test-attributes" error={parsedAttributes.error}>
            <textarea id="test-attributes" rows={6} value={attributes} onChange={(e) => setAttributes(e.target.value)} spellCheck={false} className="mono" />
          </Field>
          <Field label="Event data (JSON)" htmlFor="test-data" error={parsedData.error}>
            <textarea id="test-data" rows={4} value={data} onChange={(e) => setData(e.target.value)} spellCheck={false} className="mono" />
          </Field>
          <ErrorBanner error={send.error} />
          <div className="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={send.isPending || Boolean(parsedAttributes.error || parsedData.error)}>
              {send.isPending ? 'Sending…' : 'Send event'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
