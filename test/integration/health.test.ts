/**
 * Health endpoints on real parts: the routes answer ready against the test database and Temporal dev server,
 * and a Temporal server that stops answering (a listener that accepts and never replies) or is gone makes
 * ready a 503 naming it, within the check's timeout, while live stays 200.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/env';
import { readiness } from '../../lib/server/health';
import { freePort } from '../../scripts/ports';
import { startWorkerProcess } from '../../scripts/worker-process';
import { findTemporalCli, spawnDevServer, waitForTemporal } from '../../scripts/temporal';

let env: TestEnv;
let silent: net.Server;
let silentPort: number;

beforeAll(async () => {
  env = await createTestEnv('health');
  Object.assign(process.env, { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.address });
  // Accepts connections and never answers: a hung Temporal.
  silent = net.createServer(() => undefined);
  silentPort = await freePort();
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
});

afterAll(async () => {
  silent?.close();
  await env?.close();
});

describe('health', () => {
  it('live answers 200 without touching anything', async () => {
    const { GET } = await import('../../app/api/health/live/route');
    const response = GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'live' });
  });

  it('ready answers 200 with each check when the database and Temporal answer', async () => {
    const { GET } = await import('../../app/api/health/ready/route');
    const response = await GET();
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
  });

  it('a Temporal server that stops makes ready a 503 naming Temporal, and ready again once it is back', async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const start = () => spawnDevServer({ cli: findTemporalCli(), dbFile: ':memory:', port, uiPort: 0, headless: true, searchAttributes: false });
    let server = start();
    try {
      await waitForTemporal(address);
      const connection = await Connection.connect({ address });
      const deps = { prisma: env.prisma, temporal: async () => new Client({ connection }), timeoutMs: 1500 };
      expect((await readiness(deps)).ready).toBe(true);
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      const down = await readiness(deps);
      expect(down.ready).toBe(false);
      expect(down.checks.database.ok).toBe(true);
      expect(down.checks.temporal.ok).toBe(false);
      server = start();
      await waitForTemporal(address);
      await expect.poll(async () => (await readiness(deps)).ready, { timeout: 15_000 }).toBe(true);
      await connection.close();
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('a Temporal server that hangs makes ready fail within the timeout, naming Temporal', async () => {
    const started = Date.now();
    const result = await readiness({
      prisma: env.prisma,
      temporal: async () => new Client({ connection: Connection.lazy({ address: `127.0.0.1:${silentPort}`, connectTimeout: '5 seconds' }) }),
      timeoutMs: 800,
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.ready).toBe(false);
    expect(result.checks.database.ok).toBe(true);
    expect(result.checks.temporal).toMatchObject({ ok: false, error: expect.stringMatching(/no answer within 800 ms|deadline/i) });
  });

  it('a Temporal server that is gone makes ready fail with the connection error', async () => {
    const gone = await freePort();
    const result = await readiness({ prisma: env.prisma, temporal: () => Connection.connect({ address: `127.0.0.1:${gone}`, connectTimeout: '500 ms' }).then((connection) => new Client({ connection })) });
    expect(result.ready).toBe(false);
    expect(result.checks.temporal.ok).toBe(false);
    expect(result.checks.temporal.error).toBeTruthy();
  });

  it('a database that cannot be opened makes ready fail, naming the database', async () => {
    const { createPrismaClient } = await import('../../lib/server/db');
    const broken = createPrismaClient('file:/nonexistent-dir/hookflow.db');
    const result = await readiness({ prisma: broken, temporal: async () => env.client });
    expect(result.ready).toBe(false);
    expect(result.checks.temporal.ok).toBe(true);
    expect(result.checks.database.ok).toBe(false);
    expect(result.checks.database.error).toMatch(/directory|open|unable/i);
  });

  it('the worker answers /health/live and /health/ready on HOOKFLOW_METRICS_PORT, its own polling included', async () => {
    const port = await freePort();
    const worker = await startWorkerProcess({ TEMPORAL_ADDRESS: env.address, DATABASE_URL: env.databaseUrl, HOOKFLOW_TASK_QUEUE: `health-${port}`, HOOKFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'), HOOKFLOW_METRICS_PORT: String(port) });
    try {
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true }, process: { ok: true } } });
      expect(ready.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/nothing`)).status).toBe(404);
    } finally {
      await worker.stop();
    }
  });
});
