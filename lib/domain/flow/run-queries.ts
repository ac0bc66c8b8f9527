/**
 * Temporal visibility queries that find a flow's runs by Hookflow's search attributes (docs/temporal.md).
 * The app links to the Temporal UI with them, pre-filtered.
 */
import { SEARCH_ATTRIBUTES } from './run';

const A = Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([k, v]) => [k, v.name])) as Record<keyof typeof SEARCH_ATTRIBUTES, string>;

/** A string literal of the query language; null when the value holds both kinds of quotes. */
function literal(value: string): string | null {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return null;
}

const equals = (attribute: string, value: string) => {
  const quoted = literal(value);
  return quoted === null ? null : `${attribute} = ${quoted}`;
};

export const runQueries = {
  flow: (flowId: string) => equals(A.flowId, flowId),
  version: (flowId: string, version: number) => `${equals(A.flowId, flowId)} AND ${A.flowVersion} = ${Math.trunc(version)}`,
  failed: (flowId: string) => `${equals(A.flowId, flowId)} AND (ExecutionStatus = "Failed" OR ${A.outcome} IN ("failed", "has-failed-webhooks"))`,
  customer: (customerId: string) => equals(A.customerId, customerId),
  event: (eventId: string) => equals(A.eventId, eventId),
};
