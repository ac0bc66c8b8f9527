/** POST /api/events/batch: up to 500 events in one request (docs/architecture.md, "Data path of one event"). */
import { ingestEventBatch } from '@/lib/server/events/ingest';
import { appIngestDeps } from '@/lib/server/events/deps';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '@/lib/domain/events/schema';
import { apiJson } from '@/lib/server/api/http';
import { countRefused, eventsEndpoint, refusedFor } from '@/lib/server/events/endpoint';
import { metrics } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const MB = 1024 * 1024;

export const POST = eventsEndpoint(
  {
    route: '/api/events/batch',
    maxBytes: MAX_BATCH_BYTES,
    tooLarge: `The batch is larger than ${MAX_BATCH_BYTES / MB} MB; send at most ${MAX_BATCH_EVENTS} events and ${MAX_BATCH_BYTES / MB} MB per request`,
    what: 'the events',
  },
  async (body) => {
    const result = await ingestEventBatch(appIngestDeps(), body);
    if (result.status !== 202) return refusedFor('invalid_event', apiJson(result.status, result.body));
    if (result.body.accepted > 0) metrics().eventsAccepted.inc({ source: 'events' }, result.body.accepted);
    if (result.body.rejected.length > 0) countRefused('invalid_event', result.body.rejected.length);
    return apiJson(202, result.body);
  },
);
