/**
 * Who may send events: the ingest key, or an API key with the events:write scope. The native API takes it as
 * a Bearer token; the Segment-compatible API as a write key too (HTTP Basic username, or `writeKey` in a batch).
 */
import { timingSafeEqual } from 'node:crypto';
import { ingestKey } from '../keys';
import { looksLikeApiKey } from '../auth/api-keys';
import { apiJson, refuseWithoutScope } from '../api/http';

function isIngestKey(key: string): boolean {
  const given = Buffer.from(key);
  const expected = Buffer.from(ingestKey().value);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The key a request carries: `Authorization: Bearer <key>`, or `Basic base64(<key>:)` (Segment's write key). */
export function eventsKeyOf(request: Request): string {
  const authorization = request.headers.get('authorization') ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  if (bearer) return bearer;
  const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  if (!basic) return '';
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.split(':')[0]!.trim();
}

/** null when `key` may send events; else the 401 or 403 to answer, saying how to send a key. */
export async function refuseEventsKey(key: string, howToSend: string): Promise<Response | null> {
  if (key && isIngestKey(key)) return null;
  if (looksLikeApiKey(key)) return refuseWithoutScope(`Bearer ${key}`, 'events:write');
  return apiJson(401, { error: 'unauthorized', message: `Send the ingest key, or an API key with the events:write scope, ${howToSend} (npm start prints the ingest key; it is in .data/ingest.key or HOOKFLOW_INGEST_KEY)` }, { 'www-authenticate': 'Bearer' });
}
