'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { ErrorBanner, Loading } from '../ui';

/** Lists the variables a template can use; a click inserts `${path}` where the cursor was. */
export function VariablePicker({ excludeWebhookId, onPick, target }: { excludeWebhookId?: string; onPick: (path: string) => void; target: string }) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.webhooks.variables.queryOptions({ excludeWebhookId }));
  const [filter, setFilter] = useState('');
  return (
    <section className="card picker" aria-labelledby="picker-heading">
      <h2 id="picker-heading">Variables</h2>
      <p className="hint">Click to insert into the {target}.</p>
      <label htmlFor="picker-filter" className="visually-hidden">
        Filter variables
      </label>
      <input id="picker-filter" type="search" placeholder="Filter…" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {groups.isPending ? <Loading what="variables" /> : null}
      <ErrorBanner error={groups.error} />
      {groups.data?.map((group) => {
        const variables = group.variables.filter((v) => v.path.toLowerCase().includes(filter.toLowerCase()));
        if (variables.length === 0) return null;
        return (
          <div key={group.label} className="picker-group">
            <h3>{group.label}</h3>
            <ul className="plain-list">
              {variables.map((v) => (
                <li key={v.path}>
                  <button type="button" className="variable" onClick={() => onPick(v.path)} title={v.description} aria-label={`Insert ${v.path}`}>
                    <code>{v.path}</code>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
