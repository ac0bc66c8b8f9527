import { z } from 'zod';
import { METHODS } from '../http/methods';
import { CAPTURE_NAME_PATTERN } from '../webhook/capture';
import { headerNameSchema } from './integration';

const SYSTEM_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

export const systemNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a system name')
  .max(64, 'At most 64 characters')
  .regex(SYSTEM_NAME_PATTERN, 'Use letters, digits and underscores, starting with a letter (no dashes or spaces)');

/** "Welcome e-mail (v2)" → "welcome_e_mail_v2" */
export function suggestSystemName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!base) return '';
  return (/^[a-z]/.test(base) ? base : `webhook_${base}`).slice(0, 64);
}

export const webhookInput = z.object({
  integrationId: z.string().min(1, 'Choose an integration'),
  name: z.string().trim().min(1, 'Enter a name').max(100),
  systemName: systemNameSchema,
  description: z.string().max(2000, 'At most 2,000 characters').default(''),
  // A missing method keeps zod's own message (flows as code reports it at its JSON path).
  method: z.enum(METHODS, { error: (issue) => (issue.input === undefined ? undefined : 'Choose a method') }),
  path: z.string().max(2000).default(''),
  headers: z.array(z.object({ name: headerNameSchema, value: z.string().max(8000) })).max(50).default([]),
  disabledHeaders: z.array(z.string().max(200)).max(50).default([]),
  bodyTemplate: z.string().max(100_000).default(''),
  captureEnabled: z.boolean().default(false),
  captureFields: z
    .array(
      z.object({
        name: z.string().regex(CAPTURE_NAME_PATTERN, 'Field names use letters, digits and underscores, starting with a letter'),
        path: z.string().min(1, 'Enter a path, e.g. $.data.id').max(500),
      }),
    )
    .max(50)
    .default([]),
  maxRetries: z.number('Enter a number of retries').int('Retries: a whole number from 0 to 3').min(0, 'Retries: a whole number from 0 to 3').max(3, 'Retries: a whole number from 0 to 3').nullable().default(null),
  retryWindowSeconds: z
    .number('Enter a number of seconds')
    .int('A whole number of seconds from 1 to 360')
    .min(1, 'A whole number of seconds from 1 to 360')
    .max(360, 'A whole number of seconds from 1 to 360')
    .nullable()
    .default(null),
});

/**
 * The editor's draft as it is while being typed: any text in any field. The live check accepts it, says
 * what is wrong with each field, and still previews whatever is valid.
 */
const webhookDraftInput = z.object({
  integrationId: z.string().max(100).default(''),
  name: z.string().max(1000).default(''),
  systemName: z.string().max(1000).default(''),
  description: z.string().max(10_000).default(''),
  method: z.string().max(20).default('POST'),
  path: z.string().max(2000).default(''),
  headers: z.array(z.object({ name: z.string().max(1000), value: z.string().max(8000) })).max(50).default([]),
  disabledHeaders: z.array(z.string().max(200)).max(50).default([]),
  bodyTemplate: z.string().max(100_000).default(''),
  captureEnabled: z.boolean().default(false),
  captureFields: z.array(z.object({ name: z.string().max(1000), path: z.string().max(1000) })).max(50).default([]),
  maxRetries: z.number().nullable().default(null),
  retryWindowSeconds: z.number().nullable().default(null),
});
export type WebhookDraftInput = z.infer<typeof webhookDraftInput>;

export type WebhookInput = z.infer<typeof webhookInput>;
export const updateWebhookInput = z.object({ id: z.string().min(1), data: webhookInput });

/** Editable sample data for previews and test sends. */
export const sampleDataInput = z.object({
  customer: z.record(z.string(), z.unknown()).default({}),
  event: z.object({ type: z.string().max(100).default('sample.event'), data: z.record(z.string(), z.unknown()).default({}) }).default({ type: 'sample.event', data: {} }),
  webhooks: z.record(z.string(), z.unknown()).default({}),
});
export type SampleDataInput = z.infer<typeof sampleDataInput>;

export const previewInput = z.object({ webhook: webhookDraftInput, sample: sampleDataInput.default({ customer: {}, event: { type: 'sample.event', data: {} }, webhooks: {} }) });
