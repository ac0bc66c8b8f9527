/**
 * The scopes an API key can carry, in one place: the Settings page, the CLI, the API's checks and the docs
 * all read this list. A new scope (say `metrics:read`) is one more entry here and a
 * `requireApiKey(request, 'audit:read')` in its route.
 */
export const API_SCOPES = {
  'events:write': 'Send events: POST /api/events',
  'logs:read': 'Export the webhook log: GET /api/logs',
  'audit:read': 'Read the audit trail: GET /api/audit',
  'metrics:read': 'Scrape Prometheus metrics: GET /api/metrics',
} as const;

export type ApiScope = keyof typeof API_SCOPES;
export const API_SCOPE_NAMES = Object.keys(API_SCOPES) as ApiScope[];

export function isApiScope(value: string): value is ApiScope {
  return Object.prototype.hasOwnProperty.call(API_SCOPES, value);
}
