/** What an import changes, as data and as one line each. No server code: the import page renders these too. */
export interface Change {
  kind: 'integration' | 'webhook' | 'flow';
  name: string;
  action: 'create' | 'update' | 'unchanged';
  /** what differs or where a secret comes from, in words; never a secret value */
  details: string[];
  /** flows: the version number this import publishes */
  publishes?: number;
}

/** `~ webhook create_ticket (update): path; bodyTemplate`, for the CLI and the import page. */
export function describeChange(change: Change): string {
  const symbol = { create: '+', update: '~', unchanged: '=' }[change.action];
  const label = change.kind === 'webhook' ? `webhook ${change.name}` : `${change.kind} "${change.name}"`;
  const details = change.details.length > 0 ? `: ${change.details.join('; ')}` : '';
  const publish = change.publishes ? `; publish as version ${change.publishes}` : '';
  return `${symbol} ${label} (${change.action})${details}${publish}`;
}
