/**
 * The Segment spec (track, identify, alias, batch) as Hookflow reads it: what each message becomes in
 * Hookflow's terms, or why it is refused. The mapping table is in docs/sources.md.
 */
import { z } from 'zod';
import { checkEventLimits, EVENT_TYPE_PATTERN, EVENT_TYPE_RULE, IDENTIFY_EVENT_TYPE } from './schema';

/** The Segment HTTP API's calls; page, screen and group are accepted and stored nowhere (docs/sources.md). */
export const SEGMENT_CALLS = ['track', 'identify', 'alias', 'page', 'screen', 'group', 'batch', 'import'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];
const IGNORED_CALLS = new Set(['page', 'screen', 'group']);

/** Segment's own limits: 32 KB per message, 500 KB per batch request. */
export const SEGMENT_LIMITS = { messageBytes: 32 * 1024, batchBytes: 500 * 1024 } as const;

/** The type of the event an `alias` call stores: it links an anonymous id to a user and starts no flow unless one is built on it. */
const ALIAS_EVENT_TYPE = '$alias';

/** A message, read: who it is about, what it stores, and what it merges into the customer. */
export interface SegmentMessage {
  call: 'track' | 'identify' | 'alias';
  /** the dedup id; absent when the client sent none */
  messageId?: string;
  /** the customer's id in the client's system */
  userId?: string;
  /** the visitor's anonymous id (for alias: the previousId) */
  anonymousId?: string;
  /** the stored event's type: track's event name, or IDENTIFY_EVENT_TYPE / ALIAS_EVENT_TYPE */
  type: string;
  /** Event.Data: track's properties, identify's traits */
  data: Record<string, unknown>;
  /** merged into the customer's attributes: identify's traits, or the context.traits of a track */
  traits: Record<string, unknown>;
  context: Record<string, unknown> | null;
  /** ISO 8601: timestamp, else originalTimestamp */
  occurredAt?: string;
}

export type SegmentRead = { ok: true; message: SegmentMessage } | { ok: false; ignored: string } | { ok: false; field: string; error: string };

const id = z.union([z.string().trim().min(1).max(200), z.number().finite().transform(String)]);
const object = z.record(z.string(), z.unknown());
const time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-29T10:00:00Z' });

const common = z.object({
  messageId: z.string().trim().min(1).max(200).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  context: object.nullish(),
  timestamp: time.nullish(),
  originalTimestamp: time.nullish(),
});
const track = common.extend({
  event: z.string({ error: 'is required: the name of the event, e.g. "Order Completed"' }).trim().regex(EVENT_TYPE_PATTERN, { error: EVENT_TYPE_RULE }),
  properties: object.nullish(),
});
const identify = common.extend({ traits: object.nullish() });
const alias = common.extend({ previousId: id, userId: id });

/** The message schemas each call takes, for the OpenAPI document. */
export const segmentMessageSchemas = { track, identify, alias };

/** A batch: up to 500 KB of messages, each with its `type`. */
export const segmentBatchSchema = z.object({
  batch: z.array(
    z.union([track.extend({ type: z.literal('track') }), identify.extend({ type: z.literal('identify') }), alias.extend({ type: z.literal('alias') }), z.object({ type: z.enum(['page', 'screen', 'group']) }).loose()]),
  ),
  writeKey: z.string().optional().describe('the write key, for senders that cannot set the Authorization header'),
});

/** The 200 answer: what was stored, what was already there, and each message refused, by index. */
export const segmentAnswerSchema = z.object({
  success: z.literal(true),
  accepted: z.number().int().describe('messages stored as new events'),
  duplicates: z.number().int().describe('messages whose messageId was stored before: nothing new starts'),
  ignored: z.number().int().describe('page, screen and group calls: accepted, not stored'),
  rejected: z.array(z.object({ index: z.number().int(), messageId: z.string().optional(), field: z.string(), error: z.string() })).describe('each refused message, by its index in the batch'),
  pending: z.literal(true).optional().describe('Temporal was unreachable: the events are stored and their runs start when it is back'),
});

/** A refused request: nothing of it was stored. */
export const segmentErrorSchema = z.object({ success: z.literal(false), error: z.string(), message: z.string(), field: z.string().optional() });

function firstIssue(error: z.ZodError): { field: string; error: string } {
  const issue = error.issues[0]!;
  return { field: issue.path.join('.') || '(message)', error: issue.message };
}

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) ?? '').length;

/**
 * Reads one message. `call` is the endpoint's call (`track`, …), or `batch` when the message's own `type`
 * says which it is.
 */
export function readSegmentMessage(raw: unknown, call: SegmentCall): SegmentRead {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, field: '(message)', error: 'must be a JSON object' };
  const type = call === 'batch' || call === 'import' ? (raw as { type?: unknown }).type : call;
  if (typeof type !== 'string') return { ok: false, field: 'type', error: 'is required in a batch: track, identify or alias' };
  if (IGNORED_CALLS.has(type)) return { ok: false, ignored: `${type} calls are accepted and not stored` };
  if (type !== 'track' && type !== 'identify' && type !== 'alias') return { ok: false, field: 'type', error: `"${type}" is not a Segment call Hookflow takes (track, identify, alias, page, screen, group)` };
  if (bytes(raw) > SEGMENT_LIMITS.messageBytes) return { ok: false, field: '(message)', error: `is larger than ${SEGMENT_LIMITS.messageBytes / 1024} KB, the most a Segment message may be` };
  const limit = checkEventLimits(raw);
  if (limit) return { ok: false, field: limit.field, error: limit.message };

  if (type === 'alias') {
    const parsed = alias.safeParse(raw);
    if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
    const m = parsed.data;
    return { ok: true, message: { call: 'alias', messageId: m.messageId, userId: m.userId, anonymousId: m.previousId, type: ALIAS_EVENT_TYPE, data: { previousId: m.previousId }, traits: {}, context: m.context ?? null, occurredAt: m.timestamp ?? m.originalTimestamp ?? undefined } };
  }
  const parsed = type === 'track' ? track.safeParse(raw) : identify.safeParse(raw);
  if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
  const m = parsed.data as z.infer<typeof track> & z.infer<typeof identify>;
  if (m.userId == null && m.anonymousId == null) return { ok: false, field: 'userId', error: 'userId or anonymousId is required' };
  const contextTraits = m.context?.traits && typeof m.context.traits === 'object' && !Array.isArray(m.context.traits) ? (m.context.traits as Record<string, unknown>) : {};
  const message: Pick<SegmentMessage, 'call' | 'type' | 'data' | 'traits'> =
    type === 'track'
      ? { call: 'track', type: m.event, data: m.properties ?? {}, traits: contextTraits }
      : { call: 'identify', type: IDENTIFY_EVENT_TYPE, data: m.traits ?? {}, traits: { ...contextTraits, ...(m.traits ?? {}) } };
  return {
    ok: true,
    message: { ...message, messageId: m.messageId, userId: m.userId ?? undefined, anonymousId: m.anonymousId ?? undefined, context: m.context ?? null, occurredAt: m.timestamp ?? m.originalTimestamp ?? undefined },
  };
}

/** Customer attributes never set from traits: `id` is the customer's id, kept as userId says. */
export function customerTraits(traits: Record<string, unknown>): Record<string, unknown> {
  const { id: _ignored, ...rest } = traits;
  return rest;
}
