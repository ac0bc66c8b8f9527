/**
 * Log retention: the cleanup workflow on the time-skipping test server (its cutoff moves with Temporal's
 * clock: days pass in a moment), and the Temporal Schedule that starts it daily, on the dev server (the
 * test server has no schedules): created once, updated in place, and run on demand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { createTimeSkippingEnv, type TimeSkippingEnv } from '../support/time-skipping';
import { createTestEnv, type TestEnv } from '../support/env';
import { recordAttempt } from '../../lib/server/runs/attempts';
import { ensureRetentionSchedule } from '../../lib/server/logs/retention';
import type { PrismaClient } from '../../lib/server/db';
import { LOG_RETENTION_WORKFLOW, type LogRetentionResult } from '../../lib/domain/logs/retention';

const DAY = 24 * 60 * 60 * 1000;

/** An attempt row that started `daysAgo` days before `now`. */
async function attemptAt(prisma: PrismaClient, now: number, daysAgo: number, label: string): Promise<string> {
  const id = await recordAttempt(prisma, {
    runId: null,
    nodeId: null,
    webhookId: `w-${label}`,
    transactionalId: label,
    attempt: 1,
    scheduledAt: null,
    durationMs: 1,
    requestMethod: 'POST',
    requestUrl: 'http://127.0.0.1/',
    requestHeaders: [],
    requestBody: null,
    responseStatus: 200,
    responseHeaders: {},
    responseBody: null,
    responseTruncated: false,
    errorClass: null,
    errorMessage: null,
  });
  await prisma.webhookAttempt.update({ where: { id }, data: { startedAt: new Date(now - daysAgo * DAY) } });
  return id;
}

const labels = async (prisma: PrismaClient) => (await prisma.webhookAttempt.findMany({ orderBy: { transactionalId: 'asc' } })).map((a) => a.transactionalId);

describe('the cleanup workflow on the time-skipping server', () => {
  let t: TimeSkippingEnv;
  beforeAll(async () => {
    t = await createTimeSkippingEnv('retention');
  });
  afterAll(async () => t?.close());

  // A plain client: its result() does not unlock time skipping, so the server's clock moves only when
  // the test sleeps (the environment's own client would skip ahead to the next deadline while waiting).
  const run = (retentionDays: number, batchSize = 2) =>
    new Client({ connection: t.env.connection, namespace: t.env.namespace ?? 'default' }).workflow.execute(LOG_RETENTION_WORKFLOW, { args: [{ retentionDays, batchSize }], taskQueue: t.taskQueue, workflowId: `retention-${Math.random()}` }) as Promise<LogRetentionResult>;

  it('deletes attempts older than the retention in batches and keeps newer ones; days later, those go too', async () => {
    const now = await t.env.currentTimeMs();
    for (const [days, label] of [[45, 'a-45d'], [40, 'b-40d'], [35, 'c-35d'], [31, 'd-31d'], [20, 'e-20d'], [1, 'f-1d']] as const) await attemptAt(t.prisma, now, days, label);
    // Canvas counts are kept at least 31 days.
    await t.prisma.stepCount.createMany({
      data: [40, 10].flatMap((days) => {
        const hour = Math.floor((now - days * DAY) / 3_600_000);
        const nodeId = days > 31 ? 'old' : 'recent';
        return [{ flowId: 'f', unit: 'h', bucket: hour, nodeId, entered: 1 }, { flowId: 'f', unit: 'd', bucket: Math.floor(hour / 24), nodeId, entered: 1 }];
      }),
    });

    // Refused Segment messages shown next to the log go with it.
    const refused = (days: number, messageId: string) => ({ source: 'segment', call: 'batch', position: 0, messageId, field: 'event', error: 'is required', payload: '{}', receivedAt: new Date(now - days * DAY) });
    await t.prisma.refusedEvent.createMany({ data: [refused(40, 'old-refusal'), refused(10, 'recent-refusal')] });

    const first = await run(30);
    expect((await t.prisma.refusedEvent.findMany()).map((r) => r.messageId)).toEqual(['recent-refusal']);
    // Four rows older than 30 days, deleted two at a time (the last, short batch ends the loop).
    expect(first.deleted).toBe(4);
    expect(Date.parse(first.before)).toBeGreaterThanOrEqual(now - 30 * DAY);
    expect(await labels(t.prisma)).toEqual(['e-20d', 'f-1d']);
    expect((await t.prisma.stepCount.findMany()).map((c) => `${c.nodeId}/${c.unit}`).sort()).toEqual(['recent/d', 'recent/h']);

    // Fifteen days on the server's clock: the 20-day-old attempt is now 35 days old.
    await t.env.sleep('15 days');
    const later = await run(30);
    expect(later.deleted).toBe(1);
    expect(await labels(t.prisma)).toEqual(['f-1d']);
  });

  it('a longer retention keeps more', async () => {
    const now = await t.env.currentTimeMs();
    await attemptAt(t.prisma, now, 50, 'g-50d');
    await attemptAt(t.prisma, now, 80, 'h-80d');
    expect((await run(60)).deleted).toBe(1);
    expect(await labels(t.prisma)).toContain('g-50d');
    expect(await labels(t.prisma)).not.toContain('h-80d');
  });
});

describe('the schedule on the dev server', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('retention-schedule');
    await env.startWorker();
  });
  afterAll(async () => env?.close());

  it('is created once and updated in place, shows in Temporal, and its run deletes old attempts', async () => {
    const scheduleId = `log-retention-test-${Date.now()}`;
    expect(await ensureRetentionSchedule(env.client, { taskQueue: env.taskQueue, retentionDays: 30, scheduleId })).toBe('created');
    expect(await ensureRetentionSchedule(env.client, { taskQueue: env.taskQueue, retentionDays: 7, scheduleId })).toBe('updated');
    const handle = env.client.schedule.getHandle(scheduleId);
    const described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: LOG_RETENTION_WORKFLOW, taskQueue: env.taskQueue, args: [{ retentionDays: 7 }] });
    expect(described.spec.calendars).toHaveLength(1);
    // Named for whoever reads it in the Temporal UI, with the retention it applies now.
    expect(described.action).toMatchObject({ staticSummary: 'Log retention: delete webhook attempts older than 7 days' });

    const now = Date.now();
    await attemptAt(env.prisma, now, 10, 'old-10d');
    await attemptAt(env.prisma, now, 2, 'new-2d');
    await handle.trigger();
    await expect.poll(() => labels(env.prisma), { timeout: 30_000 }).toEqual(['new-2d']);
    // Each batch is an activity whose summary names the cutoff.
    const [started] = (await handle.describe()).info.recentActions;
    const cleanup = env.client.workflow.getHandle(started!.action.workflow.workflowId);
    await cleanup.result();
    const history = await cleanup.fetchHistory();
    const summaries = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.userMetadata?.summary?.data);
    expect(summaries.map((data) => (data ? JSON.parse(Buffer.from(data).toString()) : null))).toEqual([expect.stringMatching(/^Delete up to 5000 attempts started before 20\d\d-/), expect.stringMatching(/^Delete canvas counts before /)]);
    await handle.delete();
  });
});
