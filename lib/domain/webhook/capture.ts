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
