/**
 * The webhook log's filters, one schema for the Logs page (they live in its URL), the tRPC API and
 * `GET /api/logs` (docs/logs.md): every value is a string, as in a query string.
 */
import { z } from 'zod';
import { OUTCOMES, type Outcome } from './outcome';

const text = (max: number, description: string) => z.string().trim().min(1).max(max).optional().describe(description);
const OUTCOME_LIST = new RegExp(`^(${OUTCOMES.join('|')})(,(${OUTCOMES.join('|')}))*$`);

const logFiltersSchema = z.object({
  webhook: text(100, "a webhook's system name (or its id)"),
  integration: text(100, 'an integration id'),
  flow: text(100, 'a flow id'),
  step: text(100, 'with flow: the attempts of this webhook step (its node id on the canvas)'),
  passed: text(100, 'with flow: attempts of runs that passed this step (a node id)'),
  output: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'a branch output id (a condition id, or "else")')
    .optional()
    .describe('with passed (a branch): attempts of runs that took this output of it'),
  outcome: z
    .string()
    .regex(OUTCOME_LIST, `comma-separated outcome classes: ${OUTCOMES.join(', ')}`)
    .optional()
    .describe(`comma-separated outcome classes: ${OUTCOMES.join(', ')}`),
  customer: text(200, "the customer's id as your system sends it"),
  event: text(200, 'an event id'),
  transactionalId: text(100, 'the TransactionalId shared by the attempts of one step'),
  run: text(100, 'a run id'),
  test: z.enum(['true', 'false']).optional().describe('true: only test sends from the webhook editor; false: none'),
  from: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-11-29T10:00:00Z' }).optional().describe('attempts started at or after this time'),
  to: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-11-29T10:00:00Z' }).optional().describe('attempts started before this time'),
});

export type LogFilters = z.infer<typeof logFiltersSchema>;

const MAX_PAGE = 500;

export const logPageSchema = logFiltersSchema.extend({
  cursor: z.string().max(300).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50).describe(`rows per page, 1 to ${MAX_PAGE}`),
});

export const FILTER_KEYS = Object.keys(logFiltersSchema.shape) as (keyof LogFilters)[];

export function outcomesOf(filters: LogFilters): Outcome[] {
  return filters.outcome ? (filters.outcome.split(',') as Outcome[]) : [];
}

/** The filters set in a query string (unknown keys and empty values dropped): what the Logs page reads from its URL. */
export function filtersFromParams(params: { get(name: string): string | null }): Partial<Record<keyof LogFilters, string>> {
  const filters: Partial<Record<keyof LogFilters, string>> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** A Logs page link with these filters. */
export function logsHref(filters: Partial<Record<keyof LogFilters, string | undefined>>): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `/logs?${query}` : '/logs';
}
