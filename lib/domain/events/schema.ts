import { z } from 'zod';

/** Event ids are part of workflow ids (`flow/<flowId>/<eventId>`), so they stay URL- and UI-friendly. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
/**
 * Event types as clients name them: `order.placed`, or Segment's `Order Completed`. They start with a letter
 * or digit (`$` starts the types Hookflow itself gives, like IDENTIFY_EVENT_TYPE), hold no control characters
 * and do not end in a space.
 */
export const EVENT_TYPE_PATTERN = /^[\p{L}\p{N}](?:[^\p{C}]{0,98}[^\p{C}\s])?$/u;
export const EVENT_TYPE_RULE = 'must be 1-100 characters, start with a letter or digit and hold no control characters (e.g. order.placed or Order Completed)';

/** The type of the event a Segment `identify` call stores: flows on it start when a customer is identified (docs/sources.md). */
export const IDENTIFY_EVENT_TYPE = '$identify';

/** A trigger's event type as people read it: "Customer identified" for IDENTIFY_EVENT_TYPE, else the type itself. */
export function triggerName(eventType: string): string {
  return eventType === IDENTIFY_EVENT_TYPE ? 'Customer identified' : eventType;
}

/** An event type a flow can start on, as the flows list and the canvas take it: a client's type, or "customer identified". */
export const eventTypeSchema = z
  .string()
  .trim()
  .refine((type) => type === IDENTIFY_EVENT_TYPE || EVENT_TYPE_PATTERN.test(type), `An event type ${EVENT_TYPE_RULE}`);

/** POST /api/events body (docs/architecture.md, "Data path of one event"). */
export const eventInputSchema = z
  .object({
    id: z.string({ error: 'is required (a unique id for this event, e.g. "order-1042")' }).regex(EVENT_ID_PATTERN, {
      error: 'must be 1-200 characters: letters, digits and . _ : @ -, starting with a letter or digit',
    }),
    type: z.string({ error: 'is required (e.g. "customer.signed_up")' }).regex(EVENT_TYPE_PATTERN, { error: EVENT_TYPE_RULE }),
    customer: z
      .object({
        id: z.union([z.string().min(1).max(200), z.number().int().transform(String)], { error: 'is required: the customer\'s id in your system' }),
      }, { error: 'is required: an object with at least "id"' })
      .catchall(z.unknown()),
    data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).default({}),
    occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-29T10:00:00Z' }).optional(),
  }, { error: 'The request body must be a JSON object' })
  .strict();

export type EventInput = z.infer<typeof eventInputSchema>;

export const MAX_EVENT_BYTES = 256 * 1024;

/** Shape limits of an event (docs/security.md, "Ingest"), checked before anything is stored. */
export const EVENT_LIMITS = { depth: 32, keys: 1_000, stringLength: 32 * 1024 } as const;

/**
 * Half of a UTF-16 surrogate pair without the other half (JSON's "\ud800"): not a character. Refused up
 * front, for every event and Segment message: storing a Segment alias's ids with one failed in the database.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * `text` with every lone surrogate replaced by U+FFFD (what `String.prototype.toWellFormed` does), for text
 * that is stored although it was refused, or cut to a length that may split a pair.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\ufffd');
}

const NOT_UNICODE = 'holds half of a UTF-16 surrogate pair (like "\\ud800") without the other half; text must be valid Unicode';

/**
 * The first limit an event breaks, with the path of the value, or null. Iterative, so that no input can
 * exhaust the stack however deep it nests.
 */
export function checkEventLimits(body: unknown): { field: string; message: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    const field = path || '(body)';
    if (typeof value === 'string' && value.length > EVENT_LIMITS.stringLength) {
      return { field, message: `is ${value.length} characters long; strings may be at most ${EVENT_LIMITS.stringLength}` };
    }
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return { field, message: NOT_UNICODE };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= EVENT_LIMITS.depth) return { field, message: `nests deeper than ${EVENT_LIMITS.depth} levels, the most an event may` };
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (!Array.isArray(value)) keys += entries.length;
    if (keys > EVENT_LIMITS.keys) return { field: '(body)', message: `has more than ${EVENT_LIMITS.keys} keys in all, the most an event may` };
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      if (LONE_SURROGATE.test(key)) return { field: childPath, message: `is a key that ${NOT_UNICODE}` };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/** A refused event: 400 with the first field that is wrong, and every problem. */
export interface EventRejection {
  status: 400;
  body: { error: 'invalid_event'; message: string; field: string; issues: { field: string; message: string }[] };
}

export function validateEvent(body: unknown): { ok: true; event: EventInput } | EventRejection {
  const limit = checkEventLimits(body);
  if (limit) {
    const message = limit.field === '(body)' ? `The event ${limit.message}` : `${limit.field} ${limit.message}`;
    return { status: 400, body: { error: 'invalid_event', message, field: limit.field, issues: [{ field: limit.field, message: limit.message }] } };
  }
  const parsed = eventInputSchema.safeParse(body);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issues = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.') || '(body)';
    if (issue.code === 'unrecognized_keys') return { field: issue.keys.join(', '), message: `unknown field${issue.keys.length > 1 ? 's' : ''} "${issue.keys.join('", "')}"; allowed: id, type, customer, data, occurredAt` };
    return { field, message: issue.message };
  });
  const first = issues[0]!;
  return {
    status: 400,
    body: { error: 'invalid_event', message: first.field === '(body)' ? first.message : `${first.field}: ${first.message}`, field: first.field, issues },
  };
}

/** POST /api/events 202 body (documented in docs/openapi.json). */
export const ingestResponseSchema = z.object({
  eventId: z.string(),
  runs: z.array(z.object({ flowId: z.string(), workflowId: z.string().describe('flow/<flowId>/<eventId>'), temporalUrl: z.string() })).describe('the runs this event started (a repeated id answers the first one\'s runs)'),
  pending: z.literal(true).optional().describe('Temporal was unreachable: the event is stored and its runs start when it is back'),
});

/** A refused event's 400 body. */
export const eventRejectionSchema = z.object({
  error: z.literal('invalid_event'),
  message: z.string(),
  field: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
});

/** POST /api/events/batch: at most this many events, and this many bytes, per request. */
export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** POST /api/events/batch body (documented in docs/openapi.json). */
export const eventBatchSchema = z
  .object({ events: z.array(eventInputSchema).min(1).max(MAX_BATCH_EVENTS).describe(`1-${MAX_BATCH_EVENTS} events, each as POST /api/events takes it`) })
  .strict();

/** The events of a batch request, each still to be validated on its own; or why the request is not a batch. */
export function eventsOfBatch(body: unknown): { ok: true; events: unknown[] } | EventRejection {
  const refuse = (message: string, field = 'events'): EventRejection => ({ status: 400, body: { error: 'invalid_event', message, field, issues: [{ field, message }] } });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('The request body must be a JSON object with an "events" array', '(body)');
  const extra = Object.keys(body).filter((key) => key !== 'events');
  if (extra.length > 0) return refuse(`unknown field${extra.length > 1 ? 's' : ''} "${extra.join('", "')}"; allowed: events`, extra.join(', '));
  const { events } = body as { events?: unknown };
  if (!Array.isArray(events)) return refuse('events: is required, an array of events');
  if (events.length === 0) return refuse('events: holds no event (send 1 to 500)');
  if (events.length > MAX_BATCH_EVENTS) return refuse(`events: holds ${events.length} events; send at most ${MAX_BATCH_EVENTS} per request`);
  return { ok: true, events };
}

/** POST /api/events/batch 202 body. */
export const batchResponseSchema = z.object({
  accepted: z.number().int().describe('events stored now'),
  duplicates: z.number().int().describe('events whose id was stored before (or earlier in this batch): they start nothing new'),
  events: z
    .array(ingestResponseSchema.omit({ pending: true }).extend({ index: z.number().int(), duplicate: z.literal(true).optional() }))
    .describe('each accepted or repeated event, by its index in the request, with its runs (a repeated id answers the first one\'s runs)'),
  rejected: z
    .array(eventRejectionSchema.omit({ error: true }).extend({ index: z.number().int(), eventId: z.string().optional() }))
    .describe('each event that was not stored, by its index: invalid (fix it) or not stored this time (send it again)'),
  pending: z.literal(true).optional().describe('Temporal was unreachable: the events are stored and their runs start when it is back'),
});
export type BatchResponse = z.infer<typeof batchResponseSchema>;
