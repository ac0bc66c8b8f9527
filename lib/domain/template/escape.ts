/** Where a rendered value lands decides how it is escaped. */
export type OutputMode = 'json' | 'url' | 'header' | 'text';

/** A value that is already JSON text (the `json` filter); inserted as-is outside JSON strings. */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function escapeForMode(value: unknown, mode: OutputMode, insideJsonString: boolean): string {
  switch (mode) {
    case 'json':
      if (insideJsonString) return JSON.stringify(asText(value)).slice(1, -1);
      if (value instanceof RawJson) return value.text;
      if (value === undefined) return 'null';
      if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
      return JSON.stringify(value) ?? 'null';
    case 'url':
      return encodeURIComponent(asText(value));
    case 'header':
      // A header value can never gain a line break (header injection) or other control characters.
      return asText(value).replace(/[\u0000-\u001f\u007f]+/g, ' ');
    case 'text':
      return asText(value);
  }
}
