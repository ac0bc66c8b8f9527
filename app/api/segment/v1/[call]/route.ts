/**
 * POST /api/segment/v1/{track,identify,alias,batch,...}: the Segment-compatible API (docs/sources.md). Point
 * Segment's or RudderStack's libraries at `<app>/api/segment` with an events:write API key as the write key.
 */
import { gunzipSync } from 'node:zlib';
import { SEGMENT_CALLS, SEGMENT_LIMITS, type SegmentCall } from '@/lib/domain/events/segment';
import { ingestSegment } from '@/lib/server/events/segment';
import { appIngestDeps } from '@/lib/server/events/deps';
import { eventsKeyOf, refuseEventsKey } from '@/lib/server/events/auth';
import { apiJson } from '@/lib/server/api/http';
import { metrics, timedRoute } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const isCall = (value: string): value is SegmentCall => (SEGMENT_CALLS as readonly string[]).includes(value);
/** A refusal, counted by its error code (hookflow_events_rejected_total{source="segment"}): a counter, no I/O. */
function refuse(status: number, error: string, message: string): Response {
  metrics().eventsRejected.inc({ source: 'segment', reason: error });
  return apiJson(status, { success: false, error, message });
}
const refusedKey = (response: Response) => {
  metrics().eventsRejected.inc({ source: 'segment', reason: response.status === 403 ? 'forbidden' : 'unauthorized' });
  return response;
};

/** The body as text: gunzipped when the client compressed it (RudderStack does by default), and within `limit`. */
async function bodyText(request: Request, limit: number): Promise<string | Response> {
  const bytes = Buffer.from(await request.arrayBuffer());
  let text: Buffer = bytes;
  if (/gzip/i.test(request.headers.get('content-encoding') ?? '')) {
    try {
      text = gunzipSync(bytes, { maxOutputLength: limit + 1 });
    } catch (error) {
      if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') text = Buffer.alloc(limit + 1);
      else return refuse(400, 'invalid_gzip', 'The body says Content-Encoding: gzip but is not valid gzip');
    }
  }
  if (text.length > limit) return refuse(413, 'too_large', `The body is larger than ${limit / 1024} KB, the most Segment allows for this call`);
  return text.toString('utf8');
}

export const POST = timedRoute('/api/segment/v1', async (request: Request, { params }: { params: Promise<{ call: string }> }): Promise<Response> => {
  const { call } = await params;
  if (!isCall(call)) return refuse(404, 'not_found', `There is no Segment call "${call}"; the calls are ${SEGMENT_CALLS.join(', ')}`);
  let key = eventsKeyOf(request);
  const headerRefusal = key ? await refuseEventsKey(key, 'as the write key') : null;
  if (headerRefusal) return refusedKey(headerRefusal);
  const text = await bodyText(request, call === 'batch' || call === 'import' ? SEGMENT_LIMITS.batchBytes : SEGMENT_LIMITS.messageBytes);
  if (text instanceof Response) return text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return refuse(400, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
  if (!key) {
    // Some senders put the write key in the body instead of the Authorization header.
    key = typeof (body as { writeKey?: unknown } | null)?.writeKey === 'string' ? (body as { writeKey: string }).writeKey : '';
    const refused = await refuseEventsKey(key, 'as the write key (HTTP Basic username) or "Authorization: Bearer <key>"');
    if (refused) return refusedKey(refused);
  }
  const answer = await ingestSegment(appIngestDeps(), call, body);
  countAnswer(answer.status, answer.body);
  return apiJson(answer.status, answer.body, answer.headers);
});

/** Messages accepted (repeated ids included) and refused, from the answer: counters, no I/O. */
function countAnswer(status: number, body: Record<string, unknown>): void {
  const { eventsAccepted, eventsRejected } = metrics();
  if (status !== 200) return void eventsRejected.inc({ source: 'segment', reason: String(body.error ?? status) });
  eventsAccepted.inc({ source: 'segment' }, Number(body.accepted ?? 0) + Number(body.duplicates ?? 0));
  const rejected = Array.isArray(body.rejected) ? body.rejected.length : 0;
  if (rejected > 0) eventsRejected.inc({ source: 'segment', reason: 'invalid_message' }, rejected);
}
