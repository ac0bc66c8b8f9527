/** POST /api/events: the ingestion API (docs/architecture.md, "Data path of one event"). */
import { timingSafeEqual } from 'node:crypto';
import { ingestKey } from '@/lib/server/keys';
import { ingestEvent } from '@/lib/server/events/ingest';
import { appIngestDeps } from '@/lib/server/events/deps';
import { MAX_EVENT_BYTES } from '@/lib/domain/events/schema';
import { QueueFullError } from '@/lib/server/group-commit';
import { log } from '@/lib/server/log';
import { looksLikeApiKey } from '@/lib/server/auth/api-keys';
import { apiJson, refuseWithoutScope } from '@/lib/server/api/http';
import { metrics, timedRoute } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function isIngestKey(bearer: string): boolean {
  const given = Buffer.from(bearer);
  const expected = Buffer.from(ingestKey().value);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The ingest key, or an API key with the events:write scope (401 without a valid key, 403 without the scope). */
async function refusal(request: Request): Promise<Response | null> {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim() ?? '';
  if (bearer && isIngestKey(bearer)) return null;
  if (looksLikeApiKey(bearer)) return refuseWithoutScope(request, 'events:write');
  return apiJson(
    401,
    { error: 'unauthorized', message: 'Send the ingest key, or an API key with the events:write scope, as "Authorization: Bearer <key>" (npm start prints the ingest key; it is in .data/ingest.key or HOOKFLOW_INGEST_KEY)' },
    { 'www-authenticate': 'Bearer' },
  );
}

export const POST = timedRoute('/api/events', async (request: Request): Promise<Response> => {
  const refused = await refusal(request);
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
    metrics().eventsAccepted.inc();
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
  metrics().eventsRejected.inc({ reason });
  return response;
}
