/** The flow compiler's catalog of webhooks: what it needs to know of each stored webhook. */
import { compileTemplate } from '../template/engine';
import { retryRule, usesTransactionalId, type RetryRule } from '../webhook/idempotency';

/** What validation needs to know of each webhook the flow may reference. */
export interface WebhookInfo {
  id: string;
  name: string;
  systemName: string;
  retry: RetryRule;
  /** for the run's Temporal UI summary ("POST Helpdesk /tickets"), as of publishing */
  method?: string;
  path?: string;
  integrationName?: string;
  /** system names of other webhooks its templates read (`Webhooks.<sys>.…`) */
  readsWebhooks: string[];
  /** template problems, already worded */
  templateErrors: string[];
}

export interface StoredWebhook {
  id: string;
  name: string;
  systemName: string;
  method: string;
  path: string;
  integration?: { name: string };
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
    method: webhook.method,
    path: webhook.path,
    integrationName: webhook.integration?.name,
    readsWebhooks: [...readsWebhooks],
    templateErrors,
  };
}
