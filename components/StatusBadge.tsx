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

/** The one word for a flow's state everywhere: draft, published vN, paused, archived. */
function flowStatusLabel(flow: { status: string; version: number | null }): string {
  if (flow.status === 'active') return flow.version ? `published v${flow.version}` : 'published';
  return flow.status;
}

export function FlowStatus({ flow }: { flow: { status: string; version: number | null } }) {
  return <StatusBadge status={flow.status} label={flowStatusLabel(flow)} />;
}

/** "test" or "dry run" next to a test run, wherever runs are listed. */
export function TestBadge({ mode }: { mode: 'live' | 'dry' | null | undefined }) {
  if (!mode) return null;
  return <span className="badge badge-test" title={mode === 'dry' ? 'A dry-run test: nothing was sent' : 'A test run: its requests were really sent'}>{mode === 'dry' ? 'dry-run test' : 'test'}</span>;
}
