/**
 * Filters mirroring the seed docs' template methods. Nunjucks already has upper, lower, capitalize,
 * truncate, default, length, replace, join, first, last, round and more; these add the rest.
 */
import type nunjucks from 'nunjucks';
import { RawJson } from './escape';

const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** `YYYY-MM-DD HH:mm:ss` style tokens, in UTC or an IANA time zone. */
function formatDate(value: unknown, pattern = 'YYYY-MM-DD', timeZone = 'UTC'): string {
  if (value === undefined || value === null || value === '') return '';
  const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value : String(value));
  if (Number.isNaN(date.getTime())) return '';
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
  } catch {
    throw new Error(`Unknown time zone "${timeZone}"`);
  }
  const tokens: Record<string, string> = {
    YYYY: parts.year!,
    MM: parts.month!,
    DD: parts.day!,
    HH: parts.hour!,
    mm: parts.minute!,
    ss: parts.second!,
  };
  return pattern.replace(/YYYY|MM|DD|HH|mm|ss/g, (token) => tokens[token]!);
}

export function registerFilters(env: nunjucks.Environment): void {
  env.addFilter('json', (value: unknown) => new RawJson(JSON.stringify(value ?? null)));
  env.addFilter('date', (value: unknown, pattern?: string, timeZone?: string) => formatDate(value, pattern, timeZone));
  env.addFilter('ifEmpty', (value: unknown, fallback: unknown) => (isEmpty(value) ? fallback : value));
  // `capitalize` in Nunjucks lower-cases the rest; `capitalizeFirst` keeps it.
  env.addFilter('capitalizeFirst', (value: unknown) => {
    const text = value === undefined || value === null ? '' : String(value);
    return text.charAt(0).toUpperCase() + text.slice(1);
  });
}
