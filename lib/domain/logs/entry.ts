/**
 * One attempt as the log shows and exports it (GET /api/logs, the Logs page). The zod schemas are the
 * contract: docs/openapi.json is generated from them (scripts/generate-openapi.ts).
 */
import { z } from 'zod';
import { OUTCOMES } from './outcome';

const nullableString = z.string().nullable();

const logRowSchema = z.object({
  id: z.string(),
  startedAt: z.iso.datetime().describe('when the attempt started (UTC)'),
  kind: z.enum(['run', 'test', 'resend']).describe("a run's attempt, a test send from the webhook editor, or a manual resend from the log"),
  dryRun: z.boolean().describe('a dry-run test step: rendered and recorded, never sent; the response is the sample the person gave'),
  webhook: z.object({ id: z.string(), name: nullableString, systemName: nullableString }).describe('name and system name are null once the webhook is deleted'),
  integration: z.object({ id: z.string(), name: nullableString }).nullable(),
  method: z.string(),
  url: z.string(),
  status: z.number().int().nullable().describe('the HTTP status, null when there was no response'),
  outcome: z.enum(OUTCOMES).nullable(),
  errorClass: nullableString.describe('http_4xx, http_429, http_5xx, http_3xx, timeout, connection, dns, tls, blocked, template, config or rate_limit; null on success'),
  errorMessage: nullableString,
  durationMs: z.number().int().nullable(),
  attempt: z.number().int().describe('attempt n of maxAttempts'),
  maxAttempts: z.number().int().nullable(),
  customerId: nullableString.describe("the customer's id as your system sent it"),
  eventId: nullableString,
  transactionalId: nullableString.describe('the same on every attempt of one step, and on its resends'),
  runId: nullableString,
  nodeId: nullableString.describe('the webhook step on the canvas'),
  flow: z.object({ id: z.string(), name: nullableString, version: z.number().int().nullable() }).nullable(),
  actor: nullableString.describe('who made a test send or a resend'),
  resendOfId: nullableString.describe('for a resend: the attempt it sent again'),
});

export const logEntrySchema = logRowSchema.extend({
  scheduledAt: z.iso.datetime().nullable().describe("when Temporal scheduled the attempt (Temporal's clock)"),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.array(z.object({ name: z.string(), value: z.string().describe('secret and credential values are masked'), secret: z.boolean() })),
    body: nullableString.describe('up to 64 KB'),
  }),
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).describe('cookies and credentials masked'),
      body: nullableString.describe('up to 64 KB'),
      truncated: z.boolean(),
    })
    .nullable(),
  captured: z.record(z.string(), z.unknown()).nullable().describe('fields captured from the response (Webhooks.<sys>.Fields)'),
  captureError: nullableString.describe('why a field to capture could not be read from a successful response (not JSON, too large, no match)'),
  retry: z
    .object({ delayMs: z.number().int().nullable().describe('the delay chosen before the next attempt; null: no retry followed'), reason: nullableString })
    .nullable(),
});

export type LogRow = z.infer<typeof logRowSchema>;
export type LogEntry = z.infer<typeof logEntrySchema>;

export const logsResponseSchema = z.object({
  logs: z.array(logEntrySchema).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
});

export const apiErrorSchema = z.object({ error: z.string(), message: z.string() });
