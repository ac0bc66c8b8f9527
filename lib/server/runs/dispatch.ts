/**
 * Starts stored runs as Temporal workflows. A run is written to the database before anything reaches
 * Temporal, so an event is never lost while Temporal is down; the worker's dispatcher loop starts what is
 * still pending once it is back. Workflow ids (`flow/<flowId>/<eventId>`) make every start idempotent.
 */
import { metrics } from '../metrics';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import type { Plan } from '../../domain/flow/plan';
import { customerContext, eventContext } from '../../domain/events/context';
import { CUSTOMER_FLOW_WORKFLOW, INTERPRETER_REVISION, SEARCH_ATTRIBUTES, type CustomerFlowInput } from '../../domain/flow/run';
import { runDetails, runSummary } from '../../domain/flow/describe';
import { appUrl } from '../config';
import { GroupCommit } from '../group-commit';
import { list, Prisma, sqlDb } from '../sql';

export function workflowIdFor(flowId: string, eventId: string): string {
  return `flow/${flowId}/${eventId}`;
}

export interface DispatchDeps {
  prisma: PrismaClient;
  client: () => Promise<Client>;
  taskQueue: string;
}

/** A stored run, with its workflow input when the caller has it in hand (ingestion just built it). */
export interface StoredRun {
  id: string;
  flowId: string;
  workflowId: string;
  status: string;
  input?: CustomerFlowInput;
}

/** How long one workflow start may take before the event is answered as pending (a reachable but overloaded server). */
const START_DEADLINE_MS = 10_000;
/** After Temporal failed to answer, starts are not tried for this long: events are stored and answered at once. */
const UNREACHABLE_BACKOFF_MS = 5_000;
const unreachableUntil = new WeakMap<DispatchDeps['client'], number>();

class TemporalUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`Temporal is unreachable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'TemporalUnreachableError';
  }
}

/**
 * Starts the runs that are still pending, all at once, and marks them running. Returns the ids now
 * started (already running ones included). Throws TemporalUnreachableError when Temporal did not answer
 * (within START_DEADLINE_MS), after marking what did start.
 */
export async function startRuns(deps: DispatchDeps, runs: StoredRun[]): Promise<string[]> {
  const started = runs.filter((r) => r.status !== 'pending').map((r) => r.id);
  const pending = runs.filter((r) => r.status === 'pending');
  if (pending.length === 0) return started;
  if ((unreachableUntil.get(deps.client) ?? 0) > Date.now()) throw new TemporalUnreachableError('it did not answer a moment ago');
  const inputs = await workflowInputs(deps.prisma, pending);
  let unreachable: unknown = null;
  await Promise.all(
    pending.map(async (run) => {
      const input = inputs.get(run.id);
      if (!input) return; // the run row is gone (its flow was deleted): nothing to start
      try {
        await startWorkflow(deps, run.workflowId, input);
        started.push(run.id);
        metrics().runsStarted.inc({ flow: run.flowId });
      } catch (error) {
        unreachable = error;
      }
    }),
  );
  const marked = started.filter((id) => pending.some((r) => r.id === id));
  if (marked.length > 0) await Promise.all(marked.map((id) => runningMarks(deps.prisma).submit(id)));
  if (unreachable) {
    unreachableUntil.set(deps.client, Date.now() + UNREACHABLE_BACKOFF_MS);
    throw new TemporalUnreachableError(unreachable);
  }
  unreachableUntil.delete(deps.client);
  return started;
}

async function startWorkflow(deps: DispatchDeps, workflowId: string, input: CustomerFlowInput): Promise<void> {
  const client = await deps.client();
  const options = await runStartOptions(client, deps.taskQueue, workflowId, input);
  try {
    await client.withDeadline(Date.now() + START_DEADLINE_MS, () => client.workflow.start(CUSTOMER_FLOW_WORKFLOW, options));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** How every entry point starts a run: its id, input, summary, details and search attributes. */
async function runStartOptions(client: Client, taskQueue: string, workflowId: string, input: CustomerFlowInput) {
  const searchable = await hasSearchAttributes(client);
  return {
    workflowId,
    taskQueue,
    args: [{ ...input, searchAttributes: searchable }] as [CustomerFlowInput],
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    staticSummary: runSummary(input),
    staticDetails: runDetails(input, `${appUrl()}/flows/${input.flow.id}`),
    ...(searchable ? { typedSearchAttributes: searchAttributesOf(input) } : {}),
  };
}

/**
 * The start options of one stored run, for an entry point that starts it itself (the Nexus startFlow
 * operation attaches its completion callback to the start); null when the run row is gone.
 */
export async function storedRunStartOptions(deps: DispatchDeps, run: StoredRun) {
  const input = (await workflowInputs(deps.prisma, [run])).get(run.id);
  return input ? runStartOptions(await deps.client(), deps.taskQueue, run.workflowId, input) : null;
}

/** Marks a run started by an entry point of its own running (only from pending). */
export function markRunStarted(prisma: PrismaClient, runId: string): Promise<void> {
  return runningMarks(prisma).submit(runId);
}

/**
 * Whether the client's namespace has Hookflow's search attributes, asked once per client: a start with an
 * unknown attribute is refused, so without them runs start unsearchable (and the worker and the web app say
 * at start-up that `npm run temporal:setup` adds them).
 */
const searchAttributeSupport = new WeakMap<Client, Promise<boolean>>();
function hasSearchAttributes(client: Client): Promise<boolean> {
  let known = searchAttributeSupport.get(client);
  if (!known) {
    known = client.connection.operatorService
      .listSearchAttributes({ namespace: client.options.namespace })
      .then(({ customAttributes }) => Object.values(SEARCH_ATTRIBUTES).every((key) => key.name in (customAttributes ?? {})))
      .catch(() => {
        // Unreachable or no operator service: ask again next time.
        searchAttributeSupport.delete(client);
        return false;
      });
    searchAttributeSupport.set(client, known);
  }
  return known;
}

function searchAttributesOf(input: CustomerFlowInput) {
  return [
    { key: SEARCH_ATTRIBUTES.flowId, value: input.flow.id },
    { key: SEARCH_ATTRIBUTES.flowName, value: input.flow.name },
    { key: SEARCH_ATTRIBUTES.flowVersion, value: input.flow.version },
    { key: SEARCH_ATTRIBUTES.customerId, value: String(input.customer.Id) },
    { key: SEARCH_ATTRIBUTES.eventId, value: input.event.Id },
    { key: SEARCH_ATTRIBUTES.eventType, value: input.event.Type },
  ];
}


/** The workflow input of each run: the one in hand, or built from the database for runs stored earlier. */
async function workflowInputs(prisma: PrismaClient, runs: StoredRun[]): Promise<Map<string, CustomerFlowInput>> {
  const inputs = new Map<string, CustomerFlowInput>();
  for (const run of runs) if (run.input) inputs.set(run.id, run.input);
  const missing = runs.filter((r) => !r.input).map((r) => r.id);
  if (missing.length === 0) return inputs;
  const rows = await prisma.run.findMany({ where: { id: { in: missing } }, include: { flow: true, flowVersion: true, customer: true, event: true } });
  for (const row of rows) {
    // A test run of the draft has no version to rebuild its input from: only its test start runs it.
    if (!row.flowVersion || !row.flowVersionId) continue;
    inputs.set(row.id, {
      runId: row.id,
      interpreter: INTERPRETER_REVISION,
      flow: { id: row.flowId, name: row.flow.name, versionId: row.flowVersionId, version: row.flowVersion.version },
      plan: row.flowVersion.plan as unknown as Plan,
      customer: customerContext(row.customer.externalId, row.customer.attributes as Record<string, unknown>),
      event: eventContext(row.event),
    });
  }
  return inputs;
}

/** Marking runs running is grouped like ingestion: one UPDATE for all the runs started meanwhile. */
const markers = new WeakMap<PrismaClient, GroupCommit<string, void>>();
function runningMarks(prisma: PrismaClient): GroupCommit<string, void> {
  let marker = markers.get(prisma);
  if (!marker) {
    marker = new GroupCommit<string, void>(
      async (ids) => {
        // Only from pending: the run may have finished already, and its status must not go back.
        await sqlDb(prisma).execute(Prisma.sql`UPDATE "Run" SET "status" = 'running', "startedAt" = ${new Date()} WHERE "id" IN (${list(ids)}) AND "status" = 'pending'`);
        return ids.map(() => undefined);
      },
      { maxBatch: 500, maxQueue: 100_000 },
    );
    markers.set(prisma, marker);
  }
  return marker;
}

/** Starts every pending run older than `minAgeMs`, oldest first. Used by the worker's dispatcher loop. */
export async function startPendingRuns(deps: DispatchDeps, minAgeMs = 2_000, batch = 200): Promise<number> {
  const pending = await deps.prisma.run.findMany({
    // Test runs are started by the person testing, or not at all.
    where: { status: 'pending', testMode: null, createdAt: { lte: new Date(Date.now() - minAgeMs) } },
    orderBy: { createdAt: 'asc' },
    take: batch,
    select: { id: true, flowId: true, workflowId: true, status: true },
  });
  const started = await startRuns(deps, pending);
  return started.length;
}

/** Runs `startPendingRuns` every `intervalMs` until the returned stop function is called. */
export function startDispatcher(deps: DispatchDeps, intervalMs: number, onError: (error: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await startPendingRuns(deps);
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
