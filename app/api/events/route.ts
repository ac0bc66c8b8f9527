/** POST /api/events: the ingestion API (docs/architecture.md, "Data path of one event"). */
import { timingSafeEqual } from 'node:crypto';
import { ingestKey } from '@/lib/server/keys';
import { ingestEvent } from '@/lib/server/events/ingest';
import { appIngestDeps } from '@/lib/server/events/deps';
import { MAX_EVENT_BYTES } from '@/lib/domain/events/schema';
import { QueueFullError } from '@/lib/server/group-commit';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

function authorized(header: string | null): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(ingestKey().value);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function POST(request: Request): Promise<Response> {
  if (!authorized(request.headers.get('authorization'))) {
    return json(
      401,
      { error: 'unauthorized', message: 'Send the ingest key as "Authorization: Bearer <key>" (npm start prints it; it is in .data/ingest.key or HOOKFLOW_INGEST_KEY)' },
      { 'www-authenticate': 'Bearer' },
    );
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
    return json(413, { error: 'too_large', message: `The event is larger than ${MAX_EVENT_BYTES / 1024} KB` });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return json(400, { error: 'invalid_json', message: `The body is not valid JSON: ${(error as Error).message}`, field: '(body)' });
  }
  try {
    const result = await ingestEvent(appIngestDeps(), body);
    return json(result.status, result.body);
  } catch (error) {
    // Saturated: answer now rather than let the client wait; nothing was stored, so a retry is safe.
    if (error instanceof QueueFullError) {
      return json(503, { error: 'busy', message: `Hookflow is taking in more events than it can store right now (${error.waiting} waiting). Retry after a second.` }, { 'retry-after': '1' });
    }
    // The database failed: the event was not stored. Say so in JSON, never with an empty body.
    console.error('[events] could not store an event:', error);
    return json(503, { error: 'unavailable', message: 'Hookflow could not store the event (its database did not answer). It was not accepted; retry shortly.' }, { 'retry-after': '5' });
  }
}
