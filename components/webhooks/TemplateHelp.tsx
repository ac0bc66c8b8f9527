'use client';
import { useRef } from 'react';

const EXAMPLES: { title: string; code: string; note: string }[] = [
  { title: 'A variable', code: '"email": "${Customer.Email}"', note: 'Inside quotes the value is JSON-escaped; outside quotes numbers, booleans, lists and objects are inserted as JSON.' },
  { title: 'A fallback', code: '"name": "${Customer.FirstName | default(\'there\')}"', note: 'Filters: upper, lower, capitalize, truncate(20), default(x), ifEmpty(x), length, date("YYYY-MM-DD HH:mm", "Europe/Berlin"), json, replace(a, b), join(", ").' },
  { title: 'A condition', code: '{% if Customer.Tier == "gold" %}"priority": "high",{% endif %}', note: 'Also elif / else; compare with ==, !=, <, >, and, or, not, in.' },
  { title: 'A loop', code: '"skus": [{% for item in Event.Data.items %}"${item.sku}"{% if not loop.last %},{% endif %}{% endfor %}]', note: 'loop.index, loop.first and loop.last are available inside.' },
  { title: 'An earlier response', code: '"tier": "${Webhooks.crm_lookup.Fields.tier}"', note: 'Webhooks.<system name>.Ok / .Status / .Body / .Fields.<name> / .Error from a webhook that ran earlier in the flow.' },
];

export function TemplateHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()}>
        Template help
      </button>
      <dialog ref={dialog} className="dialog wide" aria-labelledby="template-help-title">
        <h2 id="template-help-title">Templates</h2>
        <p>
          Write <code>{'${Path.To.Value}'}</code> to insert a value. Roots: <code>Customer</code>, <code>Event</code>, <code>Webhooks</code>, <code>WebhookRequest</code>, <code>Flow</code>,{' '}
          <code>Run</code>. Tags from Nunjucks add conditions and loops. Function calls, macros and includes are not allowed.
        </p>
        {EXAMPLES.map((e) => (
          <div key={e.title} className="help-example">
            <h3>{e.title}</h3>
            <pre>
              <code>{e.code}</code>
            </pre>
            <p className="hint">{e.note}</p>
          </div>
        ))}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
