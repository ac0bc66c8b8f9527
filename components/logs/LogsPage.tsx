'use client';
/**
 * The Logs page: every webhook attempt, newest first. Its filters live in the URL (a link shares them), and
 * the attempt open in the detail panel too (`attempt=`).
 */
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { filtersFromParams, logsHref, type LogFilters } from '@/lib/domain/logs/filters';
import { FAILED_OUTCOMES, OUTCOME_LABELS, OUTCOMES } from '@/lib/domain/logs/outcome';
import { useTRPC } from '../trpc';
import { useTitle } from '../ui';
import { LogList } from './LogList';
import { RefusedEvents } from './RefusedEvents';

type Filters = Partial<Record<keyof LogFilters, string>>;

const RANGES: { label: string; hours: number | null }[] = [
  { label: 'Any time', hours: null },
  { label: 'Last hour', hours: 1 },
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
  { label: 'Last 30 days', hours: 24 * 30 },
];

/** ISO (UTC) ⇄ the local time a datetime-local input shows. */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');

/** Filters set by a link (the canvas counts, a run, a step) that the form has no field for: shown as chips. */
const CHIP_LABELS: Partial<Record<keyof LogFilters, string>> = { step: 'Step', passed: 'Passed step', output: 'Branch output', run: 'Run' };

function RetentionNote() {
  const trpc = useTRPC();
  const retention = useQuery(trpc.logs.retention.queryOptions());
  if (!retention.data) return null;
  const { days, oldest } = retention.data;
  return (
    <p className="hint" data-testid="log-retention">
      The log keeps {days} days of attempts (<code>HOOKFLOW_LOG_RETENTION_DAYS</code>); {oldest ? `it goes back to ${new Date(oldest).toLocaleString()}.` : 'it is empty.'}
    </p>
  );
}

/** The time range (presets, or from and to) and "test sends only". */
function TimeFields({ draft, set, choose, apply }: { draft: Filters; set: (key: keyof LogFilters, value: string) => void; choose: (key: keyof LogFilters, value: string) => void; apply: (next: Filters) => void }) {
  return (
      <div className="row wrap">
        <div className="field">
          <label htmlFor="f-range">Time range</label>
          <select
            id="f-range"
            value=""
            onChange={(e) => {
              const hours = RANGES[Number(e.target.value)]?.hours ?? null;
              apply({ ...draft, from: hours === null ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString(), to: undefined });
            }}
          >
            <option value="" disabled>
              Choose a range…
            </option>
            {RANGES.map((r, i) => (
              <option key={r.label} value={i}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">From</label>
          <input id="f-from" type="datetime-local" value={toLocalInput(draft.from)} onChange={(e) => set('from', fromLocalInput(e.target.value))} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To</label>
          <input id="f-to" type="datetime-local" value={toLocalInput(draft.to)} onChange={(e) => set('to', fromLocalInput(e.target.value))} />
        </div>
        <label className="toggle log-test-toggle">
          <input type="checkbox" checked={draft.test === 'true'} onChange={(e) => choose('test', e.target.checked ? 'true' : '')} /> Test sends only
        </label>
      </div>
  );
}

function FilterForm({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }) {
  const trpc = useTRPC();
  const webhooks = useQuery(trpc.webhooks.list.queryOptions({}));
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const flows = useQuery(trpc.flows.list.queryOptions({ includeArchived: true }));
  const [draft, setDraft] = useState<Filters>(filters);
  const set = (key: keyof LogFilters, value: string) => setDraft((d) => ({ ...d, [key]: value || undefined }));
  // Choices apply at once; typed values on Enter or Apply.
  const choose = (key: keyof LogFilters, value: string) => {
    const next = { ...draft, [key]: value || undefined };
    setDraft(next);
    onApply(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form className="card log-filters" onSubmit={submit} aria-label="Filters">
      <div className="row wrap">
        <div className="field">
          <label htmlFor="f-webhook">Webhook</label>
          <select id="f-webhook" value={draft.webhook ?? ''} onChange={(e) => choose('webhook', e.target.value)}>
            <option value="">All webhooks</option>
            {webhooks.data?.map((w) => (
              <option key={w.id} value={w.systemName}>
                {w.name} ({w.systemName})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-integration">Integration</label>
          <select id="f-integration" value={draft.integration ?? ''} onChange={(e) => choose('integration', e.target.value)}>
            <option value="">All integrations</option>
            {integrations.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-flow">Flow</label>
          <select id="f-flow" value={draft.flow ?? ''} onChange={(e) => choose('flow', e.target.value)}>
            <option value="">All flows</option>
            {flows.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-outcome">Outcome</label>
          <select id="f-outcome" value={draft.outcome ?? ''} onChange={(e) => choose('outcome', e.target.value)}>
            <option value="">Any outcome</option>
            <option value={FAILED_OUTCOMES.join(',')}>Failed (anything but 2xx)</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="row wrap">
        <div className="field">
          <label htmlFor="f-customer">Customer id</label>
          <input id="f-customer" value={draft.customer ?? ''} onChange={(e) => set('customer', e.target.value.trim())} placeholder="as your system sends it" />
        </div>
        <div className="field">
          <label htmlFor="f-event">Event id</label>
          <input id="f-event" value={draft.event ?? ''} onChange={(e) => set('event', e.target.value.trim())} />
        </div>
        <div className="field">
          <label htmlFor="f-tid">TransactionalId</label>
          <input id="f-tid" value={draft.transactionalId ?? ''} onChange={(e) => set('transactionalId', e.target.value.trim())} />
        </div>
      </div>
      <TimeFields draft={draft} set={set} choose={choose} apply={(next) => { setDraft(next); onApply(next); }} />
      <div className="actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={() => { setDraft({}); onApply({}); }}>
          Clear
        </button>
      </div>
    </form>
  );
}

export function LogsPage() {
  useTitle('Logs');
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = filtersFromParams(params);
  const selected = params.get('attempt');
  const go = (next: Filters, attempt: string | null) => {
    const href = logsHref(next);
    const withAttempt = attempt ? `${href}${href.includes('?') ? '&' : '?'}attempt=${encodeURIComponent(attempt)}` : href;
    router.replace(withAttempt.replace(/^\/logs/, pathname), { scroll: false });
  };
  const chips = (Object.keys(CHIP_LABELS) as (keyof LogFilters)[]).filter((key) => filters[key]);
  return (
    <main className="page wide">
      <div className="page-head">
        <h1>Logs</h1>
        <RetentionNote />
      </div>
      <FilterForm key={params.toString()} filters={filters} onApply={(next) => go({ ...next, step: filters.step, passed: filters.passed, output: filters.output, run: filters.run }, null)} />
      {chips.length > 0 ? (
        <div className="row wrap" aria-label="Filters from a link">
          {chips.map((key) => (
            <span key={key} className="badge badge-info chip">
              {CHIP_LABELS[key]}: <code>{filters[key]}</code>{' '}
              <button type="button" className="link-like" aria-label={`Remove the ${CHIP_LABELS[key]} filter`} onClick={() => go({ ...filters, [key]: undefined }, null)}>
                ×
              </button>
            </span>
          ))}
        </div>
      ) : null}
      <section className="card">
        <LogList
          key={JSON.stringify(filters)}
          filters={filters as LogFilters}
          selected={selected}
          onSelect={(id) => go(filters, id)}
          empty={Object.keys(filters).length > 0 ? 'No attempts match these filters.' : 'No webhook attempts yet. They appear here as flows run and webhooks are test-sent.'}
        />
      </section>
      <RefusedEvents />
    </main>
  );
}
