export interface HeaderEntry {
  name: string;
  value: string;
  secret?: boolean;
}

export interface MergedHeader extends HeaderEntry {
  source: 'integration' | 'webhook';
}

/**
 * The headers a webhook sends: the integration's, minus those switched off for this webhook, then the
 * webhook's own. Names compare case-insensitively; a webhook header replaces an inherited one of the same
 * name, at the inherited header's position.
 */
export function mergeHeaders(inherited: HeaderEntry[], disabled: string[], own: HeaderEntry[]): MergedHeader[] {
  const off = new Set(disabled.map((name) => name.toLowerCase()));
  const merged: MergedHeader[] = inherited
    .filter((header) => header.name.trim() !== '' && !off.has(header.name.toLowerCase()))
    .map((header) => ({ ...header, source: 'integration' as const }));
  for (const header of own) {
    if (header.name.trim() === '') continue;
    const index = merged.findIndex((existing) => existing.name.toLowerCase() === header.name.toLowerCase());
    const entry: MergedHeader = { ...header, secret: header.secret ?? false, source: 'webhook' };
    if (index === -1) merged.push(entry);
    else merged[index] = entry;
  }
  return merged;
}

export const SECRET_MASK = '••••••••';

/** RFC 7230 token characters. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}
