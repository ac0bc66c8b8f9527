import { compileTemplate } from '../template/engine';
import { TRANSACTIONAL_ID_PATH } from './transactional-id';

/** The seed's rule: a webhook that carries the TransactionalId is retried; one without it is sent once. */
const IDEMPOTENT_RETRY_RULE = { maxRetries: 3, windowSeconds: 360 } as const;

export interface WebhookTemplates {
  path: string;
  headers: { value: string }[];
  bodyTemplate: string;
}

/** True when the id appears in the URL path, any header value or the body, as a template reference. */
export function usesTransactionalId(webhook: WebhookTemplates): boolean {
  const sources = [webhook.path, webhook.bodyTemplate, ...webhook.headers.map((h) => h.value)];
  return sources.some((source) => {
    if (!source.includes('TransactionalId')) return false;
    try {
      return compileTemplate(source).paths.includes(TRANSACTIONAL_ID_PATH);
    } catch {
      return false;
    }
  });
}

export interface RetrySettings {
  maxRetries?: number | null;
  retryWindowSeconds?: number | null;
}

export interface RetryRule {
  /** total attempts including the first */
  maxAttempts: number;
  /** the last retry starts no later than this many seconds after the first attempt */
  windowSeconds: number;
}

/** Per-webhook settings may tighten the seed's rule, never loosen it. */
export function retryRule(idempotent: boolean, settings: RetrySettings = {}): RetryRule {
  if (!idempotent) return { maxAttempts: 1, windowSeconds: 0 };
  const retries = Math.min(IDEMPOTENT_RETRY_RULE.maxRetries, Math.max(0, settings.maxRetries ?? IDEMPOTENT_RETRY_RULE.maxRetries));
  const window = Math.min(IDEMPOTENT_RETRY_RULE.windowSeconds, Math.max(1, settings.retryWindowSeconds ?? IDEMPOTENT_RETRY_RULE.windowSeconds));
  return { maxAttempts: retries + 1, windowSeconds: retries === 0 ? 0 : window };
}

export function describeRetryRule(rule: RetryRule): string {
  if (rule.maxAttempts <= 1) return 'sent once';
  const retries = rule.maxAttempts - 1;
  const window = rule.windowSeconds % 60 === 0 ? `${rule.windowSeconds / 60} minute${rule.windowSeconds === 60 ? '' : 's'}` : `${rule.windowSeconds} seconds`;
  return `retried up to ${retries} time${retries === 1 ? '' : 's'} within ${window} on 5xx/429`;
}
