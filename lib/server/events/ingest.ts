/**
 * Event ingestion: validate, store the event and its runs, then start the runs in Temporal. Storing comes
 * first, so an event accepted while Temporal is unreachable still runs later (lib/server/runs/dispatch.ts).
 */
import type { PrismaClient } from '../db';
import { Prisma } from '../../generated/prisma/client';
import { evaluateCondition } from '../../domain/flow/conditions';
import { triggerFilter } from '../../domain/flow/compile';
import type { FlowGraph } from '../../domain/flow/graph';
import { customerContext, eventContext } from '../../domain/events/context';
import { eventInputSchema, type EventInput } from '../../domain/events/schema';
import { startRuns, workflowIdFor, type DispatchDeps } from '../runs/dispatch';

export interface IngestResponse {
  eventId: string;
  runs: { flowId: string; workflowId: string; temporalUrl: string }[];
  pending?: true;
}

export type IngestResult =
  | { status: 202; body: IngestResponse }
  | { status: 400; body: { error: 'invalid_event'; message: string; field: string; issues: { field: string; message: string }[] } };

export interface IngestDeps extends DispatchDeps {
  workflowUrl: (workflowId: string) => string;
  log?: (message: string, error?: unknown) => void;
}

export function validateEvent(body: unknown): { ok: true; event: EventInput } | Extract<IngestResult, { status: 400 }> {
  const parsed = eventInputSchema.safeParse(body);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issues = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.') || '(body)';
    if (issue.code === 'unrecognized_keys') return { field: issue.keys.join(', '), message: `unknown field${issue.keys.length > 1 ? 's' : ''} "${issue.keys.join('", "')}"; allowed: id, type, customer, data, occurredAt` };
    return { field, message: issue.message };
  });
  const first = issues[0]!;
  return {
    status: 400,
    body: { error: 'invalid_event', message: first.field === '(body)' ? first.message : `${first.field}: ${first.message}`, field: first.field, issues },
  };
}

export async function ingestEvent(deps: IngestDeps, body: unknown): Promise<IngestResult> {
  const validated = validateEvent(body);
  if (!('ok' in validated)) return validated;
  const event = validated.event;

  let runIds: string[];
  try {
    runIds = await storeEvent(deps.prisma, event);
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
    // The same id again (or a concurrent duplicate): nothing new starts; answer with the first one's runs.
    runIds = (await deps.prisma.run.findMany({ where: { eventId: event.id }, select: { id: true } })).map((r) => r.id);
  }

  let pending = false;
  try {
    await startRuns(deps, runIds);
  } catch (error) {
    pending = true;
    deps.log?.(`Temporal is unreachable; event ${event.id} is stored and its runs will start when it is back`, error);
  }
  const runs = await deps.prisma.run.findMany({ where: { id: { in: runIds } }, orderBy: { createdAt: 'asc' } });
  const started = runs.filter((r) => r.status !== 'pending');
  const response: IngestResponse = {
    eventId: event.id,
    runs: started.map((r) => ({ flowId: r.flowId, workflowId: r.workflowId, temporalUrl: deps.workflowUrl(r.workflowId) })),
  };
  if (pending || started.length < runs.length) response.pending = true;
  return { status: 202, body: response };
}

/** Stores the customer, the event and one pending run per matching active flow, in one transaction. */
async function storeEvent(prisma: PrismaClient, event: EventInput): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await storeEventOnce(prisma, event);
    } catch (error) {
      if (!isBusy(error) || attempt >= 8) throw error;
      // Another process wrote first (SQLite has one writer): start the transaction again.
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20 * attempt));
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code === 'P1008' || code === 'P2034' || code.startsWith('SQLITE_BUSY') || /database is locked/.test((error as Error).message ?? '');
}

async function storeEventOnce(prisma: PrismaClient, event: EventInput): Promise<string[]> {
  const { id: externalId, ...attributes } = event.customer;
  return prisma.$transaction(async (tx) => {
    const existing = await tx.customer.findUnique({ where: { externalId } });
    const merged = { ...((existing?.attributes as Record<string, unknown> | undefined) ?? {}), ...attributes };
    const customer = existing
      ? await tx.customer.update({ where: { id: existing.id }, data: { attributes: merged as Prisma.InputJsonObject } })
      : await tx.customer.create({ data: { externalId, attributes: merged as Prisma.InputJsonObject } });
    const stored = await tx.event.create({
      data: {
        id: event.id,
        type: event.type,
        customerId: customer.id,
        data: event.data as Prisma.InputJsonObject,
        occurredAt: event.occurredAt ? new Date(event.occurredAt) : new Date(),
      },
    });

    const flows = await tx.flow.findMany({
      where: { triggerEventType: event.type, status: 'active' },
      include: { versions: { orderBy: { version: 'desc' }, take: 1 } },
    });
    const context = { Customer: customerContext(externalId, merged), Event: eventContext(stored) };
    const runIds: string[] = [];
    for (const flow of flows) {
      const version = flow.versions[0];
      if (!version) continue;
      const filter = triggerFilter(version.graph as unknown as FlowGraph);
      if (filter && !evaluateCondition(filter, context)) continue;
      const run = await tx.run.create({
        data: {
          flowId: flow.id,
          flowVersionId: version.id,
          workflowId: workflowIdFor(flow.id, event.id),
          customerId: customer.id,
          eventId: event.id,
        },
      });
      runIds.push(run.id);
    }
    return runIds;
  }, INGEST_TRANSACTION);
}

/** SQLite serialises writers; under bursts an event waits its turn instead of failing. */
const INGEST_TRANSACTION = { maxWait: 15_000, timeout: 20_000 };
