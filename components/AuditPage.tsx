'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import Link from 'next/link';
import { useTRPC } from './trpc';
import { ErrorBanner, Loading, useTitle } from './ui';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, type AuditAction, type AuditEntityType } from '@/lib/domain/audit/changes';

const FILTERS = ['action', 'entityType', 'actor', 'search', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];

/** Where an audited entity lives in the app, when it still has a page. */
function entityHref(type: string, id: string | null): string | null {
  if (!id) return null;
  if (type === 'integration') return `/integrations/${id}`;
  if (type === 'webhook') return `/webhooks/${id}`;
  if (type === 'flow') return `/flows/${id}`;
  return null;
}

/** The row's details in lines a person reads: field changes as "from → to", lists as they are. */
function detailLines(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (key === 'fields' && value && typeof value === 'object') {
      for (const [field, change] of Object.entries(value as Record<string, { from: unknown; to: unknown }>)) {
        lines.push(`${field}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) lines.push(typeof item === 'string' ? item : `${item.action} ${item.kind} ${item.name}`);
    } else if (value !== null && typeof value === 'object' && 'from' in value) {
      const change = value as { from: unknown; to: unknown };
      lines.push(`${key}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
    } else {
      lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  return lines;
}

/** The filters live in the URL, so a filtered view can be bookmarked and shared. */
function AuditFilters({ value, setFilter, clear }: { value: (name: Filter) => string; setFilter: (name: Filter, next: string) => void; clear: (() => void) | null }) {
  return (
    <form className="card row wrap" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
      <label>
        Action
        <select value={value('action')} onChange={(e) => setFilter('action', e.target.value)}>
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Kind
        <select value={value('entityType')} onChange={(e) => setFilter('entityType', e.target.value)}>
          <option value="">Anything</option>
          {AUDIT_ENTITY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Who
        <input type="search" placeholder="email, api key, cli" defaultValue={value('actor')} onBlur={(e) => setFilter('actor', e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && setFilter('actor', e.currentTarget.value.trim())} />
      </label>
      <label>
        Name
        <input type="search" placeholder="integration, webhook, flow…" defaultValue={value('search')} onBlur={(e) => setFilter('search', e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && setFilter('search', e.currentTarget.value.trim())} />
      </label>
      <label>
        From
        <input type="date" value={value('from')} onChange={(e) => setFilter('from', e.target.value)} />
      </label>
      <label>
        To
        <input type="date" value={value('to')} onChange={(e) => setFilter('to', e.target.value)} />
      </label>
      {clear ? (
        <button type="button" className="link-button" onClick={clear}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

export function AuditPage() {
  useTitle('Audit');
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const value = (name: Filter) => params.get(name) ?? '';
  const setFilter = (name: Filter, next: string) => {
    const search = new URLSearchParams(params);
    if (next) search.set(name, next);
    else search.delete(name);
    router.replace(`${pathname}${search.size ? `?${search}` : ''}`);
  };
  const input = {
    action: (value('action') || undefined) as AuditAction | undefined,
    entityType: (value('entityType') || undefined) as AuditEntityType | undefined,
    actor: value('actor') || undefined,
    search: value('search') || undefined,
    from: value('from') ? new Date(`${value('from')}T00:00:00`) : undefined,
    to: value('to') ? new Date(`${value('to')}T23:59:59.999`) : undefined,
    limit: 50,
  };
  const events = useInfiniteQuery(trpc.audit.list.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor }));
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = FILTERS.some((name) => value(name));
  return (
    <main className="page">
      <h1>Audit</h1>
      <p className="muted">Who changed what, newest first. Rows are written with the change itself and cannot be edited; secret values are never recorded.</p>
      <AuditFilters value={value} setFilter={setFilter} clear={filtered ? () => router.replace(pathname) : null} />
      <section className="card">
        {events.isPending ? <Loading what="the audit trail" /> : null}
        {events.isError ? <ErrorBanner error={new Error(`Could not load the audit trail: ${events.error.message}`)} /> : null}
        {events.isSuccess && rows.length === 0 ? <p className="empty">{filtered ? 'Nothing matches these filters.' : 'Nothing has been changed yet.'}</p> : null}
        {rows.length > 0 ? (
          <table data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">What</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const href = entityHref(row.entityType, row.entityId);
                return (
                  <tr key={row.id}>
                    <td>
                      <time dateTime={new Date(row.at).toISOString()}>{new Date(row.at).toLocaleString()}</time>
                    </td>
                    <td>{row.actorLabel}</td>
                    <td>
                      <code>{row.action}</code>
                    </td>
                    <td>
                      {row.entityType} {href ? <Link href={href}>{row.entityName ?? row.entityId}</Link> : (row.entityName ?? row.entityId ?? '')}
                    </td>
                    <td>
                      <ul className="plain-list">
                        {detailLines(row.details).map((line, i) => (
                          <li key={i}>{line}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {events.hasNextPage ? (
          <button type="button" onClick={() => events.fetchNextPage()} disabled={events.isFetchingNextPage}>
            {events.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </section>
    </main>
  );
}
