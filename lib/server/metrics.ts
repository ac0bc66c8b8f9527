/**
 * Hookflow's Prometheus metrics (docs/operations.md, "Metrics"), one registry per process: the web app
 * serves it at GET /api/metrics, the worker at /metrics on HOOKFLOW_METRICS_PORT next to Temporal's own.
 * Updating a metric is a counter increment or a histogram observation in memory: the event path pays no
 * I/O for it. Labels are ids, system names and small fixed sets (never customer ids), so the number of
 * series stays bounded by the number of flows, integrations and webhooks.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { serverSpan } from './tracing';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'hookflow_events_accepted_total',
      help: 'Events accepted, repeated ids included, by source: events (POST /api/events) or segment (each message of the Segment-compatible API)',
      labelNames: ['source'] as const,
      registers,
    }),
    eventsRejected: new Counter({
      name: 'hookflow_events_rejected_total',
      help: 'Events refused, by source and reason: unauthorized, forbidden, too_large, invalid_json, invalid_event, busy (queue full), unavailable (database down); segment adds invalid_message, invalid_batch, invalid_gzip, not_found',
      labelNames: ['source', 'reason'] as const,
      registers,
    }),
    ingestBatchSize: new Histogram({
      name: 'hookflow_ingest_batch_size',
      help: 'Events stored per ingestion transaction (group commit)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    runsStarted: new Counter({ name: 'hookflow_runs_started_total', help: 'Runs this process started in Temporal, by flow id', labelNames: ['flow'] as const, registers }),
    runsFinished: new Counter({
      name: 'hookflow_runs_finished_total',
      help: 'Runs the worker recorded as finished, by flow id and status (completed, failed, cancelled)',
      labelNames: ['flow', 'status'] as const,
      registers,
    }),
    webhookAttempts: new Counter({
      name: 'hookflow_webhook_attempts_total',
      help: 'Webhook attempts recorded in the log, by integration id, webhook system name and outcome class (2xx, 4xx, 5xx, timeout, connection, …)',
      labelNames: ['integration', 'webhook', 'outcome'] as const,
      registers,
    }),
    webhookDuration: new Histogram({
      name: 'hookflow_webhook_request_duration_seconds',
      help: 'Duration of outgoing webhook requests (connect to last byte of the response), by integration id',
      labelNames: ['integration'] as const,
      buckets: SECONDS,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'hookflow_http_request_duration_seconds',
      help: "Duration of the web app's API requests, by route, method and status",
      labelNames: ['route', 'method', 'status'] as const,
      buckets: SECONDS,
      registers,
    }),
    rateLimitWait: new Histogram({
      name: 'hookflow_rate_limit_wait_seconds',
      help: 'Time a webhook attempt waited for its rate-limit slot, by integration id',
      labelNames: ['integration'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    rateLimitQueue: new Gauge({
      name: 'hookflow_rate_limit_queue_depth',
      help: 'Webhook attempts of this worker waiting for a rate-limit slot now, by integration id',
      labelNames: ['integration'] as const,
      registers,
    }),
  };
}

export type HookflowMetrics = ReturnType<typeof createMetrics>;

/** One set per process, kept on globalThis: the web app's route bundles and a dev server's reloads share it. */
const KEY = Symbol.for('hookflow.metrics');
export function metrics(): HookflowMetrics {
  const store = globalThis as { [KEY]?: HookflowMetrics };
  return (store[KEY] ??= createMetrics());
}

/**
 * A route handler that records its duration and status in hookflow_http_request_duration_seconds, in a
 * server span (lib/server/tracing.ts) that continues the caller's `traceparent` when it sends one.
 */
export function timedRoute<A extends unknown[]>(route: string, handler: (request: Request, ...rest: A) => Promise<Response>) {
  return async (request: Request, ...rest: A): Promise<Response> => {
    const end = metrics().httpDuration.startTimer({ route, method: request.method });
    let status = 500;
    try {
      const response = await serverSpan(request, route, async (span) => {
        const answer = await handler(request, ...rest);
        span.setAttribute('http.response.status_code', answer.status);
        return answer;
      });
      status = response.status;
      return response;
    } finally {
      end({ status: String(status) });
    }
  };
}

/**
 * The worker's /metrics: Hookflow's metrics followed by those of Temporal's SDK, which its Runtime serves
 * on its own address (`temporalAddress`, host:port). One scrape gets both; when Temporal's exporter does
 * not answer, Hookflow's still come, with a comment saying what is missing.
 */
export async function workerMetricsText(temporalAddress: string | null): Promise<string> {
  const own = await metrics().registry.metrics();
  if (!temporalAddress) return own;
  const url = `http://${temporalAddress.replace(/^0\.0\.0\.0:|^\[::\]:/, '127.0.0.1:')}/metrics`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return `${own}\n${await response.text()}`;
  } catch (error) {
    return `${own}\n# Temporal SDK metrics unavailable from ${url}: ${error instanceof Error ? error.message : String(error)}\n`;
  }
}
