/**
 * Event ingestion: validate, store the event and its runs, then start the runs in Temporal. Storing comes
 * first and the answer follows the commit, so an accepted event is never lost: one accepted while Temporal
 * is unreachable runs later (lib/server/runs/dispatch.ts). Events that arrive while another write is under
 * way are stored together in the next transaction (group commit), so a burst costs a few transactions, not
 * one per event.
 */
import type { PrismaClient } from '../db';
import { evaluateCondition, type Condition } from '../../domain/flow/conditions';
import { startsForAnonymous, triggerFilter } from '../../domain/flow/compile';
import type { FlowGraph } from '../../domain/flow/graph';
import type { Plan } from '../../domain/flow/plan';
import { customerContext, eventContext } from '../../domain/events/context';
import { eventsOfBatch, MAX_EVENT_BYTES, validateEvent, type BatchResponse, type EventInput, type EventRejection } from '../../domain/events/schema';
import { startRuns, workflowIdFor, type DispatchDeps, type StoredRun } from '../runs/dispatch';
import { GroupCommit } from '../group-commit';
import { loadSettings } from '../config';
import { INTERPRETER_REVISION } from '../../domain/flow/run';
import { sameJson } from '../../domain/json';
import { isBusy, isUniqueViolation, json, list, newId, Prisma, readBool, readJson, rows, sqlDb, type SqlDb } from '../sql';
import type { DatabaseProvider } from '../db-url';
import { metrics } from '../metrics';
import { resolveIdentity, type Identity } from './identities';

interface IngestResponse {
  eventId: string;
  runs: { flowId: string; workflowId: string; temporalUrl: string }[];
  pending?: true;
}

export type IngestResult = { status: 202; body: IngestResponse } | EventRejection;

export interface IngestDeps extends DispatchDeps {
  workflowUrl: (workflowId: string) => string;
  log?: (message: string, error?: unknown) => void;
}

/** Validates and stores an event, starts its runs, and answers. Throws QueueFullError when ingestion is saturated. */
export async function ingestEvent(deps: IngestDeps, body: unknown): Promise<IngestResult> {
  const validated = validateEvent(body);
  if (!('ok' in validated)) return validated;
  const event = validated.event;
  // A repeated id (or a concurrent duplicate) starts nothing new: it answers with the first one's runs.
  const runs = (await storeQueue(deps.prisma).submit({ event })) ?? (await storedRuns(deps.prisma, [event.id]));

  let pending = false;
  let started: string[] = [];
  try {
    started = await startRuns(deps, runs);
  } catch (error) {
    pending = true;
    deps.log?.(`Temporal is unreachable; event ${event.id} is stored and its runs will start when it is back`, error);
  }
  const response: IngestResponse = {
    eventId: event.id,
    runs: runs.filter((r) => started.includes(r.id)).map((r) => ({ flowId: r.flowId, workflowId: r.workflowId, temporalUrl: deps.workflowUrl(r.workflowId) })),
  };
  if (pending || started.length < runs.length) response.pending = true;
  return { status: 202, body: response };
}

export type BatchResult = { status: 202; body: BatchResponse } | EventRejection;

/**
 * POST /api/events/batch: each event is validated, deduplicated and answered on its own, as POST /api/events
 * would, but they are stored in one transaction and their runs started together, so a burst costs one
 * request per batch. An invalid event is reported and never fatal to the rest. Throws what storing threw
 * (QueueFullError when ingestion is saturated) when none of them could be stored.
 */
export async function ingestEventBatch(deps: IngestDeps, body: unknown): Promise<BatchResult> {
  const batch = eventsOfBatch(body);
  if (!('ok' in batch)) return batch;
  const rejected: BatchResponse['rejected'] = [];
  const taken: { index: number; event: EventInput }[] = [];
  batch.events.forEach((raw, index) => {
    // The limit of POST /api/events holds for each event of a batch too.
    if (Buffer.byteLength(JSON.stringify(raw) ?? '') > MAX_EVENT_BYTES) {
      const message = `The event is larger than ${MAX_EVENT_BYTES / 1024} KB`;
      rejected.push({ index, ...idOf(raw), message, field: '(event)', issues: [{ field: '(event)', message }] });
      return;
    }
    const validated = validateEvent(raw);
    if ('ok' in validated) taken.push({ index, event: validated.event });
    else rejected.push({ index, ...idOf(raw), message: validated.body.message, field: validated.body.field, issues: validated.body.issues });
  });
  const stored = taken.length > 0 ? await storeTogether(deps.prisma, taken.map(({ event }) => ({ event }))) : [];
  if (stored.length > 0 && stored.every((s) => s.status === 'rejected')) throw (stored[0] as PromiseRejectedResult).reason;

  const answered: { index: number; eventId: string; runs: StoredRun[]; duplicate?: true }[] = [];
  stored.forEach((result, i) => {
    const { index, event } = taken[i]!;
    if (result.status === 'rejected') {
      deps.log?.(`event ${event.id} of a batch could not be stored`, result.reason);
      rejected.push({ index, eventId: event.id, message: 'could not be stored this time; send it again', field: '(event)', issues: [] });
    } else answered.push({ index, eventId: event.id, runs: result.value ?? [], ...(result.value === null ? { duplicate: true as const } : {}) });
  });
  // A repeated id answers the first one's runs, as POST /api/events does.
  const repeated = answered.filter((a) => a.duplicate).map((a) => a.eventId);
  if (repeated.length > 0) {
    const earlier = await storedRuns(deps.prisma, [...new Set(repeated)]);
    for (const answer of answered) if (answer.duplicate) answer.runs = earlier.filter((r) => r.eventId === answer.eventId);
  }

  // Runs already started answer as they are; pending ones (new, or a repeated id whose start failed) start now.
  const runs = [...new Map(answered.flatMap((a) => a.runs).map((r) => [r.id, r])).values()];
  let started = new Set<string>();
  let pending = false;
  try {
    started = new Set(await startRuns(deps, runs));
  } catch (error) {
    pending = true;
    deps.log?.(`Temporal is unreachable; ${runs.length} runs of a batch are stored and will start when it is back`, error);
  }
  if (answered.some((a) => a.runs.some((r) => !started.has(r.id)))) pending = true;
  rejected.sort((a, b) => a.index - b.index);
  return {
    status: 202,
    body: {
      accepted: answered.filter((a) => !a.duplicate).length,
      duplicates: repeated.length,
      events: answered
        .sort((a, b) => a.index - b.index)
        .map(({ index, eventId, runs, duplicate }) => ({
          index,
          eventId,
          ...(duplicate ? { duplicate } : {}),
          runs: runs.filter((r) => started.has(r.id)).map((r) => ({ flowId: r.flowId, workflowId: r.workflowId, temporalUrl: deps.workflowUrl(r.workflowId) })),
        })),
      rejected,
      ...(pending ? { pending: true as const } : {}),
    },
  };
}

/** The id an invalid event gave, when it gave a usable one, to name it in the answer. */
function idOf(raw: unknown): { eventId?: string } {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 200 ? { eventId: id } : {};
}

/**
 * Stores an event for one flow only (the Nexus `startFlow` operation): the same transaction, dedup and
 * trigger filter as ingestEvent, but no other flow on the event's type starts. Answers the flow's run for
 * this event id, new (pending, with its workflow input) or stored before through either entry point; or why
 * there is none. Starting it is the caller's business.
 */
export async function storeEventForFlow(prisma: PrismaClient, body: unknown, flowId: string): Promise<{ run: StoredRun } | { refused: string } | EventRejection> {
  const validated = validateEvent(body);
  if (!('ok' in validated)) return validated;
  const event = validated.event;
  const fresh = await storeQueue(prisma).submit({ event, flowId });
  const run = (fresh ?? (await storedRuns(prisma, [event.id]))).find((r) => r.flowId === flowId);
  if (run) return { run };
  return {
    refused: fresh
      ? `The trigger filter of flow ${flowId} does not hold for event ${event.id}; the event is stored and nothing was started`
      : `Event ${event.id} is already stored and did not start flow ${flowId} (another type, or the trigger filter did not hold); an event id starts a flow at most once`,
  };
}

/** The runs stored for these event ids, oldest first, each with its event id (one query for a whole batch). */
function storedRuns(prisma: PrismaClient, eventIds: string[]): Promise<(StoredRun & { eventId: string })[]> {
  return prisma.run.findMany({ where: { eventId: { in: eventIds } }, orderBy: { createdAt: 'asc' }, select: { id: true, flowId: true, workflowId: true, status: true, eventId: true } });
}

/** An event to store; with `flowId`, it starts that flow only (startFlow). */
export interface Submission {
  event: EventInput;
  flowId?: string;
  /** Segment: the message's ids, linked before it is stored; its event's customer id is then the resolved one */
  identity?: Identity;
  /** Segment's context, stored with the event */
  context?: Record<string, unknown> | null;
}

/**
 * Stores submissions that arrived together (a Segment batch) in one transaction. Each answers its new runs,
 * null for a repeated id, or the error that refused it alone.
 */
export function storeTogether(prisma: PrismaClient, submissions: Submission[]): Promise<PromiseSettledResult<StoredRun[] | null>[]> {
  return Promise.allSettled(storeQueue(prisma).submitAll(submissions));
}

/** Per database client: one writer for its events. The bounds keep a burst's wait for a commit to seconds. */
const queues = new WeakMap<PrismaClient, GroupCommit<Submission, StoredRun[] | null>>();
function storeQueue(prisma: PrismaClient): GroupCommit<Submission, StoredRun[] | null> {
  let queue = queues.get(prisma);
  if (!queue) {
    queue = new GroupCommit((events) => storeEvents(prisma, events), { maxBatch: 200, maxQueue: loadSettings().HOOKFLOW_INGEST_QUEUE_LIMIT });
    queues.set(prisma, queue);
  }
  return queue;
}

/**
 * Stores a batch of events in one transaction: customers (attributes merged in arrival order), events, and
 * one pending run per matching active flow. Answers, per event, its new runs, or null for a repeated id.
 */
async function storeEvents(prisma: PrismaClient, events: Submission[]): Promise<(StoredRun[] | null)[]> {
  const db = sqlDb(prisma);
  metrics().ingestBatchSize.observe(events.length);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => storeEventsOnce(tx, events));
    } catch (error) {
      // Another process wrote first: SQLite has one writer, and a concurrent duplicate id or new customer
      // from another web process shows up as a unique violation. Start again; the retry sees their rows.
      if (!(isBusy(error) || isUniqueViolation(error)) || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20 * attempt));
    }
  }
}

async function storeEventsOnce(tx: SqlDb, submissions: Submission[]): Promise<(StoredRun[] | null)[]> {
  if (!submissions.some((s) => s.identity)) return storeNewEvents(tx, submissions, new Date());
  // Segment messages link ids as they go, so each is placed after the links of those before it.
  const results: (StoredRun[] | null)[] = [];
  const now = new Date();
  for (const submission of submissions) {
    if (submission.identity) submission.event.customer.id = await resolveIdentity(tx, submission.identity, now);
    results.push(...(await storeNewEvents(tx, [submission], now)));
  }
  return results;
}

async function storeNewEvents(tx: SqlDb, submissions: Submission[], now: Date): Promise<(StoredRun[] | null)[]> {
  const provider = tx.provider;
  // Only the first of each id in this batch, and only ids not stored before, are new events.
  const stored = await tx.query<{ id: string }>(Prisma.sql`SELECT "id" FROM "Event" WHERE "id" IN (${list(submissions.map((s) => s.event.id))})`);
  const known = new Set(stored.map((e) => e.id));
  const freshSubmissions = submissions.filter(({ event }) => !known.has(event.id) && (known.add(event.id), true));
  if (freshSubmissions.length === 0) return submissions.map(() => null);
  const fresh = freshSubmissions.map((s) => s.event);

  const customers = await storeCustomers(tx, provider, fresh, now);
  await tx.execute(
    Prisma.sql`INSERT INTO "Event" ("id", "type", "customerId", "data", "context", "occurredAt", "receivedAt") VALUES ${rows(
      freshSubmissions.map(({ event, context }) => [
        event.id,
        event.type,
        customers.get(event.customer.id)!.id,
        json(provider, event.data),
        context ? json(provider, context) : null,
        occurredAt(event, now),
        now,
      ]),
    )}`,
  );
  const runs = await createRuns(tx, freshSubmissions, customers, now);
  return submissions.map((s) => (freshSubmissions.includes(s) ? (runs.get(s.event.id) ?? []) : null));
}

const occurredAt = (event: EventInput, receivedAt: Date) => (event.occurredAt ? new Date(event.occurredAt) : receivedAt);

interface StoredCustomer {
  id: string;
  externalId: string;
  attributes: Record<string, unknown>;
  /** known only by an anonymous id: flows start for it only when they opt in */
  anonymous: boolean;
}

/** Upserts each customer once per batch, merging the attributes of its events in order. */
async function storeCustomers(tx: SqlDb, provider: DatabaseProvider, events: EventInput[], now: Date): Promise<Map<string, StoredCustomer>> {
  const externalIds = [...new Set(events.map((e) => e.customer.id))];
  const existing = (
    await tx.query<{ id: string; externalId: string; attributes: unknown; anonymous: unknown }>(
      Prisma.sql`SELECT "id", "externalId", "attributes", "anonymous" FROM "Customer" WHERE "externalId" IN (${list(externalIds)})`,
    )
  ).map((c) => ({
    ...c,
    attributes: readJson<Record<string, unknown>>(c.attributes) ?? {},
    anonymous: readBool(c.anonymous),
  }));
  const before = new Map(existing.map((c) => [c.externalId, c]));
  const customers = new Map<string, StoredCustomer>();
  for (const event of events) {
    const { id: externalId, ...attributes } = event.customer;
    const current = customers.get(externalId) ?? before.get(externalId) ?? { id: newId(), externalId, attributes: {}, anonymous: false };
    customers.set(externalId, { ...current, attributes: { ...current.attributes, ...attributes } });
  }
  const created = [...customers.values()].filter((c) => !before.has(c.externalId));
  if (created.length > 0) {
    await tx.execute(
      Prisma.sql`INSERT INTO "Customer" ("id", "externalId", "attributes", "createdAt", "updatedAt") VALUES ${rows(
        created.map((c) => [c.id, c.externalId, json(provider, c.attributes), now, now]),
      )}`,
    );
  }
  for (const customer of existing) {
    const attributes = customers.get(customer.externalId)!.attributes;
    if (sameJson(attributes, customer.attributes)) continue;
    await tx.execute(Prisma.sql`UPDATE "Customer" SET "attributes" = ${json(provider, attributes)}, "updatedAt" = ${now} WHERE "id" = ${customer.id}`);
  }
  return customers;
}

interface LiveVersion {
  flowId: string;
  flowName: string;
  versionId: string;
  version: number;
  plan: Plan;
  filter: Condition | null;
  /** starts for anonymous visitors too (the trigger's opt-in) */
  anonymous: boolean;
}

/** One pending run per event and active flow on its type whose trigger filter holds; each run carries its workflow input. */
async function createRuns(tx: SqlDb, submissions: Submission[], customers: Map<string, StoredCustomer>, now: Date): Promise<Map<string, StoredRun[]>> {
  const versions = await liveVersions(tx, [...new Set(submissions.map((s) => s.event.type))]);
  const byEvent = new Map<string, StoredRun[]>();
  const values: unknown[][] = [];
  for (const { event, flowId, context: segmentContext } of submissions) {
    const customer = customers.get(event.customer.id)!;
    const context = {
      Customer: customerContext(customer.externalId, customer.attributes),
      Event: eventContext({ id: event.id, type: event.type, data: event.data, occurredAt: occurredAt(event, now), context: segmentContext }),
    };
    for (const version of versions.get(event.type) ?? []) {
      if (flowId !== undefined && version.flowId !== flowId) continue;
      if (customer.anonymous && !version.anonymous) continue;
      if (version.filter && !evaluateCondition(version.filter, context)) continue;
      const id = newId();
      const workflowId = workflowIdFor(version.flowId, event.id);
      values.push([id, version.flowId, version.versionId, workflowId, customer.id, event.id, 'pending', now]);
      const input = {
        runId: id,
        interpreter: INTERPRETER_REVISION,
        flow: { id: version.flowId, name: version.flowName, versionId: version.versionId, version: version.version },
        plan: version.plan,
        customer: context.Customer,
        event: context.Event,
      };
      byEvent.set(event.id, [...(byEvent.get(event.id) ?? []), { id, flowId: version.flowId, workflowId, status: 'pending', input }]);
    }
  }
  if (values.length > 0) {
    await tx.execute(Prisma.sql`INSERT INTO "Run" ("id", "flowId", "flowVersionId", "workflowId", "customerId", "eventId", "status", "createdAt") VALUES ${rows(values)}`);
  }
  return byEvent;
}

/**
 * The latest published version of each active flow on these event types. Versions are immutable, so their
 * plan and trigger filter are parsed once per process and kept.
 */
async function liveVersions(tx: SqlDb, types: string[]): Promise<Map<string, LiveVersion[]>> {
  const flows = await tx.query<{ id: string; name: string; triggerEventType: string; versionId: string; version: number }>(Prisma.sql`
    SELECT f."id", f."name", f."triggerEventType", v."id" AS "versionId", v."version"
    FROM "Flow" f JOIN "FlowVersion" v ON v."flowId" = f."id"
    WHERE f."triggerEventType" IN (${list(types)}) AND f."status" = 'active'
      AND v."version" = (SELECT MAX(latest."version") FROM "FlowVersion" latest WHERE latest."flowId" = f."id")
    ORDER BY f."createdAt", f."id"`);
  const missing = flows.map((f) => f.versionId).filter((id) => !versionCache.has(id));
  if (missing.length > 0) {
    for (const row of await tx.query<{ id: string; graph: unknown; plan: unknown }>(Prisma.sql`SELECT "id", "graph", "plan" FROM "FlowVersion" WHERE "id" IN (${list(missing)})`)) {
      const graph = readJson<FlowGraph>(row.graph);
      remember(row.id, { plan: readJson<Plan>(row.plan), filter: triggerFilter(graph) ?? null, anonymous: startsForAnonymous(graph) });
    }
  }
  const byType = new Map<string, LiveVersion[]>();
  for (const flow of flows) {
    const parsed = versionCache.get(flow.versionId);
    if (!parsed) continue;
    const live = { flowId: flow.id, flowName: flow.name, versionId: flow.versionId, version: Number(flow.version), ...parsed };
    byType.set(flow.triggerEventType, [...(byType.get(flow.triggerEventType) ?? []), live]);
  }
  return byType;
}

type ParsedVersion = Pick<LiveVersion, 'plan' | 'filter' | 'anonymous'>;
const versionCache = new Map<string, ParsedVersion>();
const VERSION_CACHE_LIMIT = 1_000;
function remember(id: string, parsed: ParsedVersion): void {
  if (versionCache.size >= VERSION_CACHE_LIMIT) versionCache.delete(versionCache.keys().next().value!);
  versionCache.set(id, parsed);
}

