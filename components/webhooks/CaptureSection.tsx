'use client';
import { useState } from 'react';
import { captureFields, checkCapturePath } from '@/lib/domain/webhook/capture';
import type { ErrorsFor, SetDraft, WebhookDraft } from './draft';
import { FieldMessages } from '../ui';

/** JSONPath of a key below `parent`: $.a.b, $.items[0], $["odd key"] */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function SampleTree({ value, path, onPick }: { value: unknown; path: string; onPick: (path: string, name: string) => void }) {
  if (value === null || typeof value !== 'object') return null;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return (
    <ul className="tree">
      {entries.map(([key, child]) => {
        const p = childPath(path, key);
        const leaf = child === null || typeof child !== 'object';
        return (
          <li key={String(key)}>
            <button type="button" className="variable" onClick={() => onPick(p, typeof key === 'number' ? `item${key}` : key)} aria-label={`Capture ${p}`}>
              <code>{String(key)}</code>
            </button>
            {leaf ? <span className="muted"> {JSON.stringify(child)}</span> : <SampleTree value={child} path={p} onPick={onPick} />}
          </li>
        );
      })}
    </ul>
  );
}

/** The value a field would capture from the sample: the same code the activity runs. */
function valueAt(sample: unknown, path: string): string {
  const problem = checkCapturePath(path);
  if (problem) return problem;
  const value = captureFields(sample, [{ name: 'value', path }]).value;
  return value === null ? 'no match' : JSON.stringify(value);
}

export function CaptureSection({ draft, set, errorsFor }: { draft: WebhookDraft; set: SetDraft; errorsFor: ErrorsFor }) {
  const [sampleText, setSampleText] = useState('');
  let sample: unknown = undefined;
  let sampleError: string | null = null;
  if (sampleText.trim() !== '') {
    try {
      sample = JSON.parse(sampleText);
    } catch (error) {
      sampleError = `Not valid JSON: ${(error as Error).message}`;
    }
  }
  const addField = (path: string, suggestedName: string) => {
    let name = suggestedName.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, '') || 'field';
    for (let n = 2; draft.captureFields.some((f) => f.name === name); n++) name = `${name.replace(/_\d+$/, '')}_${n}`;
    set({ captureEnabled: true, captureFields: [...draft.captureFields, { name, path }] });
  };
  return (
    <section className="card" aria-labelledby="capture-heading">
      <h2 id="capture-heading">Response capture</h2>
      <label className="toggle">
        <input type="checkbox" checked={draft.captureEnabled} onChange={(e) => set({ captureEnabled: e.target.checked })} /> Capture the response
      </label>
      <p className="hint">
        Captured fields become variables for branches and later webhooks as <code>Webhooks.{draft.systemName || '<system name>'}.Fields.&lt;name&gt;</code>. Paths are JSONPath, e.g.{' '}
        <code>$.data.id</code>.
      </p>
      {draft.captureEnabled ? (
        <>
          {draft.captureFields.length === 0 ? <p className="empty">No fields yet: add one, or click a key in a pasted sample.</p> : null}
          {draft.captureFields.map((field, index) => (
            <div className="row" key={index}>
              <input aria-label={`Captured field ${index + 1} name`} value={field.name} onChange={(e) => set({ captureFields: draft.captureFields.map((f, i) => (i === index ? { ...f, name: e.target.value } : f)) })} placeholder="name" />
              <input aria-label={`Captured field ${index + 1} path`} value={field.path} onChange={(e) => set({ captureFields: draft.captureFields.map((f, i) => (i === index ? { ...f, path: e.target.value } : f)) })} placeholder="$.data.id" spellCheck={false} />
              {sample !== undefined ? <output className="muted" aria-label={`Sample value of ${field.name}`}>= {valueAt(sample, field.path)}</output> : null}
              <button type="button" aria-label={`Remove captured field ${index + 1}`} onClick={() => set({ captureFields: draft.captureFields.filter((_, i) => i !== index) })}>
                Remove
              </button>
              <FieldMessages messages={[...(errorsFor(`captureFields.${index}.path`) ?? []), ...(errorsFor(`captureFields.${index}.name`) ?? [])]} />
            </div>
          ))}
          <button type="button" onClick={() => set({ captureFields: [...draft.captureFields, { name: '', path: '' }] })}>
            Add field
          </button>
          <div className="field">
            <label htmlFor="capture-sample">Paste a sample response</label>
            <textarea id="capture-sample" rows={5} value={sampleText} onChange={(e) => setSampleText(e.target.value)} placeholder='{"data": {"id": 42, "tier": "gold"}}' spellCheck={false} />
            {sampleError ? (
              <div className="field-error" role="alert">
                {sampleError}
              </div>
            ) : null}
          </div>
          {sample !== undefined ? (
            <div aria-label="Sample response fields">
              <p className="hint">Click a key to capture it.</p>
              <SampleTree value={sample} path="$" onPick={addField} />
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
