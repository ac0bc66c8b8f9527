import type { LogRow } from '@/lib/domain/logs/entry';

/** The status, or the error class when there was no response, coloured by outcome. */
export function OutcomeBadge({ row }: { row: Pick<LogRow, 'status' | 'outcome' | 'errorClass' | 'errorMessage'> }) {
  const tone = row.outcome === '2xx' ? 'ok' : row.outcome === '3xx' || row.outcome === 'rate-limit' ? 'warn' : row.outcome ? 'bad' : 'muted';
  const text = row.status !== null ? `HTTP ${row.status}` : (row.errorClass ?? 'no response');
  return (
    <span className={`badge badge-${tone}`} title={row.errorMessage ?? undefined}>
      {text}
    </span>
  );
}

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function formatTime(iso: string): string {
  return time.format(new Date(iso));
}

export function KindBadges({ row }: { row: Pick<LogRow, 'kind' | 'actor' | 'dryRun'> }) {
  if (row.dryRun) return <span className="badge badge-test" title="A dry run of a test: rendered, never sent; the response is the sample given">dry run: not sent, sample response</span>;
  if (row.kind === 'test') return <span className="badge badge-info" title={row.actor ? `Test send by ${row.actor}` : 'Test send from the webhook editor'}>test</span>;
  if (row.kind === 'resend') return <span className="badge badge-warn" title={row.actor ? `Resent by ${row.actor}` : 'Manual resend'}>manual resend</span>;
  return null;
}

