/**
 * Response capture: named fields pulled out of a JSON response by JSONPath. jsonpath-plus runs with script
 * evaluation off, so a path can never execute code.
 */
import { JSONPath } from 'jsonpath-plus';

export interface CaptureField {
  name: string;
  path: string;
}

/** `data.tier` and `$.data.tier` mean the same; a leading `$` is added when missing. */
function normalizePath(path: string): string {
  const trimmed = path.trim();
  if (trimmed.startsWith('$')) return trimmed;
  return trimmed.startsWith('[') ? `$${trimmed}` : `$.${trimmed}`;
}

export function checkCapturePath(path: string): string | null {
  if (path.trim() === '') return 'Enter a path, for example $.data.id';
  try {
    JSONPath({ path: normalizePath(path), json: {}, eval: false, wrap: true });
    return null;
  } catch (error) {
    return `Invalid path: ${(error as Error).message}`;
  }
}

/** One value per field: the single match, an array when the path matches several, undefined when none. */
export function captureFields(body: unknown, fields: CaptureField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    let matches: unknown[] = [];
    try {
      matches = JSONPath({ path: normalizePath(field.path), json: body as object, eval: false, wrap: true }) as unknown[];
    } catch {
      matches = [];
    }
    out[field.name] = matches.length === 0 ? null : matches.length === 1 ? matches[0] : matches;
  }
  return out;
}

export const CAPTURE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface CaptureResult {
  /** the response body, parsed when it is JSON */
  body: unknown;
  fields: Record<string, unknown>;
  /** why some field could not be read, in words; null when every field was found (or none was asked for) */
  error: string | null;
}

/**
 * Reads the fields to capture from a whole response (up to the response size limit). A capture that cannot
 * be read says why instead of failing silently: the response was cut at the limit, is not JSON, or a path
 * matched nothing.
 */
export function captureFromResponse(text: string | null, truncated: boolean, fields: CaptureField[], limitBytes: number): CaptureResult {
  let body: unknown = null;
  let json = false;
  if (text !== null && text !== '') {
    try {
      body = JSON.parse(text);
      json = true;
    } catch {
      body = text;
    }
  }
  if (fields.length === 0) return { body, fields: {}, error: null };
  if (truncated) return { body: null, fields: Object.fromEntries(fields.map((f) => [f.name, null])), error: `The response is larger than ${Math.round(limitBytes / 1024)} KB, so no field could be read from it` };
  if (!json) return { body, fields: Object.fromEntries(fields.map((f) => [f.name, null])), error: text ? 'The response is not JSON, so no field could be read from it' : 'The response has no body, so no field could be read from it' };
  const captured = captureFields(body, fields);
  const missing = fields.filter((f) => captured[f.name] === null);
  return { body, fields: captured, error: missing.length === 0 ? null : missing.map((f) => `no value at ${f.path} for ${f.name}`).join('; ') };
}
