const tone: Record<string, string> = {
  active: 'ok',
  completed: 'ok',
  running: 'info',
  pending: 'warn',
  paused: 'warn',
  draft: 'muted',
  archived: 'muted',
  failed: 'bad',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${tone[status] ?? 'muted'}`}>{status}</span>;
}
