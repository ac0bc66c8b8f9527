import { z } from 'zod';
import { checkRootUrl } from '../http/url';
import { isValidHeaderName } from '../http/headers';

export const headerNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a header name')
  .max(200)
  .refine(isValidHeaderName, 'Header names use letters, digits and - _ . only (no spaces or colons)');

export const integrationHeaderInput = z.object({
  id: z.string().optional(),
  name: headerNameSchema,
  /** null keeps the stored value of an existing secret header (the browser never has it) */
  value: z.string().max(8000).nullable(),
  secret: z.boolean(),
});

export const integrationInput = z
  .object({
    name: z.string().trim().min(1, 'Enter a name').max(100),
    rootUrl: z.string().superRefine((value, ctx) => {
      const result = checkRootUrl(value);
      if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
    }),
    rateLimitPerSecond: z.number().positive('The rate limit must be a positive number, e.g. 0.5 for one request every 2 seconds').max(10_000).nullable(),
    connectTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(30_000),
    /** send the W3C traceparent header while tracing is on (left out: unchanged, or off for a new integration) */
    sendTraceparent: z.boolean().optional(),
    headers: z.array(integrationHeaderInput).max(50).default([]),
  })
  .superRefine((value, ctx) => {
    checkHeaderNames(value.headers, ctx);
    value.headers.forEach((header, index) => {
      if (header.value === null && !header.id) ctx.addIssue({ code: 'custom', path: ['headers', index, 'value'], message: 'Enter a value' });
    });
  });

/** Header names are case-insensitive in HTTP: one integration lists each name once. Shared with flows-as-code. */
export function checkHeaderNames(headers: readonly { name: string }[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  headers.forEach((header, index) => {
    const key = header.name.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['headers', index, 'name'], message: `"${header.name}" is listed twice` });
    seen.add(key);
  });
}

export type IntegrationInput = z.infer<typeof integrationInput>;
export const integrationIdInput = z.object({ id: z.string().min(1) });
export const updateIntegrationInput = z.object({ id: z.string().min(1), data: integrationInput });
