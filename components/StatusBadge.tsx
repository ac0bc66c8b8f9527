const tone: Record<string, string> = {
  active: 'ok',
  completed: 'ok',
  running: 'info',
  pending: 'warn',
  paused: 'warn',
  draft: 'muted',
  archived: 'muted',
  failed: 'bad',
  cancelled: 'muted',
};

/** `label` replaces the text, keeping the status's colour ("published v3" in the colour of active). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${tone[status] ?? 'muted'}`}>{label ?? status}</span>;
}
