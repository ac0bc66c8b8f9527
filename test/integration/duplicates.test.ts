/**
 * Duplicate events at the same moment: ten requests with one event id, at once, start one run per matching
 * flow, and each flow's webhook is delivered once. On SQLite and on Postgres, from one web process (its
 * requests share a group commit) and from ten (each with its own database connection, so their
 * transactions race; on Postgres the losers hit the event's unique key and try again).
 *
 * HOOKFLOW_TEST_POSTGRES_URL names a Postgres server and a role that may create databases (.ci/run sets it
 * up); without it the Postgres half is skipped locally, and fails on CI.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { createIntegration, createPublishedFlow, createWebhook, linearGraph } from '../support/factory';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import { migrateDatabase } from '../../scripts/migrate';
import { createPrismaClient, type PrismaClient } from '../../lib/server/db';
import { ingestEvent, type IngestResult } from '../../lib/server/events/ingest';

const SERVER = process.env.HOOKFLOW_TEST_POSTGRES_URL;
if (!SERVER && process.env.CI) throw new Error('HOOKFLOW_TEST_POSTGRES_URL is not set: .ci/run starts Postgres and sets it');
const COPIES = 10;

interface Backend {
  name: string;
  skip: boolean;
  /** a migrated database of this file's own */
  create(): Promise<{ url: string; drop(): Promise<void> }>;
  /** the URL the i-th web process would use: the same database, its own connection */
  processUrl(url: string, i: number): string;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    skip: false,
    create: async () => ({ url: '', drop: async () => undefined }),
    // The same file spelled differently: each spelling is its own connection, as another process has.
    processUrl: (url, i) => `file:${path.join(path.dirname(url.replace(/^file:/, '')), ...Array<string>(i).fill('.'), path.basename(url))}`,
  },
  {
    name: 'Postgres',
    skip: !SERVER,
    async create() {
      const database = `hookflow_dup_${randomUUID().slice(0, 8)}`;
      await adminQuery(`CREATE DATABASE ${database}`);
      const server = new URL(SERVER!);
      server.pathname = `/${database}`;
      const url = server.toString();
      const migrated = migrateDatabase(url);
      if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stdout}${migrated.stderr}`);
      return { url, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
    },
    // A pool of its own per process, told apart by application_name.
    processUrl: (url, i) => `${url}${url.includes('?') ? '&' : '?'}application_name=hookflow_web_${i}`,
  },
];

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

describe.each(backends)('on $name', (backend) => {
  let env: TestEnv;
  let receiver: Receiver;
  let database: { url: string; drop(): Promise<void> } | undefined;
  const clients: PrismaClient[] = [];
  let seq = 0;

  beforeAll(async () => {
    if (backend.skip) return;
    database = await backend.create();
    env = await createTestEnv(`duplicates-${backend.name.toLowerCase()}`, database.url ? { databaseUrl: database.url } : {});
    receiver = await startReceiver();
    await env.startWorker();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await env?.close();
    await receiver?.close();
    await database?.drop();
  });

  const depsFor = (prisma: PrismaClient) => ({ prisma, client: async () => env.client, taskQueue: env.taskQueue, workflowUrl: (w: string) => w });

  /** Two active flows on one new event type, each with one webhook to the receiver. */
  async function twoFlows(): Promise<{ type: string; flowIds: string[] }> {
    const type = `dup.${backend.name.toLowerCase()}.${++seq}`;
    const integration = await createIntegration(env.prisma, { rootUrl: receiver.url });
    const flowIds: string[] = [];
    for (const name of ['first', 'second']) {
      const webhook = await createWebhook(env.prisma, integration.id, { systemName: `dup_${seq}_${name}`, path: `/${type}/${name}` });
      flowIds.push((await createPublishedFlow(env.prisma, linearGraph(type, [webhook.id]))).flowId);
    }
    return { type, flowIds };
  }

  async function sendAtOnce(type: string, eventId: string, prismaOf: (i: number) => PrismaClient): Promise<IngestResult[]> {
    const before = receiver.requests.length;
    const customer = { id: `c-${eventId}` };
    const other = (i: number | string) => ({ id: `${eventId}-${i}`, type: 'dup.other', customer });
    // The customer exists, and each process has its connection open (events no flow takes), so the ten
    // writes overlap instead of being spread out by connecting, and they race on the event's id alone.
    await ingestEvent(depsFor(prismaOf(0)), other('first'));
    await Promise.all(Array.from({ length: COPIES }, (_, i) => ingestEvent(depsFor(prismaOf(i)), other(i))));
    // An event being written as the ten arrive: in one process they then wait for the next group commit
    // together, and only the first of them may be stored.
    const writing = ingestEvent(depsFor(prismaOf(0)), other('lead'));
    const results = await Promise.all(Array.from({ length: COPIES }, (_, i) => ingestEvent(depsFor(prismaOf(i)), { id: eventId, type, customer: { ...customer, copy: i } })));
    await writing;
    // Both runs deliver; then nothing more may arrive.
    await receiver.waitFor(before + 2);
    return results;
  }

  async function expectOneRunPerFlow(eventId: string, flowIds: string[], results: IngestResult[], type: string) {
    const workflowIds = flowIds.map((flowId) => `flow/${flowId}/${eventId}`).sort();
    for (const result of results) {
      expect(result.status).toBe(202);
      const body = result.body as { eventId: string; runs: { workflowId: string }[]; pending?: true };
      expect(body.pending).toBeUndefined();
      expect(body.runs.map((r) => r.workflowId).sort()).toEqual(workflowIds);
    }
    for (const workflowId of workflowIds) await env.client.workflow.getHandle(workflowId).result();
    expect(await env.prisma.event.count({ where: { id: eventId } })).toBe(1);
    const runs = await env.prisma.run.findMany({ where: { eventId }, select: { flowId: true, workflowId: true } });
    expect(runs.map((r) => r.workflowId).sort()).toEqual(workflowIds);
    for (const workflowId of workflowIds) {
      const executions = [];
      for await (const execution of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) executions.push(execution);
      expect(executions).toHaveLength(1);
    }
    // A second run of either flow would have delivered by now (each run took well under this to deliver).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const delivered = receiver.requests.filter((r) => r.url.startsWith(`/${type}/`)).map((r) => r.url).sort();
    expect(delivered).toEqual([`/${type}/first`, `/${type}/second`]);
    expect(await env.prisma.webhookAttempt.count({ where: { run: { eventId } } })).toBe(2);
  }

  it.skipIf(backend.skip)(`${COPIES} requests with one event id at once, in one web process: one event, one run per flow, one delivery each`, async () => {
    const { type, flowIds } = await twoFlows();
    const eventId = `dup-one-${seq}`;
    const results = await sendAtOnce(type, eventId, () => env.prisma);
    await expectOneRunPerFlow(eventId, flowIds, results, type);
  });

  it.skipIf(backend.skip)(`${COPIES} requests with one event id at once, from ${COPIES} web processes with their own connections: the same`, async () => {
    const { type, flowIds } = await twoFlows();
    const eventId = `dup-many-${seq}`;
    const own = Array.from({ length: COPIES }, (_, i) => createPrismaClient(backend.processUrl(env.databaseUrl, i + 1)));
    clients.push(...own);
    const results = await sendAtOnce(type, eventId, (i) => own[i]!);
    await expectOneRunPerFlow(eventId, flowIds, results, type);
  });
});
