'use client';
import { FieldMessages } from '../ui';
import { SECRET_MASK } from '@/lib/domain/http/headers';
import type { ErrorsFor, SetDraft, WebhookDraft } from './draft';

/** A header of the integration: the webhook sends it unless switched off here. */
interface InheritedHeader {
  id: string;
  name: string;
  value: string | null;
  secret: boolean;
}

/** Headers: the integration's (each can be switched off), the webhook's own, and what is sent. */
export function HeadersSection({
  draft,
  set,
  errorsFor,
  inherited,
  previewHeaders,
  onValueFocus,
}: {
  draft: WebhookDraft;
  set: SetDraft;
  errorsFor: ErrorsFor;
  inherited: InheritedHeader[];
  /** the headers as rendered, when the templates are valid */
  previewHeaders: { name: string; value: string }[] | null;
  onValueFocus: (index: number) => void;
}) {
  return (
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
            onFocus={() => onValueFocus(index)}
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
      {previewHeaders ? (
        <table className="compact" data-testid="headers-preview">
          <tbody>
            {previewHeaders.map((h) => (
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
        <p className="muted">Choose an integration to see the headers.</p>
      )}
    </section>
  );
}
