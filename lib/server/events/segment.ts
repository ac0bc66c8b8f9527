/**
 * The Segment-compatible API (docs/sources.md): messages in the Segment spec become events in Hookflow's
 * terms and go through the same store as POST /api/events (one transaction per request, dedup by
 * messageId, group commit), then their runs start. One bad message in a batch is reported, never fatal to
 * the rest.
 */
import { createHash, randomUUID } from 'node:crypto';
import { customerTraits, readSegmentMessage, type SegmentCall, type SegmentMessage } from '../../domain/events/segment';
import { EVENT_ID_PATTERN } from '../../domain/events/schema';
import { QueueFullError } from '../group-commit';
import { startRuns, type StoredRun } from '../runs/dispatch';
import { log } from '../log';
import { anonymousExternalId } from './identities';
import { recordRefused, type RefusedMessage } from './refused';
import { storeTogether, type IngestDeps, type Submission } from './ingest';


export interface SegmentAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * The event id of a message: its messageId when it fits an event id (what Segment's and RudderStack's
 * libraries send), else a hash of it, so a retried message is still the same event. Without a messageId
 * nothing can tell a retry from a new message, so it gets a new id.
 */
function eventIdFor(messageId: string | undefined): string {
  if (messageId === undefined) return `segment-${randomUUID()}`;
  return EVENT_ID_PATTERN.test(messageId) ? messageId : `segment-${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`;
}

function submissionOf(message: SegmentMessage): Submission {
  const customerId = message.userId ?? anonymousExternalId(message.anonymousId!);
  return {
    event: { id: eventIdFor(message.messageId), type: message.type, customer: { ...customerTraits(message.traits), id: customerId }, data: message.data, occurredAt: message.occurredAt },
    identity: message.anonymousId === undefined ? undefined : { userId: message.userId, anonymousId: message.anonymousId },
    context: message.context,
  };
}

/** The messages of a request: a batch's `batch` array, or the one message of a single call. */
function messagesOf(call: SegmentCall, body: unknown): unknown[] | null {
  if (call !== 'batch' && call !== 'import') return [body];
  const batch = (body as { batch?: unknown } | null)?.batch;
  return Array.isArray(batch) ? batch : null;
}

export async function ingestSegment(deps: IngestDeps, call: SegmentCall, body: unknown): Promise<SegmentAnswer> {
  const raw = messagesOf(call, body);
  if (!raw) return { status: 400, body: { success: false, error: 'invalid_batch', message: 'A batch is a JSON object with a "batch" array of messages' } };
  const rejected: RefusedMessage[] = [];
  let ignored = 0;
  const taken: { index: number; submission: Submission }[] = [];
  raw.forEach((message, index) => {
    const read = readSegmentMessage(message, call);
    if (read.ok) taken.push({ index, submission: submissionOf(read.message) });
    else if ('ignored' in read) ignored++;
    else rejected.push({ index, messageId: (message as { messageId?: string } | null)?.messageId, field: read.field, error: read.error, payload: message });
  });
  if (call !== 'batch' && call !== 'import' && rejected.length > 0) {
    const [refused] = rejected;
    return { status: 400, body: { success: false, error: 'invalid_message', field: refused!.field, message: `${refused!.field}: ${refused!.error}` } };
  }

  const stored = taken.length > 0 ? await storeTogether(deps.prisma, taken.map((t) => t.submission)) : [];
  if (stored.length > 0 && stored.every((s) => s.status === 'rejected')) return unstored((stored[0] as PromiseRejectedResult).reason);
  const runs: StoredRun[] = [];
  let accepted = 0;
  let duplicates = 0;
  stored.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      if (result.value === null) {
        duplicates++;
      } else {
        accepted++;
        runs.push(...result.value);
      }
    } else {
      rejected.push({ index: taken[i]!.index, messageId: taken[i]!.submission.event.id, field: '(message)', error: 'could not be stored; send it again', payload: raw[taken[i]!.index] });
    }
  });
  for (const { payload: _payload, ...refused } of rejected) log().warn({ component: 'segment', call, ...refused }, 'a Segment message was refused');
  await recordRefused(deps.prisma, 'segment', call, rejected);
  const pending = runs.length > 0 && !(await startAll(deps, runs));
  rejected.sort((a, b) => a.index - b.index);
  return {
    status: 200,
    body: { success: true, accepted, duplicates, ignored, rejected: rejected.map(({ payload: _payload, ...refused }) => refused), ...(pending ? { pending: true } : {}) },
  };
}

/** Starts the runs; false when Temporal did not take them all (they start when it is back). */
async function startAll(deps: IngestDeps, runs: StoredRun[]): Promise<boolean> {
  try {
    return (await startRuns(deps, runs)).length === runs.length;
  } catch (error) {
    deps.log?.(`Temporal is unreachable; ${runs.length} Segment runs are stored and will start when it is back`, error);
    return false;
  }
}

/** Nothing was stored: busy (retry in a second) or the database failed. Clients retry a 503 with the same messageIds. */
function unstored(error: unknown): SegmentAnswer {
  if (error instanceof QueueFullError) {
    return { status: 503, body: { success: false, error: 'busy', message: `Hookflow is taking in more events than it can store right now (${error.waiting} waiting). Retry after a second.` }, headers: { 'retry-after': '1' } };
  }
  log().error({ err: error, component: 'segment' }, 'could not store Segment messages');
  return { status: 503, body: { success: false, error: 'unavailable', message: 'Hookflow could not store the messages (its database did not answer). Nothing was accepted; retry shortly.' }, headers: { 'retry-after': '5' } };
}
