/**
 * What the webhook editor and its sections share: the draft being edited, how a section changes it and
 * reads its field errors, and the sample data renders and test sends use. Kept apart from the components so
 * the sections and the editor that composes them do not import each other.
 */
import type { WebhookInput } from '@/lib/domain/schemas/webhook';
import { TRANSACTIONAL_ID_VARIABLE } from '@/lib/domain/webhook/transactional-id';

export type WebhookDraft = WebhookInput;

/** Merges a change into the draft. */
export type SetDraft = (patch: Partial<WebhookDraft>) => void;

/** The messages for one field (`name`, `headers.0.value`), from the last save or the live check. */
export type ErrorsFor = (field: string) => string[] | undefined;

/** Sample data for the live preview and the test send. */
export type WebhookSample = { customer: Record<string, unknown>; event: { type: string; data: Record<string, unknown> }; webhooks: Record<string, unknown> };

/** The request the templates render to, from the parts that are valid (`incomplete` names the others). */
export type RequestPreview = { method: string; url: string; headers: { name: string; value: string }[]; body: string | null; incomplete?: string[] };

export const EMPTY_SAMPLE: WebhookSample = { customer: {}, event: { type: 'sample.event', data: {} }, webhooks: {} };

/** Adds `"<field>": "${WebhookRequest.TransactionalId}"` as the first member of the body object. */
export function insertBodyField(body: string, field: string): string {
  const member = `"${field}": "${TRANSACTIONAL_ID_VARIABLE}"`;
  const trimmed = body.trim();
  if (trimmed === '') return `{\n  ${member}\n}`;
  const open = body.indexOf('{');
  if (open === -1) return body;
  const rest = body.slice(open + 1);
  const empty = rest.trim().startsWith('}');
  return `${body.slice(0, open + 1)}\n  ${member}${empty ? '\n' : ','}${empty ? rest.trimStart() : rest.startsWith('\n') ? rest : `\n  ${rest.trimStart()}`}`;
}
