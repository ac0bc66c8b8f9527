/**
 * Prometheus metrics on real parts: an event posted to the real /api/events handler is delivered by a real
 * worker process (scripts/worker.ts, HOOKFLOW_METRICS_PORT set) to a loopback receiver through a
 * rate-limited integration. GET /api/metrics, with a metrics:read key only, shows the web side's counters
 * moved (accepted, rejected by reason, runs started, batch size, request durations); the worker's /metrics
 * shows the attempt, the finished run and the rate-limit wait, and the Temporal SDK's own temporal_ metrics.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { seedDemo } from '../../lib/server/seed';
import { freePort } from '../../scripts/ports';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/worker-process';
import { createApiKey, revokeApiKey } from '../../lib/server/auth/api-keys';
import { eventRequest } from '../support/events';

const KEY = 'metrics-test-ingest-key-0123';
let env: TestEnv;
let receiver: Receiver;
let worker: WorkerProcess;
let workerPort: number;
let flowId: string;
let integrationId: string;
let POST: (request: Request) => Promise<Response>;
let GET: (request: Request) => Promise<Response>;

const post = (body: string, key: string | null = KEY) => POST(eventRequest(body, key));
const scrape = (key: string | null) => GET(new Request('http://localhost/api/metrics', { headers: key ? { authorization: `Bearer ${key}` } : {} }));

/** The value of one sample in Prometheus text, 0 when the series is not there yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(/,(?=[a-zA-Z_]\w*=")/);
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}

beforeAll(async () => {
  env = await createTestEnv('metrics');
  receiver = await startReceiver();
  ({ flowId } = await seedDemo(env.prisma, receiver.url));
  integrationId = (await env.prisma.integration.findFirstOrThrow({ where: { name: 'Demo receiver' } })).id;
  // A limit, so that the attempt waits for a slot and the rate-limit metrics move.
  await env.prisma.integration.update({ where: { id: integrationId }, data: { rateLimitPerSecond: 50 } });
  Object.assign(process.env, { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.address, HOOKFLOW_TASK_QUEUE: env.taskQueue, HOOKFLOW_INGEST_KEY: KEY });
  ({ POST } = await import('../../app/api/events/route'));
  ({ GET } = await import('../../app/api/metrics/route'));
  workerPort = await freePort();
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: env.address,
    DATABASE_URL: env.databaseUrl,
    HOOKFLOW_TASK_QUEUE: env.taskQueue,
    HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    HOOKFLOW_METRICS_PORT: String(workerPort),
    HOOKFLOW_SECRET_KEY: env.secretKey().toString('base64'),
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await env?.close();
});

describe('GET /api/metrics', () => {
  it('refuses a request without a key (401), with a revoked key (401) and with a key without metrics:read (403)', async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const { key: other } = await createApiKey(env.prisma, { name: 'logs only', scopes: ['logs:read'] });
    const forbidden = await scrape(other);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: 'forbidden' });
    const { key: revoked, apiKey } = await createApiKey(env.prisma, { name: 'old scraper', scopes: ['metrics:read'] });
    await revokeApiKey(env.prisma, apiKey.id);
    expect((await scrape(revoked)).status).toBe(401);
    // The ingest key sends events; it does not read metrics.
    expect((await scrape(KEY)).status).toBe(401);
  });

  it('after an event is delivered, the web app and the worker show their counters moved, and the worker shows Temporal SDK metrics', async () => {
    const { key } = await createApiKey(env.prisma, { name: 'prometheus', scopes: ['metrics:read'] });
    const first = await scrape(key);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    const before = await first.text();
    const workerBefore = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();

    expect((await post(JSON.stringify({ id: 'evt-metrics-1', type: 'customer.signed_up', customer: { id: 'cust-m1', email: 'ada@example.com' } }))).status).toBe(202);
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ id: 'evt-bad', type: 'customer.signed_up' }))).status).toBe(400);
    expect((await post('{}', 'not-the-key')).status).toBe(401);
    await receiver.waitFor(1);

    const after = await (await scrape(key)).text();
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('hookflow_events_accepted_total', { source: 'events' })).toBe(1);
    expect(moved('hookflow_events_rejected_total', { source: 'events', reason: 'invalid_json' })).toBe(1);
    expect(moved('hookflow_events_rejected_total', { source: 'events', reason: 'invalid_event' })).toBe(1);
    expect(moved('hookflow_events_rejected_total', { source: 'events', reason: 'unauthorized' })).toBe(1);
    expect(moved('hookflow_runs_started_total', { flow: flowId })).toBe(1);
    expect(moved('hookflow_ingest_batch_size_count')).toBe(1);
    expect(moved('hookflow_http_request_duration_seconds_count', { route: '/api/events', method: 'POST', status: '202' })).toBe(1);
    expect(moved('hookflow_http_request_duration_seconds_count', { route: '/api/events', method: 'POST', status: '400' })).toBe(2);
    // Customer ids never become labels.
    expect(after).not.toContain('cust-m1');

    // The worker records the attempt after the receiver answered: poll until its counters show it.
    const attempt = { integration: integrationId, webhook: 'welcome_email', outcome: '2xx' };
    let workerAfter = '';
    await expect
      .poll(async () => {
        workerAfter = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
        return sample(workerAfter, 'hookflow_runs_finished_total', { flow: flowId, status: 'completed' }) - sample(workerBefore, 'hookflow_runs_finished_total', { flow: flowId, status: 'completed' });
      }, { timeout: 20_000 })
      .toBe(1);
    expect(sample(workerAfter, 'hookflow_webhook_attempts_total', attempt) - sample(workerBefore, 'hookflow_webhook_attempts_total', attempt)).toBe(1);
    expect(sample(workerAfter, 'hookflow_webhook_request_duration_seconds_count', { integration: integrationId })).toBeGreaterThanOrEqual(1);
    expect(sample(workerAfter, 'hookflow_rate_limit_wait_seconds_count', { integration: integrationId })).toBeGreaterThanOrEqual(1);
    expect(sample(workerAfter, 'hookflow_rate_limit_queue_depth', { integration: integrationId })).toBe(0);
    // Temporal's own SDK metrics come in the same scrape.
    expect(workerAfter).toMatch(/^temporal_\w+/m);
    expect(workerAfter).not.toContain('Temporal SDK metrics unavailable');
  });
});
