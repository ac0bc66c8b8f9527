/**
 * The HTTP API's OpenAPI 3.1 document, generated from the zod schemas the routes validate and answer with
 * (z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses it). Committed as docs/openapi.json by
 * `npm run docs:openapi`; a unit test fails when the committed copy is stale.
 */
import { z } from 'zod';
import { batchResponseSchema, eventBatchSchema, eventInputSchema, eventRejectionSchema, ingestResponseSchema, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../../domain/events/schema';
import { logPageSchema } from '../../domain/logs/filters';
import { apiErrorSchema, logEntrySchema, logsResponseSchema } from '../../domain/logs/entry';
import { API_SCOPES } from '../../domain/access/api-scopes';
import { auditEventSchema, auditQuerySchema, auditResponseSchema } from '../../domain/audit/filters';
import { SEGMENT_LIMITS, segmentAnswerSchema, segmentBatchSchema, segmentErrorSchema, segmentMessageSchemas } from '../../domain/events/segment';

type JsonSchema = Record<string, unknown>;

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const jsonBody = (ref: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const error = (description: string) => jsonBody('Error', description);

function queryParameters(shape: Record<string, unknown> = logPageSchema.shape): JsonSchema[] {
  return Object.entries(shape).map(([name, field]) => {
    const { description, ...rest } = schema(field as z.ZodType, 'input');
    return { name, in: 'query', required: false, description, schema: rest };
  });
}

export function openApiDocument(): JsonSchema {
  const scopes = Object.entries(API_SCOPES).map(([scope, what]) => `\`${scope}\`: ${what}`).join('; ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookflow HTTP API',
      version: '1',
      description: 'Send customer events, export the webhook log, read the audit trail, and check health and metrics. Authenticate with `Authorization: Bearer <key>`: the ingest key (events only), or an API key made on Settings → API keys or with `npm run hookflow -- api-keys create`. Scopes: ' + scopes + '. See docs/logs.md and docs/security.md.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (hfk_…) with the scope the operation names, or for POST /api/events the ingest key' },
        segmentWriteKey: { type: 'http', scheme: 'basic', description: "Segment's write key as the username (empty password): an API key with the events:write scope, or the ingest key" },
      },
      schemas: {
        Event: schema(eventInputSchema, 'input'),
        IngestResponse: schema(ingestResponseSchema),
        EventRejection: schema(eventRejectionSchema),
        EventBatch: schema(eventBatchSchema, 'input'),
        BatchResponse: schema(batchResponseSchema),
        LogEntry: schema(logEntrySchema),
        LogsResponse: schema(logsResponseSchema),
        AuditEvent: schema(auditEventSchema),
        AuditResponse: schema(auditResponseSchema),
        Error: schema(apiErrorSchema),
        SegmentTrack: schema(segmentMessageSchemas.track, 'input'),
        SegmentIdentify: schema(segmentMessageSchemas.identify, 'input'),
        SegmentAlias: schema(segmentMessageSchemas.alias, 'input'),
        SegmentBatch: schema(segmentBatchSchema, 'input'),
        SegmentAnswer: schema(segmentAnswerSchema),
        SegmentError: schema(segmentErrorSchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/events': {
        post: {
          operationId: 'sendEvent',
          summary: 'Send a customer event; it starts every active flow on its type',
          description: `Needs the ingest key or an API key with the \`events:write\` scope. At most ${MAX_EVENT_BYTES / 1024} KB. A repeated id starts nothing new and answers the first one's runs.`,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } },
          responses: {
            '202': jsonBody('IngestResponse', 'Stored; its runs are started (or pending while Temporal is unreachable)'),
            '400': jsonBody('EventRejection', 'Invalid JSON or an invalid event: the first field that is wrong, and every problem'),
            '401': error('No key, an unknown key, or a revoked API key'),
            '403': error('An API key without the events:write scope'),
            '413': error(`Larger than ${MAX_EVENT_BYTES / 1024} KB`),
            '503': error('More events are waiting to be stored than HOOKFLOW_INGEST_QUEUE_LIMIT; retry after the Retry-After seconds (nothing was stored)'),
          },
        },
      },
      '/api/events/batch': {
        post: {
          operationId: 'sendEvents',
          summary: `Send up to ${MAX_BATCH_EVENTS} customer events in one request (an import, a campaign audience)`,
          description: `Needs the ingest key or an API key with the \`events:write\` scope. At most ${MAX_BATCH_EVENTS} events and ${MAX_BATCH_BYTES / 1024 / 1024} MB. Each event is validated, deduplicated and answered as POST /api/events would, by its index; the valid ones are stored together and their runs started. An invalid event is listed in \`rejected\` and never fatal to the rest.`,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/EventBatch' } } } },
          responses: {
            '202': jsonBody('BatchResponse', 'Each event stored, repeated or rejected; the runs of the stored ones are started (or pending while Temporal is unreachable)'),
            '400': jsonBody('EventRejection', 'Invalid JSON, or not a batch: no "events" array, none in it, or more than the limit'),
            '401': error('No key, an unknown key, or a revoked API key'),
            '403': error('An API key without the events:write scope'),
            '413': error(`Larger than ${MAX_BATCH_BYTES / 1024 / 1024} MB`),
            '503': error('Nothing was stored: more events are waiting than HOOKFLOW_INGEST_QUEUE_LIMIT (retry after the Retry-After seconds), or the database did not answer'),
          },
        },
      },
      ...segmentPaths(),
      ...operationsPaths(),
      '/api/logs': {
        get: {
          operationId: 'listLogs',
          summary: 'Export the webhook log: attempts newest first, with cursor pagination',
          description:
            'Needs an API key with the `logs:read` scope. Filters combine with AND. Pass `nextCursor` (also in the `X-Next-Cursor` header) as `cursor` for the next page. With `Accept: application/x-ndjson` the answer is one LogEntry per line.',
          parameters: queryParameters(),
          responses: {
            '200': {
              description: 'A page of attempts',
              headers: { 'X-Next-Cursor': { description: 'the cursor of the next page; absent on the last page', schema: { type: 'string' } } },
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/LogsResponse' } },
                'application/x-ndjson': { schema: { $ref: '#/components/schemas/LogEntry' }, description: 'one LogEntry per line' },
              },
            },
            '400': error('An unknown parameter, an invalid filter value, or a cursor this API did not make'),
            '401': error('No API key, an unknown key, or a revoked key'),
            '403': error('An API key without the logs:read scope'),
          },
        },
      },
      '/api/audit': {
        get: {
          operationId: 'listAudit',
          summary: 'Read the audit trail: who changed what, newest first, with cursor pagination',
          description: 'Needs an API key with the `audit:read` scope. Filters combine with AND. Pass `nextCursor` as `cursor` for the next page. Read-only: nothing in the API changes the trail. See docs/security.md.',
          parameters: queryParameters(auditQuerySchema.shape),
          responses: {
            '200': {
              description: 'A page of audit events',
              headers: { 'X-Next-Cursor': { description: 'the cursor of the next page; absent on the last page', schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AuditResponse' } } },
            },
            '400': error('An unknown parameter, an invalid filter value, or a cursor this API did not make'),
            '401': error('No API key, an unknown key, or a revoked key'),
            '403': error('An API key without the audit:read scope'),
          },
        },
      },
    },
  };
}

const check = { type: 'object', required: ['ok', 'ms'], properties: { ok: { type: 'boolean' }, ms: { type: 'number', description: 'how long the check took' }, error: { type: 'string', description: 'why it failed' } } };

/** Health and metrics, for load balancers, orchestrators and Prometheus (docs/operations.md). */
function operationsPaths(): Record<string, JsonSchema> {
  const status = (value: string) => ({ type: 'object', required: ['status'], properties: { status: { const: value } } });
  const readiness = (value: string) => ({
    description: value === 'ready' ? 'The database and Temporal both answered within 2 s' : 'The database or Temporal did not answer within 2 s; `checks` says which and why',
    content: { 'application/json': { schema: { ...status(value), required: ['status', 'checks'], properties: { status: { const: value }, checks: { type: 'object', properties: { database: check, temporal: check } } } } } },
  });
  return {
    '/api/health/live': {
      get: { operationId: 'live', summary: 'Liveness: the web process is up and answering', security: [], responses: { '200': { description: 'Up', content: { 'application/json': { schema: status('live') } } } } },
    },
    '/api/health/ready': {
      get: { operationId: 'ready', summary: 'Readiness: the database and Temporal answer, each within 2 s', security: [], responses: { '200': readiness('ready'), '503': readiness('not ready') } },
    },
    '/api/metrics': {
      get: {
        operationId: 'metrics',
        summary: "The web app's Prometheus metrics, in the text exposition format",
        description: 'Needs an API key with the `metrics:read` scope. docs/operations.md lists every metric; workers serve theirs on `HOOKFLOW_METRICS_PORT`.',
        responses: {
          '200': { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': error('No API key, an unknown key, or a revoked key'),
          '403': error('An API key without the metrics:read scope'),
        },
      },
    },
  };
}

/** The Segment-compatible calls (docs/sources.md): Segment's own request and answer shapes. */
function segmentPaths(): Record<string, JsonSchema> {
  const calls = [
    ['track', 'SegmentTrack', 'Record an event: `event` is the event type, `properties` are Event.Data; it starts every active flow on that type'],
    ['identify', 'SegmentIdentify', 'Identify a customer: traits are merged into their attributes; it starts the "customer identified" flows'],
    ['alias', 'SegmentAlias', 'Link an anonymous id (previousId) to a user id: the anonymous visitor\'s events and runs become the customer\'s'],
    ['batch', 'SegmentBatch', 'Send up to 500 KB of track, identify and alias messages in one transaction; page, screen and group are accepted and not stored'],
  ] as const;
  return Object.fromEntries(
    calls.map(([call, body, summary]) => [
      `/api/segment/v1/${call}`,
      {
        post: {
          operationId: `segment${call.charAt(0).toUpperCase()}${call.slice(1)}`,
          tags: ['Segment-compatible'],
          summary,
          description: `Segment's HTTP tracking API. Needs the write key (HTTP Basic username) or a Bearer key: an API key with the \`events:write\` scope, or the ingest key. Bodies may be gzip-compressed. At most ${(call === 'batch' ? SEGMENT_LIMITS.batchBytes : SEGMENT_LIMITS.messageBytes) / 1024} KB. \`messageId\` is the event id: a retried message starts nothing new. See docs/sources.md.`,
          security: [{ segmentWriteKey: [] }, { bearer: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${body}` } } } },
          responses: {
            '200': jsonBody('SegmentAnswer', call === 'batch' ? 'Stored; each refused message is listed by index and the rest are kept' : 'Stored (or a duplicate, or an ignored call)'),
            '400': jsonBody('SegmentError', call === 'batch' ? 'Invalid JSON or gzip, or no "batch" array' : 'Invalid JSON or gzip, or an invalid message: the field at fault'),
            '401': jsonBody('SegmentError', 'No key, an unknown key, or a revoked API key'),
            '403': jsonBody('SegmentError', 'An API key without the events:write scope'),
            '413': jsonBody('SegmentError', 'Larger than Segment allows for this call'),
            '503': jsonBody('SegmentError', 'Busy, or the database did not answer: nothing was stored; retry after the Retry-After seconds'),
          },
        },
      },
    ]),
  );
}

export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
