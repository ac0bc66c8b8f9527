/**
 * What an audit row says changed, in words a reader can scan (docs/security.md, "Audit trail"). Secret values
 * never appear: a changed secret header reads "secret header Authorization changed".
 */

/** Every action the audit trail records; the Audit page filters on these. */
export const AUDIT_ACTIONS = [
  'integration.create',
  'integration.update',
  'integration.delete',
  'integration.signing.enable',
  'integration.signing.rotate',
  'integration.signing.disable',
  'webhook.create',
  'webhook.update',
  'webhook.copy',
  'webhook.delete',
  'flow.create',
  'flow.rename',
  'flow.duplicate',
  'flow.draft',
  'flow.publish',
  'flow.pause',
  'flow.resume',
  'flow.archive',
  'flows.import',
  'user.invite',
  'user.accept-invite',
  'user.setup',
  'user.role',
  'user.disable',
  'user.enable',
  'user.revoke-sessions',
  'apikey.create',
  'apikey.revoke',
  'attempt.resend',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ENTITY_TYPES = ['integration', 'webhook', 'flow', 'user', 'apikey', 'attempt', 'import'] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/** Plain fields that differ, as `{ field: { from, to } }`; unchanged fields are left out. */
export function fieldChanges<T extends object>(before: T, after: Partial<T>, fields: readonly (keyof T & string)[]): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}

export interface AuditedHeader {
  name: string;
  secret: boolean;
  /** the plain value: compared, never written into the audit row for a secret header */
  value: string;
}

/** Header changes in words: added, removed, changed, made secret or not; secret values are never quoted. */
export function headerChanges(before: readonly AuditedHeader[], after: readonly AuditedHeader[]): string[] {
  const label = (h: AuditedHeader) => `${h.secret ? 'secret header' : 'header'} ${h.name}`;
  const key = (h: AuditedHeader) => h.name.toLowerCase();
  const previous = new Map(before.map((h) => [key(h), h]));
  const lines: string[] = [];
  for (const header of after) {
    const old = previous.get(key(header));
    previous.delete(key(header));
    if (!old) lines.push(`${label(header)} added`);
    else if (old.secret !== header.secret) lines.push(`header ${header.name} made ${header.secret ? 'secret' : 'not secret'}${old.value !== header.value ? ', value changed' : ''}`);
    else if (old.value !== header.value) lines.push(header.secret ? `${label(header)} changed` : `${label(header)} changed from "${old.value}" to "${header.value}"`);
  }
  for (const gone of previous.values()) lines.push(`${label(gone)} removed`);
  return lines;
}
