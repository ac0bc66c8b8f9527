/**
 * Event ingestion: validate, store the event and its runs, then start the runs in Temporal. Storing comes
 * first and the answer follows the commit, so an accepted event is never lost: one accepted while Temporal
 * is unreachable runs later (lib/server/runs/dispatch.ts). Events that arrive while another write is under
 * way are stored together in the next transaction (group commit), so a burst costs a few transactions, not
 * one per event.
 */
import type { PrismaClient } from '../db';
import { Prisma } from '../../generated/prisma/client';
import { evaluateCondition } from '../../domain/flow/conditions';
import { triggerFilter } from '../../domain/flow/compile';
import type { FlowGraph } from '../../domain/flow/graph';
import type { Plan } from '../../domain/flow/plan';
import type { Condition } from '../../domain/flow/conditions';
import { customerContext, eventContext } from '../../domain/events/context';
import { validateEvent, type EventInput, type EventRejection } from '../../domain/events/schema';
import { startRuns, workflowIdFor, type DispatchDeps, type StoredRun } from '../runs/dispatch';
import { GroupCommit } from '../group-commit';
import { sameJson } from '../../domain/json';

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
  const runs = (await storeQueue(deps.prisma).submit(event)) ?? (await storedRuns(deps.prisma, event.id));

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

function storedRuns(prisma: PrismaClient, eventId: string): Promise<StoredRun[]> {
  return prisma.run.findMany({ where: { eventId }, orderBy: { createdAt: 'asc' }, select: { id: true, flowId: true, workflowId: true, status: true } });
}

/** Per database client: one writer for its events. The bounds keep a burst's wait for a commit to seconds. */
const queues = new WeakMap<PrismaClient, GroupCommit<EventInput, StoredRun[] | null>>();
function storeQueue(prisma: PrismaClient): GroupCommit<EventInput, StoredRun[] | null> {
  let queue = queues.get(prisma);
  if (!queue) {
    queue = new GroupCommit((events) => storeEvents(prisma, events), { maxBatch: 200, maxQueue: 5_000 });
    queues.set(prisma, queue);
  }
  return queue;
}

/**
 * Stores a batch of events in one transaction: customers (attributes merged in arrival order), events, and
 * one pending run per matching active flow. Answers, per event, its new runs, or null for a repeated id.
 */
async function storeEvents(prisma: PrismaClient, events: EventInput[]): Promise<(StoredRun[] | null)[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => storeEventsOnce(tx, events), INGEST_TRANSACTION);
    } catch (error) {
      // Another process wrote first: SQLite has one writer, and a concurrent duplicate id or new customer
      // from another web process shows up as a unique violation. Start again; the retry sees their rows.
      if (!(isBusy(error) || isUniqueViolation(error)) || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20 * attempt));
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code === 'P1008' || code === 'P2034' || code.startsWith('SQLITE_BUSY') || /database is locked/.test((error as Error).message ?? '');
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

type Tx = Prisma.TransactionClient;

async function storeEventsOnce(tx: Tx, events: EventInput[]): Promise<(StoredRun[] | null)[]> {
  // Only the first of each id in this batch, and only ids not stored before, are new events.
  const known = new Set((await tx.event.findMany({ where: { id: { in: events.map((e) => e.id) } }, select: { id: true } })).map((e) => e.id));
  const fresh = events.filter((event) => !known.has(event.id) && (known.add(event.id), true));
  if (fresh.length === 0) return events.map(() => null);

  const customers = await storeCustomers(tx, fresh);
  const receivedAt = new Date();
  await tx.event.createMany({
    data: fresh.map((event) => ({
      id: event.id,
      type: event.type,
      customerId: customers.get(event.customer.id)!.id,
      data: event.data as Prisma.InputJsonObject,
      occurredAt: event.occurredAt ? new Date(event.occurredAt) : receivedAt,
      receivedAt,
    })),
  });
  const runs = await createRuns(tx, fresh, customers, receivedAt);
  return events.map((event) => (fresh.includes(event) ? (runs.get(event.id) ?? []) : null));
}

interface StoredCustomer {
  id: string;
  externalId: string;
  attributes: Record<string, unknown>;
}

/** Upserts each customer once per batch, merging the attributes of its events in order. */
async function storeCustomers(tx: Tx, events: EventInput[]): Promise<Map<string, StoredCustomer>> {
  const externalIds = [...new Set(events.map((e) => e.customer.id))];
  const existing = await tx.customer.findMany({ where: { externalId: { in: externalIds } }, select: { id: true, externalId: true, attributes: true } });
  const customers = new Map<string, StoredCustomer>(existing.map((c) => [c.externalId, { ...c, attributes: (c.attributes ?? {}) as Record<string, unknown> }]));
  const merged = new Map<string, Record<string, unknown>>();
  for (const event of events) {
    const { id, ...attributes } = event.customer;
    merged.set(id, { ...(merged.get(id) ?? customers.get(id)?.attributes ?? {}), ...attributes });
  }
  const created = externalIds.filter((id) => !customers.has(id));
  if (created.length > 0) {
    const rows = await tx.customer.createManyAndReturn({
      data: created.map((externalId) => ({ externalId, attributes: merged.get(externalId) as Prisma.InputJsonObject })),
      select: { id: true, externalId: true },
    });
    for (const row of rows) customers.set(row.externalId, { ...row, attributes: merged.get(row.externalId)! });
  }
  for (const customer of existing) {
    const attributes = merged.get(customer.externalId)!;
    if (sameJson(attributes, customer.attributes)) continue;
    customers.set(customer.externalId, { ...customers.get(customer.externalId)!, attributes });
    await tx.customer.update({ where: { id: customer.id }, data: { attributes: attributes as Prisma.InputJsonObject } });
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
}

/** One pending run per event and active flow on its type whose trigger filter holds; each run carries its workflow input. */
async function createRuns(tx: Tx, events: EventInput[], customers: Map<string, StoredCustomer>, receivedAt: Date): Promise<Map<string, StoredRun[]>> {
  const versions = await liveVersions(tx, [...new Set(events.map((e) => e.type))]);
  const planned: { event: EventInput; version: LiveVersion; customer: StoredCustomer; context: { Customer: Record<string, unknown>; Event: ReturnType<typeof eventContext> } }[] = [];
  for (const event of events) {
    const customer = customers.get(event.customer.id)!;
    const context = {
      Customer: customerContext(customer.externalId, customer.attributes),
      Event: eventContext({ id: event.id, type: event.type, data: event.data, occurredAt: event.occurredAt ? new Date(event.occurredAt) : receivedAt }),
    };
    for (const version of versions.get(event.type) ?? []) {
      if (version.filter && !evaluateCondition(version.filter, context)) continue;
      planned.push({ event, version, customer, context });
    }
  }
  const byEvent = new Map<string, StoredRun[]>();
  if (planned.length === 0) return byEvent;
  const rows = await tx.run.createManyAndReturn({
    data: planned.map(({ event, version, customer }) => ({
      flowId: version.flowId,
      flowVersionId: version.versionId,
      workflowId: workflowIdFor(version.flowId, event.id),
      customerId: customer.id,
      eventId: event.id,
      createdAt: receivedAt,
    })),
    select: { id: true, workflowId: true },
  });
  const ids = new Map(rows.map((r) => [r.workflowId, r.id]));
  for (const { event, version, context } of planned) {
    const workflowId = workflowIdFor(version.flowId, event.id);
    const id = ids.get(workflowId)!;
    const run: StoredRun = {
      id,
      flowId: version.flowId,
      workflowId,
      status: 'pending',
      input: {
        runId: id,
        flow: { id: version.flowId, name: version.flowName, versionId: version.versionId, version: version.version },
        plan: version.plan,
        customer: context.Customer,
        event: context.Event,
      },
    };
    byEvent.set(event.id, [...(byEvent.get(event.id) ?? []), run]);
  }
  return byEvent;
}

/**
 * The latest published version of each active flow on these event types. Versions are immutable, so their
 * plan and trigger filter are parsed once per process and kept.
 */
async function liveVersions(tx: Tx, types: string[]): Promise<Map<string, LiveVersion[]>> {
  const flows = await tx.flow.findMany({
    where: { triggerEventType: { in: types }, status: 'active' },
    select: { id: true, name: true, triggerEventType: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { id: true, version: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const missing = flows.map((f) => f.versions[0]?.id).filter((id): id is string => id !== undefined && !versionCache.has(id));
  if (missing.length > 0) {
    for (const row of await tx.flowVersion.findMany({ where: { id: { in: missing } }, select: { id: true, graph: true, plan: true } })) {
      remember(row.id, { plan: row.plan as unknown as Plan, filter: triggerFilter(row.graph as unknown as FlowGraph) ?? null });
    }
  }
  const byType = new Map<string, LiveVersion[]>();
  for (const flow of flows) {
    const latest = flow.versions[0];
    const parsed = latest && versionCache.get(latest.id);
    if (!latest || !parsed) continue;
    const live = { flowId: flow.id, flowName: flow.name, versionId: latest.id, version: latest.version, ...parsed };
    byType.set(flow.triggerEventType, [...(byType.get(flow.triggerEventType) ?? []), live]);
  }
  return byType;
}

const versionCache = new Map<string, { plan: Plan; filter: Condition | null }>();
const VERSION_CACHE_LIMIT = 1_000;
function remember(id: string, parsed: { plan: Plan; filter: Condition | null }): void {
  if (versionCache.size >= VERSION_CACHE_LIMIT) versionCache.delete(versionCache.keys().next().value!);
  versionCache.set(id, parsed);
}

/** SQLite serialises writers; under bursts a batch waits its turn instead of failing. */
const INGEST_TRANSACTION = { maxWait: 15_000, timeout: 20_000 };
