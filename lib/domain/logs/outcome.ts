/**
 * The outcome classes the webhook log filters on, one per attempt, derived from its error class and status
 * when it is written. The migration that added the column backfills it with the same mapping in SQL.
 */
export const OUTCOMES = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'connection', 'blocked', 'template', 'rate-limit'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  '2xx': '2xx success',
  '3xx': '3xx redirect',
  '4xx': '4xx rejected',
  '5xx': '5xx service error',
  timeout: 'timeout',
  connection: 'connection, DNS or TLS',
  blocked: 'blocked destination',
  template: 'template or configuration',
  'rate-limit': 'rate limited (429 or queue full)',
};

/** Every class but 2xx: what "failed" means on the canvas counts. */
export const FAILED_OUTCOMES: readonly Outcome[] = OUTCOMES.filter((o) => o !== '2xx');

export function outcomeOf(errorClass: string | null, status: number | null): Outcome | null {
  switch (errorClass) {
    case null:
      return status === null ? null : '2xx';
    case 'http_3xx':
      return '3xx';
    case 'http_4xx':
      return '4xx';
    case 'http_5xx':
      return '5xx';
    case 'timeout':
      return 'timeout';
    case 'connection':
    case 'dns':
    case 'tls':
      return 'connection';
    case 'blocked':
      return 'blocked';
    case 'template':
    case 'config':
      return 'template';
    case 'rate_limit':
    case 'http_429':
      return 'rate-limit';
    default:
      return null;
  }
}

/** Header names whose values are credentials: masked in the log whatever the integration says. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token']);

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}
