/** POST /api/events: the ingestion API (docs/architecture.md, "Data path of one event"). */
import { ingestEvent } from '@/lib/server/events/ingest';
import { appIngestDeps } from '@/lib/server/events/deps';
import { MAX_EVENT_BYTES } from '@/lib/domain/events/schema';
import { QueueFullError } from '@/lib/server/group-commit';
import { log } from '@/lib/server/log';
import { apiJson } from '@/lib/server/api/http';
import { eventsKeyOf, refuseEventsKey } from '@/lib/server/events/auth';
import { metrics, timedRoute } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = timedRoute('/api/events', async (request: Request): Promise<Response> => {
  const refused = await refuseEventsKey(eventsKeyOf(request), 'as "Authorization: Bearer <key>"');
  if (refused) return rejected(refused.status === 403 ? 'forbidden' : 'unauthorized', refused);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
    return rejected('too_large', apiJson(413, { error: 'too_large', message: `The event is larger than ${MAX_EVENT_BYTES / 1024} KB` }));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return rejected('invalid_json', apiJson(400, { error: 'invalid_json', message: `The body is not valid JSON: ${(error as Error).message}`, field: '(body)' }));
  }
  try {
    const result = await ingestEvent(appIngestDeps(), body);
    if (result.status !== 202) return rejected('invalid_event', apiJson(result.status, result.body));
    metrics().eventsAccepted.inc({ source: 'events' });
    return apiJson(result.status, result.body);
  } catch (error) {
    // Saturated: answer now rather than let the client wait; nothing was stored, so a retry is safe.
    if (error instanceof QueueFullError) {
      return rejected('busy', apiJson(503, { error: 'busy', message: `Hookflow is taking in more events than it can store right now (${error.waiting} waiting). Retry after a second.` }, { 'retry-after': '1' }));
    }
    // The database failed: the event was not stored. Say so in JSON, never with an empty body.
    log().error({ err: error, component: 'events', requestId: request.headers.get('x-request-id') ?? undefined }, 'could not store an event');
    return rejected('unavailable', apiJson(503, { error: 'unavailable', message: 'Hookflow could not store the event (its database did not answer). It was not accepted; retry shortly.' }, { 'retry-after': '5' }));
  }
});

/** Counts a refused event by reason (the error code of the answer): a counter, no I/O. */
function rejected(reason: string, response: Response): Response {
  metrics().eventsRejected.inc({ source: 'events', reason });
  return response;
}
