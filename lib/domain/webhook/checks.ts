/**
 * What the webhook editor shows and checks: sample data, template problems per field, the JSON validity
 * of the body with sample data, the retry rule, and the request exactly as it would be sent.
 */
import { validateTemplate } from '../template/engine';
import { buildRequest, redactHeaders, RequestBuildError, type WebhookDefinition } from './request';
import { describeRetryRule, retryRule, usesTransactionalId } from './idempotency';
import { checkCapturePath } from './capture';
import type { SampleDataInput, WebhookInput } from '../schemas/webhook';
import { customerContext } from '../events/context';
import type { HeaderEntry } from '../http/headers';

const SAMPLE_TRANSACTIONAL_ID = '00000000-0000-4000-8000-000000000000';

export function sampleContext(sample: SampleDataInput): Record<string, unknown> {
  const { id, ...attributes } = sample.customer as { id?: unknown } & Record<string, unknown>;
  return {
    Customer: customerContext(String(id ?? 'sample-customer'), { email: 'sample@example.com', ...attributes }),
    Event: { Id: 'sample-event', Type: sample.event.type, Data: sample.event.data, OccurredAt: new Date(0).toISOString() },
    Webhooks: sample.webhooks,
    WebhookRequest: { TransactionalId: SAMPLE_TRANSACTIONAL_ID },
    Flow: { Id: 'sample-flow', Name: 'Sample flow', Version: 1 },
    Run: { Id: 'sample-run' },
  };
}

export interface IntegrationHeaders {
  rootUrl: string;
  headers: HeaderEntry[];
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

type RequestFields = Pick<WebhookInput, 'method' | 'path' | 'bodyTemplate' | 'headers' | 'disabledHeaders'> & { id?: string; version?: number };

/** A webhook's fields (saved or being edited) and its integration: what buildRequest renders. */
export function definitionOf(input: RequestFields, integration: IntegrationHeaders): WebhookDefinition {
  return {
    id: input.id,
    version: input.version,
    method: input.method,
    path: input.path,
    bodyTemplate: input.bodyTemplate,
    headers: input.headers,
    disabledHeaders: input.disabledHeaders,
    integration: { rootUrl: integration.rootUrl, headers: integration.headers },
  };
}

export interface WebhookCheck {
  fieldErrors: Record<string, string[]>;
  usesTransactionalId: boolean;
  retryRule: string;
  /** the request as it would be sent with the sample data, secrets masked; null when it cannot be built */
  preview: { method: string; url: string; headers: { name: string; value: string; secret: boolean }[]; body: string | null } | null;
}

export function checkWebhook(input: WebhookInput, integration: IntegrationHeaders, sample: SampleDataInput): WebhookCheck {
  const fieldErrors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (fieldErrors[field] ??= []).push(message);
  const located = (problem: { message: string; line?: number }) => (problem.line ? `Line ${problem.line}: ${problem.message}` : problem.message);
  for (const problem of validateTemplate(input.path)) add('path', located(problem));
  for (const problem of validateTemplate(input.bodyTemplate)) add('bodyTemplate', located(problem));
  input.headers.forEach((header, index) => {
    for (const problem of validateTemplate(header.value)) add(`headers.${index}.value`, located(problem));
  });
  input.captureFields.forEach((field, index) => {
    const problem = checkCapturePath(field.path);
    if (problem) add(`captureFields.${index}.path`, problem);
  });
  let preview: WebhookCheck['preview'] = null;
  if (Object.keys(fieldErrors).length === 0) {
    try {
      const built = buildRequest(definitionOf(input, integration), sampleContext(sample));
      preview = { ...built, headers: redactHeaders(built.headers) };
    } catch (error) {
      if (!(error instanceof RequestBuildError)) throw error;
      add(error.part === 'body' ? 'bodyTemplate' : error.part === 'url' ? 'path' : 'headers', error.message);
    }
  }
  const idempotent = usesTransactionalId(input);
  return { fieldErrors, usesTransactionalId: idempotent, retryRule: describeRetryRule(retryRule(idempotent, input)), preview };
}

