/** POST /api/events: the ingestion API (docs/architecture.md, "Data path of one event"). */
import { ingestEvent } from '@/lib/server/events/ingest';
import { appIngestDeps } from '@/lib/server/events/deps';
import { MAX_EVENT_BYTES } from '@/lib/domain/events/schema';
import { apiJson } from '@/lib/server/api/http';
import { eventsEndpoint, refusedFor } from '@/lib/server/events/endpoint';
import { metrics } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = eventsEndpoint(
  { route: '/api/events', maxBytes: MAX_EVENT_BYTES, tooLarge: `The event is larger than ${MAX_EVENT_BYTES / 1024} KB`, what: 'the event' },
  async (body) => {
    const result = await ingestEvent(appIngestDeps(), body);
    if (result.status !== 202) return refusedFor('invalid_event', apiJson(result.status, result.body));
    metrics().eventsAccepted.inc({ source: 'events' });
    return apiJson(result.status, result.body);
  },
);
