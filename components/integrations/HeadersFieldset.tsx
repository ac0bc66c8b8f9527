'use client';
import { FieldMessages } from '../ui';

export interface HeaderRow {
  key: string;
  id?: string;
  name: string;
  /** null: an existing secret value the browser does not have (kept unless replaced) */
  value: string | null;
  secret: boolean;
}

const SUGGESTED = [
  { name: 'Authorization', value: 'Bearer ', secret: true },
  { name: 'Content-Type', value: 'application/json', secret: false },
];

let keys = 0;
export const rowKey = () => `h${++keys}`;

/**
 * The integration's headers as an editable table: name, value (masked when secret), secret flag, reorder
 * and remove; add an empty row or one of the usual headers not there yet. `errors` are the form's field
 * errors, keyed `headers.<index>.<field>`.
 */
export function HeadersFieldset({ headers, errors, onChange }: { headers: HeaderRow[]; errors: Record<string, string[]>; onChange: (headers: HeaderRow[]) => void }) {
  const setHeader = (index: number, patch: Partial<HeaderRow>) => onChange(headers.map((h, i) => (i === index ? { ...h, ...patch } : h)));
  const move = (index: number, delta: number) => {
    const target = index + delta;
    if (target < 0 || target >= headers.length) return;
    const next = [...headers];
    [next[index], next[target]] = [next[target]!, next[index]!];
    onChange(next);
  };
  const missingSuggestions = SUGGESTED.filter((s) => !headers.some((h) => h.name.toLowerCase() === s.name.toLowerCase()));
  return (
    <fieldset className="headers-table">
      <legend>Headers</legend>
      <p className="hint">Sent with every webhook of this integration (each webhook can switch any of them off). Secret values are encrypted and hidden from teammates without integration access.</p>
      {headers.length === 0 ? <p className="empty">No headers yet.</p> : null}
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
          {headers.map((header, index) => (
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
                <button type="button" aria-label={`Move header ${index + 1} down`} onClick={() => move(index, 1)} disabled={index === headers.length - 1}>
                  ↓
                </button>
                <button type="button" aria-label={`Remove header ${index + 1}`} onClick={() => onChange(headers.filter((_, i) => i !== index))}>
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
        <button type="button" onClick={() => onChange([...headers, { key: rowKey(), name: '', value: '', secret: false }])}>
          Add header
        </button>
        {missingSuggestions.map((s) => (
          <button key={s.name} type="button" className="suggestion" onClick={() => onChange([...headers, { key: rowKey(), ...s }])}>
            + {s.name}
            {s.secret ? ' (secret)' : `: ${s.value}`}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
