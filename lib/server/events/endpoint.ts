/**
 * What POST /api/events and POST /api/events/batch share: the key, the size limit, the JSON, and the
 * answers when nothing could be stored. Each route only says what it does with the parsed body.
 */
import { QueueFullError } from '../group-commit';
import { log } from '../log';
import { apiJson } from '../api/http';
import { metrics, timedRoute } from '../metrics';
import { eventsKeyOf, refuseEventsKey } from './auth';

interface EndpointOptions {
  route: string;
  maxBytes: number;
  /** the 413's message */
  tooLarge: string;
  /** what was not stored, for the 503's message: "the event", "the events" */
  what: string;
}

export function eventsEndpoint(options: EndpointOptions, handle: (body: unknown) => Promise<Response>) {
  return timedRoute(options.route, async (request: Request): Promise<Response> => {
    const refused = await refuseEventsKey(eventsKeyOf(request), 'as "Authorization: Bearer <key>"');
    if (refused) return refusedFor(refused.status === 403 ? 'forbidden' : 'unauthorized', refused);
    const text = await request.text();
    if (Buffer.byteLength(text) > options.maxBytes) return refusedFor('too_large', apiJson(413, { error: 'too_large', message: options.tooLarge }));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return refusedFor('invalid_json', apiJson(400, { error: 'invalid_json', message: `The body is not valid JSON: ${(error as Error).message}`, field: '(body)' }));
    }
    try {
      return await handle(body);
    } catch (error) {
      // Saturated: answer now rather than let the client wait; nothing was stored, so a retry is safe.
      if (error instanceof QueueFullError) {
        return refusedFor('busy', apiJson(503, { error: 'busy', message: `Hookflow is taking in more events than it can store right now (${error.waiting} waiting). Retry after a second.` }, { 'retry-after': '1' }));
      }
      // The database failed: nothing was stored. Say so in JSON, never with an empty body.
      log().error({ err: error, component: 'events', requestId: request.headers.get('x-request-id') ?? undefined }, `could not store ${options.what}`);
      return refusedFor('unavailable', apiJson(503, { error: 'unavailable', message: `Hookflow could not store ${options.what} (its database did not answer). Nothing was accepted; retry shortly.` }, { 'retry-after': '5' }));
    }
  });
}

/** Counts refused events by reason (the error code of the answer): a counter, no I/O. */
export function countRefused(reason: string, count = 1): void {
  metrics().eventsRejected.inc({ source: 'events', reason }, count);
}

/** The answer to a refused request, counted. */
export function refusedFor(reason: string, response: Response): Response {
  countRefused(reason);
  return response;
}
