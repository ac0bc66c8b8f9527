/**
 * The handlers of the `hookflow` Nexus service (lib/domain/nexus/service.ts). Every operation goes through
 * the same code as the app's entry points: triggerEvent is POST /api/events (ingestEvent), startFlow stores
 * its event through the same ingestion (dedup by event id, trigger filter) and starts the run with the same
 * options as the dispatcher, so runs, secrets, the idempotency rule and the rate limits are the same
 * whichever way a run started.
 */
import * as nexus from 'nexus-rpc';
import { TemporalOperationHandler, TemporalOperationResult } from '@temporalio/nexus';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../server/db';
import { ingestEvent, storeEventForFlow } from '../server/events/ingest';
import { QueueFullError } from '../server/group-commit';
import { findStartableFlow } from '../server/flows/startable';
import { markRunStarted, storedRunStartOptions } from '../server/runs/dispatch';
import { readRun } from '../server/runs/read';
import { temporalWorkflowUrl, type Settings } from '../server/config';
import { hookflowService } from '../domain/nexus/service';
import { getRunInputSchema, startFlowInputSchema, type StartFlowInput, type StartFlowOutput } from '../domain/nexus/schemas';
import { CUSTOMER_FLOW_WORKFLOW, type CustomerFlowResult } from '../domain/flow/run';

interface NexusDeps {
  prisma: PrismaClient;
  client: () => Promise<Client>;
  taskQueue: string;
  settings: Settings;
}

const badRequest = (message: string) => new nexus.HandlerError('BAD_REQUEST', message, { retryableOverride: false });

/** Zod's first problem as "field: message". */
function invalid(what: string, issues: { path: PropertyKey[]; message: string }[]): nexus.HandlerError {
  const first = issues[0];
  return badRequest(`Invalid ${what}: ${first ? `${first.path.join('.') || '(input)'} ${first.message}` : 'unreadable'}`);
}

/** Ingestion's own failures, as Nexus handler errors the caller's workflow retries or not. */
function ingestionFailure(error: unknown): never {
  if (error instanceof nexus.HandlerError) throw error;
  if (error instanceof QueueFullError) throw new nexus.HandlerError('RESOURCE_EXHAUSTED', `Hookflow is taking in more events than it can store right now (${error.waiting} waiting)`, { retryableOverride: true });
  throw new nexus.HandlerError('UNAVAILABLE', `Hookflow could not store the event (its database did not answer): ${(error as Error).message}`, { cause: error });
}

export function hookflowServiceHandler(deps: NexusDeps) {
  const ingestDeps = { prisma: deps.prisma, client: deps.client, taskQueue: deps.taskQueue, workflowUrl: (id: string) => temporalWorkflowUrl(id, deps.settings) };
  return nexus.serviceHandler(hookflowService, {
    async triggerEvent(_ctx, input) {
      const result = await ingestEvent(ingestDeps, input).catch(ingestionFailure);
      if (result.status !== 202) throw badRequest(result.body.message);
      return result.body;
    },

    startFlow: new TemporalOperationHandler<StartFlowInput, StartFlowOutput>({
      async start(_ctx, nexusClient, input) {
        const parsed = startFlowInputSchema.safeParse(input);
        if (!parsed.success) throw invalid('startFlow input', parsed.error.issues);
        const found = await findStartableFlow(deps.prisma, parsed.data.flow);
        if ('notFound' in found) throw new nexus.HandlerError('NOT_FOUND', found.notFound, { retryableOverride: false });
        if ('refused' in found) throw badRequest(found.refused);
        const { type, ...event } = parsed.data.event;
        if (type !== undefined && type !== found.flow.triggerEventType) {
          throw badRequest(`event.type is "${String(type)}", but flow "${found.flow.name}" starts on "${found.flow.triggerEventType}"; leave type out`);
        }
        const stored = await storeEventForFlow(deps.prisma, { ...event, type: found.flow.triggerEventType }, found.flow.id).catch(ingestionFailure);
        if ('status' in stored) throw badRequest(stored.body.message);
        if ('refused' in stored) throw badRequest(stored.refused);
        const options = await storedRunStartOptions(ingestDeps, stored.run);
        if (!options) throw new nexus.HandlerError('NOT_FOUND', `The run ${stored.run.id} no longer exists`, { retryableOverride: false });
        let result: TemporalOperationResult<StartFlowOutput>;
        try {
          // The same event id through /api/events, the dispatcher or a retried request: the run already
          // running gets this operation's completion callback, nothing starts twice.
          result = await nexusClient.startWorkflow(CUSTOMER_FLOW_WORKFLOW, { ...options, workflowIdConflictPolicy: 'USE_EXISTING' });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          // The run has already ended: answer its result.
          result = TemporalOperationResult.sync(await finishedResult(nexusClient.client, options.workflowId));
        }
        await markRunStarted(deps.prisma, stored.run.id);
        return result;
      },
    }),

    async getRun(_ctx, input) {
      const parsed = getRunInputSchema.safeParse(input);
      if (!parsed.success) throw invalid('getRun input', parsed.error.issues);
      const run = await readRun(deps, parsed.data.workflowId);
      if (!run) throw new nexus.HandlerError('NOT_FOUND', `No run has the workflow id "${parsed.data.workflowId}"`, { retryableOverride: false });
      return run;
    },
  });
}

async function finishedResult(client: Client, workflowId: string): Promise<CustomerFlowResult> {
  try {
    return await client.workflow.getHandle<() => Promise<CustomerFlowResult>>(workflowId).result();
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    throw new nexus.OperationError('failed', `The run ${workflowId} ended without a result: ${error.cause?.message ?? error.message}`, { cause: error });
  }
}
