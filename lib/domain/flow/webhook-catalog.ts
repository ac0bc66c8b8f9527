/** What the flow compiler needs to know of a stored webhook. */
import { compileTemplate } from '../template/engine';
import type { WebhookInfo } from './compile';
import { retryRule, usesTransactionalId } from '../webhook/idempotency';

export interface StoredWebhook {
  id: string;
  name: string;
  systemName: string;
  path: string;
  bodyTemplate: string;
  headers: unknown;
  maxRetries: number | null;
  retryWindowSeconds: number | null;
}

export function webhookInfo(webhook: StoredWebhook): WebhookInfo {
  const headers = (webhook.headers as { name: string; value: string }[]) ?? [];
  const sources: [string, string][] = [
    ['URL path', webhook.path],
    ['Body', webhook.bodyTemplate],
    ...headers.map((h): [string, string] => [`Header ${h.name}`, h.value]),
  ];
  const readsWebhooks = new Set<string>();
  const templateErrors: string[] = [];
  for (const [label, source] of sources) {
    try {
      for (const path of compileTemplate(source).paths) {
        const match = /^Webhooks\.([A-Za-z][A-Za-z0-9_]*)/.exec(path);
        if (match) readsWebhooks.add(match[1]!);
      }
    } catch (error) {
      templateErrors.push(`${label}: ${(error as Error).message}`);
    }
  }
  return {
    id: webhook.id,
    name: webhook.name,
    systemName: webhook.systemName,
    retry: retryRule(usesTransactionalId({ path: webhook.path, bodyTemplate: webhook.bodyTemplate, headers }), webhook),
    readsWebhooks: [...readsWebhooks],
    templateErrors,
  };
}
