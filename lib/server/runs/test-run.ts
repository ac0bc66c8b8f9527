/**
 * Test runs from the canvas: one flow only (never every flow on the event type), for a sample customer and
 * event, either of the draft as drawn now or of the published version. The run goes through the real
 * interpreter on Temporal, so the canvas overlay follows it like any run; it is marked as a test (`testMode`)
 * and never counts as a customer run. A dry run renders and records every request and sends nothing: each
 * webhook step answers with the sample response the person gave.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db';
import type { Prisma } from '../../generated/prisma/client';
import { compileFlow, triggerFilter, type FlowProblem } from '../../domain/flow/compile';
import { evaluateCondition } from '../../domain/flow/conditions';
import type { FlowGraph } from '../../domain/flow/graph';
import type { Plan } from '../../domain/flow/plan';
import { customerContext, eventContext } from '../../domain/events/context';
import { INTERPRETER_REVISION, type CustomerFlowInput, type SampleResponse } from '../../domain/flow/run';
import { webhookCatalog } from '../flows/publish';
import { recordRunStatus } from './attempts';
import { startRuns, type DispatchDeps } from './dispatch';

export interface TestRunRequest {
  flowId: string;
  /** the draft as saved now, or the latest published version */
  source: 'draft' | 'published';
  mode: 'live' | 'dry';
  customerId: string;
  attributes: Record<string, unknown>;
  data: Record<string, unknown>;
  /** dry runs: a sample response per webhook step (node id) */
  responses?: Record<string, SampleResponse>;
  skipWaits?: boolean;
}

/** Why a test could not start, in words for the person testing; `problems` when the draft does not compile. */
export class TestRunRefused extends Error {
  constructor(
    message: string,
    readonly problems: FlowProblem[] = [],
  ) {
    super(message);
    this.name = 'TestRunRefused';
  }
}

function testWorkflowId(flowId: string, eventId: string): string {
  return `test/${flowId}/${eventId}`;
}

interface Runnable {
  plan: Plan;
  graph: FlowGraph;
  eventType: string;
  version: { id: string; number: number } | null;
}

async function runnable(prisma: PrismaClient, request: TestRunRequest): Promise<{ flow: { id: string; name: string }; target: Runnable }> {
  const flow = await prisma.flow.findUnique({ where: { id: request.flowId }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } });
  if (!flow) throw new TestRunRefused('This flow no longer exists');
  if (request.source === 'published') {
    const latest = flow.versions[0];
    if (!latest) throw new TestRunRefused('This flow has no published version yet: test the draft instead');
    const graph = latest.graph as unknown as FlowGraph;
    return { flow, target: { plan: latest.plan as unknown as Plan, graph, eventType: flow.triggerEventType, version: { id: latest.id, number: latest.version } } };
  }
  const compiled = compileFlow(flow.draftGraph, await webhookCatalog(prisma));
  if (!compiled.ok) {
    const count = compiled.problems.length;
    throw new TestRunRefused(`The draft has ${count} problem${count === 1 ? '' : 's'} to fix before it can run: ${compiled.problems.map((p) => p.message).join('; ')}`, compiled.problems);
  }
  const trigger = compiled.graph.nodes.find((n) => n.type === 'trigger');
  const eventType = trigger?.type === 'trigger' ? trigger.data.eventType : flow.triggerEventType;
  return { flow, target: { plan: compiled.plan, graph: compiled.graph, eventType, version: null } };
}

/**
 * Stores the sample event and a test run of this flow, and starts it. The customer is created when the id is
 * new; an existing customer's stored attributes are left as they are (the run sees the attributes given).
 */
export async function startTestRun(deps: DispatchDeps, request: TestRunRequest): Promise<{ runId: string; eventId: string; workflowId: string }> {
  const { flow, target } = await runnable(deps.prisma, request);
  const customer = customerContext(request.customerId, request.attributes);
  const eventId = `test-${randomUUID()}`;
  const occurredAt = new Date();
  const event = eventContext({ id: eventId, type: target.eventType, data: request.data, occurredAt });
  const filter = triggerFilter(target.graph);
  if (filter && !evaluateCondition(filter, { Customer: customer, Event: event })) {
    throw new TestRunRefused("This customer and event do not pass the trigger's filter, so a real event would start no run: change the sample or the filter");
  }
  const workflowId = testWorkflowId(flow.id, eventId);
  const run = await deps.prisma.$transaction(async (tx) => {
    const stored = await tx.customer.upsert({
      where: { externalId: request.customerId },
      create: { externalId: request.customerId, attributes: request.attributes as Prisma.InputJsonObject },
      update: {},
    });
    await tx.event.create({ data: { id: eventId, type: target.eventType, customerId: stored.id, data: request.data as Prisma.InputJsonObject, occurredAt } });
    return tx.run.create({
      data: {
        flowId: flow.id,
        flowVersionId: target.version?.id ?? null,
        testMode: request.mode,
        testGraph: target.version ? undefined : (target.graph as unknown as Prisma.InputJsonObject),
        workflowId,
        customerId: stored.id,
        eventId,
      },
    });
  });
  const input: CustomerFlowInput = {
    runId: run.id,
    interpreter: INTERPRETER_REVISION,
    flow: { id: flow.id, name: flow.name, versionId: target.version?.id ?? null, version: target.version?.number ?? 0 },
    plan: target.plan,
    customer,
    event,
    test: { mode: request.mode, ...(request.mode === 'dry' ? { responses: request.responses ?? {} } : {}), skipWaits: request.skipWaits ?? true },
  };
  try {
    await startRuns(deps, [{ id: run.id, flowId: flow.id, workflowId, status: 'pending', input }]);
  } catch (error) {
    await recordRunStatus(deps.prisma, { runId: run.id, status: 'failed' });
    throw new TestRunRefused(`The test run could not start: ${(error as Error).message}`);
  }
  return { runId: run.id, eventId, workflowId };
}
