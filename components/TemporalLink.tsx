/** A link into the Temporal Web UI (a new tab); nothing while the URL is loading or cannot be made. */
export function TemporalLink({ href, children }: { href: string | null | undefined; children: React.ReactNode }) {
  if (!href) return null;
  return (
    <a href={href} target="_blank" rel="noreferrer" title="Open in the Temporal Web UI">
      {children} ↗
    </a>
  );
}
