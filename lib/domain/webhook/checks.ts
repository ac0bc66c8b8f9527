/**
 * What the webhook editor shows and checks: sample data, template problems per field, the JSON validity
 * of the body with sample data, the retry rule, and the request exactly as it would be sent.
 */
import { validateTemplate } from '../template/engine';
import { buildRequest, redactHeaders, RequestBuildError, type WebhookDefinition } from './request';
import { describeRetryRule, retryRule, usesTransactionalId } from './idempotency';
import { checkCapturePath } from './capture';
import { webhookInput, type SampleDataInput, type WebhookDraftInput, type WebhookInput } from '../schemas/webhook';
import { METHODS } from '../http/methods';
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
  /** per field (`systemName`, `headers.0.value`): what is wrong, in words */
  fieldErrors: Record<string, string[]>;
  usesTransactionalId: boolean;
  retryRule: string;
  /**
   * the request as it would be sent with the sample data, secrets masked, built from whatever is valid:
   * `incomplete` names the parts left out until their problems are fixed
   */
  preview: { method: string; url: string; headers: { name: string; value: string; secret: boolean }[]; body: string | null; incomplete: string[] } | null;
}

/** Body problems read "Line 4: …" so the editor marks the line. */
function located(problem: { message: string; line?: number; column?: number }): string {
  return problem.line ? `Line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: ${problem.message}` : problem.message;
}

/** The draft's own field problems (names, system name, retries…), each under its field's key. */
function schemaErrors(input: WebhookDraftInput, add: (field: string, message: string) => void): void {
  const parsed = webhookInput.safeParse(input);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) add(issue.path.join('.') || 'webhook', issue.message);
}

export function checkWebhook(input: WebhookDraftInput, integration: IntegrationHeaders, sample: SampleDataInput): WebhookCheck {
  const fieldErrors: Record<string, string[]> = {};
  const add = (field: string, message: string) => {
    const list = (fieldErrors[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  schemaErrors(input, add);
  for (const problem of validateTemplate(input.path)) add('path', located(problem));
  for (const problem of validateTemplate(input.bodyTemplate)) add('bodyTemplate', located(problem));
  input.headers.forEach((header, index) => {
    for (const problem of validateTemplate(header.value)) add(`headers.${index}.value`, located(problem));
  });
  input.captureFields.forEach((field, index) => {
    const problem = checkCapturePath(field.path);
    if (problem) add(`captureFields.${index}.path`, problem);
  });
  const idempotent = usesTransactionalId(input);
  const rule = retryRule(idempotent, { maxRetries: validCount(input.maxRetries, 0, 3), retryWindowSeconds: validCount(input.retryWindowSeconds, 1, 360) });
  return { fieldErrors, usesTransactionalId: idempotent, retryRule: describeRetryRule(rule), preview: tolerantPreview(input, integration, sample, fieldErrors, add) };
}

function validCount(value: number | null, min: number, max: number): number | null {
  return value !== null && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

/**
 * The request built from the parts that are valid: a path, header or body with a problem is left out (and
 * named in `incomplete`), so one mistake never hides the rest of the preview.
 */
function tolerantPreview(
  input: WebhookDraftInput,
  integration: IntegrationHeaders,
  sample: SampleDataInput,
  fieldErrors: Record<string, string[]>,
  add: (field: string, message: string) => void,
): WebhookCheck['preview'] {
  const incomplete: string[] = [];
  const method = (METHODS as readonly string[]).includes(input.method.toUpperCase()) ? input.method.toUpperCase() : 'POST';
  const headers = input.headers.filter((header, index) => {
    const ok = !fieldErrors[`headers.${index}.value`] && !fieldErrors[`headers.${index}.name`] && header.name.trim() !== '';
    if (!ok && header.name.trim() !== '') incomplete.push(`header ${header.name}`);
    return ok;
  });
  const fields = {
    method: method as WebhookInput['method'],
    path: fieldErrors.path ? '' : input.path,
    bodyTemplate: fieldErrors.bodyTemplate ? '' : input.bodyTemplate,
    headers,
    disabledHeaders: input.disabledHeaders,
  };
  if (fieldErrors.path) incomplete.push('URL path');
  if (fieldErrors.bodyTemplate) incomplete.push('body');
  const context = sampleContext(sample);
  for (let tries = 0; tries < 4; tries++) {
    try {
      const built = buildRequest(definitionOf(fields, integration), context);
      return { ...built, headers: redactHeaders(built.headers), incomplete };
    } catch (error) {
      if (!(error instanceof RequestBuildError)) throw error;
      // Said at the field, then left out of the preview.
      if (error.part === 'body') {
        add('bodyTemplate', error.line ? `Line ${error.line}: ${error.detail}` : error.detail);
        fields.bodyTemplate = '';
        incomplete.push('body');
      } else if (error.part === 'url' && fields.path !== '') {
        add('path', error.detail);
        fields.path = '';
        incomplete.push('URL path');
      } else if (error.part === 'header' && fields.headers.length > 0) {
        add('headers', error.detail);
        fields.headers = [];
        incomplete.push('headers');
      } else {
        return null;
      }
    }
  }
  return null;
}
