'use client';
/** Edits the selected step: trigger event, webhook choice, branch conditions, wait duration. */
import { useId, useState } from 'react';
import type { Node } from '@xyflow/react';
import type { Condition, FieldOperator } from '@/lib/domain/flow/conditions';
import type { CatalogEntry } from './editor-context';
import { IDENTIFY_EVENT_TYPE } from '@/lib/domain/events/schema';

type Data = Record<string, unknown>;
type Branch = { id: string; label: string; condition: Condition };

const FIELD_OPS: { op: FieldOperator; label: string; needsValue: boolean }[] = [
  { op: 'eq', label: 'equals', needsValue: true },
  { op: 'neq', label: 'does not equal', needsValue: true },
  { op: 'contains', label: 'contains', needsValue: true },
  { op: 'exists', label: 'is set', needsValue: false },
  { op: 'not_exists', label: 'is not set', needsValue: false },
  { op: 'gt', label: '>', needsValue: true },
  { op: 'gte', label: '≥', needsValue: true },
  { op: 'lt', label: '<', needsValue: true },
  { op: 'lte', label: '≤', needsValue: true },
  { op: 'matches', label: 'matches regex', needsValue: true },
];

function ConditionEditor({ condition, onChange, webhooks, label, variablesListId }: { condition: Condition; onChange: (c: Condition) => void; webhooks: { systemName: string; name: string }[]; label: string; variablesListId: string }) {
  const kind = condition.kind;
  return (
    <div className="condition">
      <label>
        <span className="visually-hidden">{label} kind</span>
        <select
          value={kind}
          onChange={(e) => {
            const k = e.target.value;
            const webhook = webhooks[0]?.systemName ?? '';
            onChange(
              k === 'webhook'
                ? { kind: 'webhook', webhook, outcome: 'succeeded' }
                : k === 'status'
                  ? { kind: 'status', webhook, op: 'in_range', min: 200, max: 299 }
                  : k === 'field'
                    ? { kind: 'field', path: 'Customer.Email', op: 'exists' }
                    : { kind: 'group', combinator: 'and', conditions: [] },
            );
          }}
        >
          <option value="webhook">Webhook succeeded / failed</option>
          <option value="status">Webhook status</option>
          <option value="field">Field</option>
          <option value="group">Group (AND / OR)</option>
        </select>
      </label>
      {condition.kind === 'webhook' || condition.kind === 'status' ? (
        <select aria-label={`${label} webhook`} value={condition.webhook} onChange={(e) => onChange({ ...condition, webhook: e.target.value })}>
          {webhooks.map((w) => (
            <option key={w.systemName} value={w.systemName}>
              {w.name} ({w.systemName})
            </option>
          ))}
        </select>
      ) : null}
      {condition.kind === 'webhook' ? (
        <select aria-label={`${label} outcome`} value={condition.outcome} onChange={(e) => onChange({ ...condition, outcome: e.target.value as 'succeeded' | 'failed' })}>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
      ) : null}
      {condition.kind === 'status' ? (
        <span className="row">
          <input aria-label={`${label} status from`} type="number" min={100} max={599} value={condition.op === 'in_range' ? condition.min : condition.value} onChange={(e) => onChange({ kind: 'status', webhook: condition.webhook, op: 'in_range', min: Number(e.target.value), max: condition.op === 'in_range' ? condition.max : Number(e.target.value) })} />
          <span>to</span>
          <input aria-label={`${label} status to`} type="number" min={100} max={599} value={condition.op === 'in_range' ? condition.max : condition.value} onChange={(e) => onChange({ kind: 'status', webhook: condition.webhook, op: 'in_range', min: condition.op === 'in_range' ? condition.min : Number(e.target.value), max: Number(e.target.value) })} />
        </span>
      ) : null}
      {condition.kind === 'field' ? (
        <span className="row wrap">
          <input aria-label={`${label} field path`} list={variablesListId} value={condition.path} onChange={(e) => onChange({ ...condition, path: e.target.value })} placeholder="Webhooks.crm.Fields.tier" spellCheck={false} />
          <select aria-label={`${label} operator`} value={condition.op} onChange={(e) => onChange({ ...condition, op: e.target.value as FieldOperator })}>
            {FIELD_OPS.map((o) => (
              <option key={o.op} value={o.op}>
                {o.label}
              </option>
            ))}
          </select>
          {FIELD_OPS.find((o) => o.op === condition.op)?.needsValue ? (
            <input aria-label={`${label} value`} value={String(condition.value ?? '')} onChange={(e) => onChange({ ...condition, value: /^-?\d+(\.\d+)?$/.test(e.target.value) ? Number(e.target.value) : e.target.value })} />
          ) : null}
        </span>
      ) : null}
      {condition.kind === 'group' ? (
        <div className="group">
          <select aria-label={`${label} combinator`} value={condition.combinator} onChange={(e) => onChange({ ...condition, combinator: e.target.value as 'and' | 'or' })}>
            <option value="and">all of (AND)</option>
            <option value="or">any of (OR)</option>
          </select>
          {condition.conditions.map((c, i) => (
            <div key={i} className="row">
              <ConditionEditor condition={c} webhooks={webhooks} variablesListId={variablesListId} label={`${label}.${i + 1}`} onChange={(next) => onChange({ ...condition, conditions: condition.conditions.map((x, j) => (j === i ? next : x)) })} />
              <button type="button" aria-label={`Remove ${label}.${i + 1}`} onClick={() => onChange({ ...condition, conditions: condition.conditions.filter((_, j) => j !== i) })}>
                ×
              </button>
            </div>
          ))}
          <button type="button" onClick={() => onChange({ ...condition, conditions: [...condition.conditions, { kind: 'field', path: 'Customer.Email', op: 'exists' }] })}>
            + condition
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** Variables a condition can read at this step: the customer, the event, and the webhooks run before it. */
function variablePaths(upstream: CatalogEntry[]): string[] {
  return [
    'Customer.Id',
    'Customer.Email',
    'Event.Type',
    'Event.Id',
    ...upstream.flatMap((w) => [`Webhooks.${w.systemName}.Ok`, `Webhooks.${w.systemName}.Status`, ...w.capturedFields.map((f) => `Webhooks.${w.systemName}.Fields.${f}`)]),
  ];
}

const WAIT_UNITS = [
  { name: 'seconds', seconds: 1 },
  { name: 'minutes', seconds: 60 },
  { name: 'hours', seconds: 3_600 },
  { name: 'days', seconds: 86_400 },
] as const;

/**
 * A wait's duration as an amount and a unit. What is typed stays as typed: 0.1 minutes is 6 seconds, and
 * 0.1 seconds (not a whole second) is stored as it is and reported by validation, never rounded silently.
 */
function WaitDuration({ seconds, onChange }: { seconds: unknown; onChange: (seconds: number | null) => void }) {
  const initial = typeof seconds === 'number' && seconds > 0 ? ([...WAIT_UNITS].reverse().find((u) => seconds % u.seconds === 0) ?? WAIT_UNITS[0]) : WAIT_UNITS[2];
  const [unit, setUnit] = useState<number>(initial.seconds);
  const [amount, setAmount] = useState(typeof seconds === 'number' ? String(seconds / initial.seconds) : '');
  const update = (nextAmount: string, nextUnit: number) => {
    setAmount(nextAmount);
    setUnit(nextUnit);
    const n = Number(nextAmount.replace(',', '.'));
    onChange(nextAmount.trim() === '' || !Number.isFinite(n) ? null : Math.round(n * nextUnit * 1000) / 1000);
  };
  const total = Number(amount.replace(',', '.')) * unit;
  return (
    <div>
    <div className="row">
      <div className="field">
        <label htmlFor="node-wait-amount">Wait for</label>
        <input id="node-wait-amount" inputMode="decimal" value={amount} onChange={(e) => update(e.target.value, unit)} aria-describedby="node-wait-total" />
      </div>
      <div className="field">
        <label htmlFor="node-wait-unit">Unit</label>
        <select id="node-wait-unit" value={unit} onChange={(e) => update(amount, Number(e.target.value))}>
          {WAIT_UNITS.map((u) => (
            <option key={u.name} value={u.seconds}>
              {u.name}
            </option>
          ))}
        </select>
      </div>
    </div>
      <p className="hint" id="node-wait-total">
        {Number.isInteger(total) && total > 0 && unit > 1 ? `= ${total.toLocaleString()} seconds` : ''}
      </p>
    </div>
  );
}

function WebhookPicker({ value, webhooks, onChange }: { value: string; webhooks: CatalogEntry[]; onChange: (id: string) => void }) {
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const shown = webhooks.filter((w) => w.id === value || !needle || w.name.toLowerCase().includes(needle) || w.systemName.toLowerCase().includes(needle));
  const groups = [...new Set(shown.map((w) => w.integrationName))];
  return (
    <div className="field">
      <label htmlFor="node-webhook">Webhook</label>
      <input type="search" aria-label="Search webhooks" placeholder="Search by name or system name" value={search} onChange={(e) => setSearch(e.target.value)} />
      <select id="node-webhook" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{shown.length === 0 ? 'No webhook matches' : 'Choose…'}</option>
        {groups.map((group) => (
          <optgroup key={group} label={group}>
            {shown
              .filter((w) => w.integrationName === group)
              .map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name} ({w.systemName})
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      {webhooks.length === 0 ? <p className="hint">No webhooks yet: create one on the Webhooks page first.</p> : null}
      {value ? (
        <a href={`/webhooks/${value}`} target="_blank" rel="noreferrer">
          Open the webhook editor ↗
        </a>
      ) : null}
    </div>
  );
}

/** The trigger: an event type, or "a customer is identified" (Segment identify), and whether anonymous visitors start it. */
function TriggerFields({ data, onChange }: { data: Data; onChange: (data: Data) => void }) {
  const identified = data.eventType === IDENTIFY_EVENT_TYPE;
  return (
    <div>
      <div className="field">
        <label htmlFor="node-trigger-kind">Starts when</label>
        <select id="node-trigger-kind" value={identified ? 'identified' : 'event'} onChange={(e) => onChange({ ...data, eventType: e.target.value === 'identified' ? IDENTIFY_EVENT_TYPE : '' })}>
          <option value="event">an event arrives</option>
          <option value="identified">a customer is identified</option>
        </select>
      </div>
      {identified ? (
        <p className="hint">The flow runs each time a Segment identify call (or RudderStack&apos;s) names a customer; their traits are in Customer and Event.Data.</p>
      ) : (
        <div className="field">
          <label htmlFor="node-event">Event type</label>
          <input id="node-event" value={String(data.eventType ?? '')} onChange={(e) => onChange({ ...data, eventType: e.target.value })} placeholder="order.placed" />
          <p className="hint">The flow runs for every event of this type: sent to POST /api/events, or a Segment track call&apos;s event name.</p>
        </div>
      )}
      <label className="toggle">
        <input type="checkbox" checked={data.anonymous === true} onChange={(e) => onChange({ ...data, anonymous: e.target.checked || undefined })} /> Also for anonymous visitors
      </label>
      <p className="hint">Segment calls that carry only an anonymousId start this flow only when this is on.</p>
    </div>
  );
}

export function NodePanel({
  node,
  webhooks,
  upstream,
  onChange,
  problems,
  readOnly = false,
}: {
  node: Node<Data>;
  webhooks: CatalogEntry[];
  /** webhooks that run before this step on every path: what its conditions can read */
  upstream: CatalogEntry[];
  onChange: (data: Data) => void;
  problems: string[];
  /** a published version's step: shown, not edited */
  readOnly?: boolean;
}) {
  const data = node.data;
  const variablesListId = useId();
  return (
    <fieldset className="node-panel plain-fieldset" disabled={readOnly}>
      <h2>{node.type === 'trigger' ? 'Trigger' : node.type === 'webhook' ? 'Webhook step' : node.type === 'branch' ? 'Branch' : node.type === 'wait' ? 'Wait' : 'End'}</h2>
      {problems.map((p) => (
        <p key={p} className="field-error" role="alert">
          {p}
        </p>
      ))}
      {node.type === 'trigger' ? <TriggerFields data={data} onChange={onChange} /> : null}
      {node.type === 'webhook' ? <WebhookPicker value={String(data.webhookId ?? '')} webhooks={webhooks} onChange={(webhookId) => onChange({ ...data, webhookId })} /> : null}
      {node.type === 'branch' ? (
        <div>
          <p className="hint">Conditions are checked in order; the first that holds picks its output. Else catches the rest.</p>
          <datalist id={variablesListId}>
            {variablePaths(upstream).map((path) => (
              <option key={path} value={path} />
            ))}
          </datalist>
          {upstream.length === 0 ? (
            <p className="hint">No webhook runs before this branch on every path yet, so conditions can read the customer and the event only.</p>
          ) : (
            <p className="hint">Can read the responses of: {upstream.map((w) => w.name).join(', ')}.</p>
          )}
          {((data.branches as Branch[]) ?? []).map((branch, i, all) => (
            <fieldset key={branch.id}>
              <legend>Output {i + 1}</legend>
              <input aria-label={`Output ${i + 1} label`} value={branch.label} onChange={(e) => onChange({ ...data, branches: all.map((b, j) => (j === i ? { ...b, label: e.target.value } : b)) })} />
              <ConditionEditor
                condition={branch.condition}
                webhooks={upstream}
                variablesListId={variablesListId}
                label={`Output ${i + 1} condition`}
                onChange={(condition) => onChange({ ...data, branches: all.map((b, j) => (j === i ? { ...b, condition } : b)) })}
              />
              <button type="button" onClick={() => onChange({ ...data, branches: all.filter((_, j) => j !== i) })}>
                Remove output
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            onClick={() => {
              const all = (data.branches as Branch[]) ?? [];
              let n = all.length + 1;
              while (all.some((b) => b.id === `b${n}`)) n++;
              onChange({ ...data, branches: [...all, { id: `b${n}`, label: `Output ${all.length + 1}`, condition: { kind: 'field', path: 'Customer.Email', op: 'exists' } }] });
            }}
          >
            + Output
          </button>
        </div>
      ) : null}
      {node.type === 'wait' ? (
        <div>
          <div className="field">
            <label htmlFor="node-wait-mode">Wait</label>
            <select id="node-wait-mode" value={String(data.mode)} onChange={(e) => onChange(e.target.value === 'until' ? { mode: 'until', time: '09:00', timeZone: 'UTC' } : { mode: 'duration', seconds: 3600 })}>
              <option value="duration">for a duration</option>
              <option value="until">until a time of day</option>
            </select>
          </div>
          {data.mode === 'until' ? (
            <div className="row">
              <div className="field">
                <label htmlFor="node-wait-time">Time</label>
                <input id="node-wait-time" type="time" value={String(data.time ?? '09:00')} onChange={(e) => onChange({ ...data, time: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="node-wait-tz">Time zone</label>
                <input id="node-wait-tz" value={String(data.timeZone ?? 'UTC')} onChange={(e) => onChange({ ...data, timeZone: e.target.value })} placeholder="Europe/Berlin" />
              </div>
            </div>
          ) : (
            <WaitDuration seconds={data.seconds} onChange={(seconds) => onChange({ ...data, seconds })} />
          )}
        </div>
      ) : null}
      {node.type === 'end' ? <p className="hint">The run ends here.</p> : null}
    </fieldset>
  );
}
