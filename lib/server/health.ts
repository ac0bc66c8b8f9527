/**
 * Liveness and readiness (docs/operations.md): live says the process answers; ready says it can do its job
 * now, which needs the database and Temporal, each checked with a timeout so a hung dependency makes the
 * answer "not ready" instead of no answer.
 */
import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from './db';
import { sqlDb } from './sql';
import { Prisma } from '../generated/prisma/client';

const CHECK_TIMEOUT_MS = 2000;

interface CheckResult {
  ok: boolean;
  ms: number;
  /** why it failed, for the operator */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; temporal: CheckResult };
}

async function timed(run: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadinessDeps {
  prisma: PrismaClient;
  temporal: () => Promise<Client>;
  timeoutMs?: number;
}

/** The database answers a query, and Temporal answers a call in our namespace. */
export async function readiness({ prisma, temporal, timeoutMs = CHECK_TIMEOUT_MS }: ReadinessDeps): Promise<Readiness> {
  const [database, temporalCheck] = await Promise.all([
    timed(() => sqlDb(prisma).query(Prisma.sql`SELECT 1 AS ok`), timeoutMs),
    timed(async () => {
      const client = await temporal();
      // The deadline ends the call itself (and its retries), not only our wait for it.
      await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.describeNamespace({ namespace: client.options.namespace }));
    }, timeoutMs),
  ]);
  return { ready: database.ok && temporalCheck.ok, checks: { database, temporal: temporalCheck } };
}

export interface HealthServerOptions extends ReadinessDeps {
  port: number;
  host?: string;
  /** extra readiness of the process itself, e.g. "the worker is polling" */
  process?: () => CheckResult;
  /** more routes on the same port (the worker's /metrics) */
  routes?: Record<string, () => Promise<{ contentType: string; body: string }>>;
}

/** The worker's /health/live and /health/ready (and any extra routes) on their own port. */
export async function serveHealth(options: HealthServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (path === '/health/live') return send(200, { status: 'live' });
    if (path === '/health/ready') {
      void readiness(options).then((result) => {
        const own = options.process?.();
        const ready = result.ready && (own?.ok ?? true);
        send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: { ...result.checks, ...(own ? { process: own } : {}) } });
      });
      return;
    }
    const route = options.routes?.[path];
    if (route) {
      void route().then(
        ({ contentType, body }) => {
          response.writeHead(200, { 'content-type': contentType });
          response.end(body);
        },
        (error: unknown) => send(500, { error: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    send(404, { error: 'not found', routes: ['/health/live', '/health/ready', ...Object.keys(options.routes ?? {})] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  return server;
}
