/**
 * The one interpreter workflow: runs a published flow's plan for one customer event. Deterministic: all I/O
 * happens in activities, and webhook failures are outcomes the flow routes on, not crashes.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { evaluateCondition } from '../lib/domain/flow/conditions';
import { isLastIoStep, type PlanNode } from '../lib/domain/flow/plan';
import { msUntilTimeOfDay } from '../lib/domain/flow/time';
import { sendRetryPolicy } from '../lib/domain/webhook/retry';
import { progressQuery, SEARCH_ATTRIBUTES, type CustomerFlowInput, type CustomerFlowResult, type RunOutcome, type SendFailureDetails, type WebhookOutcome } from '../lib/domain/flow/run';
import { waitSummary, webhookSummary } from '../lib/domain/flow/describe';

const RECORD_RUN_STATUS = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '30 seconds' },
} as const;
/** Runs recorded before the run status moved out of an activity task of its own replay this one. */
const { recordRunStatus: recordRunStatusTask } = proxyActivities<Activities>(RECORD_RUN_STATUS);
const { recordRunStatus } = proxyLocalActivities<Activities>(RECORD_RUN_STATUS);

/** How long one sendWebhook attempt may take, including its wait for a rate-limit slot. */
const SEND_ATTEMPT_TIMEOUT = '12 minutes';

function sendWebhookProxy(retry: PlanWebhook['retry'], revision: number) {
  return proxyActivities<Activities>({
    startToCloseTimeout: SEND_ATTEMPT_TIMEOUT,
    heartbeatTimeout: '30 seconds',
    retry: sendRetryPolicy(retry),
    // A cancelled run waits for its request to be aborted, so nothing is sent after the run ended.
    ...(revision >= 2 ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
  }).sendWebhook;
}

type PlanWebhook = Extract<PlanNode, { kind: 'webhook' }>;

const MAX_STEPS = 1000;

export async function customerFlow(input: CustomerFlowInput): Promise<CustomerFlowResult> {
  const webhooks: Record<string, WebhookOutcome> = {};
  const context: Record<string, unknown> = {
    Customer: input.customer,
    Event: input.event,
    Webhooks: webhooks,
    Flow: { Id: input.flow.id, Name: input.flow.name, Version: input.flow.version },
    Run: { Id: input.runId },
  };
  const path: string[] = [];
  const outputs: Record<string, string> = {};
  const run: RunState = { revision: input.interpreter ?? 1, recorded: false };
  setHandler(progressQuery, () => ({ path: [...path], outputs: { ...outputs } }));
  try {
    let nodeId = input.plan.entry;
    while (nodeId !== null) {
      if (path.length >= MAX_STEPS) throw ApplicationFailure.nonRetryable(`Flow ran more than ${MAX_STEPS} steps`);
      const node: PlanNode | undefined = input.plan.nodes[nodeId];
      if (!node) throw ApplicationFailure.nonRetryable(`Plan has no node "${nodeId}"`);
      path.push(node.id);
      nodeId = await runNode(node, input, context, webhooks, outputs, run);
    }
  } catch (error) {
    if (run.revision >= 2 && isCancellation(error)) {
      await CancellationScope.nonCancellable(() => recordStatus(run, input.runId, 'cancelled'));
    } else {
      await recordStatus(run, input.runId, 'failed');
      setOutcome(input, run, 'failed');
    }
    throw error;
  }
  if (!run.recorded) await recordStatus(run, input.runId, 'completed');
  setOutcome(input, run, Object.values(webhooks).some((w) => !w.Ok) ? 'has-failed-webhooks' : 'completed');
  return { path, webhooks };
}

/** HookflowOutcome, for finding runs by how they ended (runs started with Hookflow's search attributes). */
function setOutcome(input: CustomerFlowInput, run: RunState, outcome: RunOutcome): void {
  setCurrentDetails(`Finished: **${outcome}**`);
  if (run.revision >= 2 && input.searchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: outcome }]);
}

interface RunState {
  /** the interpreter revision the run started under (INTERPRETER_REVISION) */
  revision: number;
  /** the run's status is already in the Run table: its last webhook step wrote it */
  recorded: boolean;
}

/** Mirrors the run's status into the Run table: a local activity, or the activity task revision 1 had. */
async function recordStatus(run: RunState, runId: string, status: 'completed' | 'failed' | 'cancelled'): Promise<void> {
  if (run.revision < 2) return recordRunStatusTask({ runId, status });
  await recordRunStatus.executeWithOptions({ summary: `Record run ${status}` }, [{ runId, status }]);
}

async function runNode(
  node: PlanNode,
  input: CustomerFlowInput,
  context: Record<string, unknown>,
  webhooks: Record<string, WebhookOutcome>,
  outputs: Record<string, string>,
  run: RunState,
): Promise<string | null> {
  switch (node.kind) {
    case 'webhook': {
      setCurrentDetails(`Running **${webhookSummary(node)}** (step \`${node.id}\`)`);
      const dry = run.revision >= 2 && input.test?.mode === 'dry';
      const { outcome, runRecorded } = await sendOne(node, input, context, run.revision, run.revision >= 2 && !dry && isLastIoStep(input.plan, node));
      webhooks[node.systemName] = outcome;
      run.recorded = runRecorded;
      return node.next;
    }
    case 'branch': {
      const taken = node.branches.find((branch) => evaluateCondition(branch.condition, context));
      outputs[node.id] = taken ? taken.id : 'else';
      return taken ? taken.next : node.elseNext;
    }
    case 'wait': {
      // A test run may skip waits (revision 2 only: tests start under it), so its whole path shows now.
      if (run.revision >= 2 && input.test?.skipWaits) return node.next;
      // Date.now() inside a workflow is Temporal's deterministic workflow-task time.
      const ms = 'seconds' in node ? node.seconds * 1000 : msUntilTimeOfDay(Date.now(), node.until.time, node.until.timeZone);
      const summary = waitSummary(node);
      setCurrentDetails(`**${summary}**: until ${new Date(Date.now() + ms).toISOString()} (step \`${node.id}\`)`);
      await sleep(ms, { summary });
      return node.next;
    }
    case 'end':
      return null;
  }
}

async function sendOne(
  node: PlanWebhook,
  input: CustomerFlowInput,
  context: Record<string, unknown>,
  revision: number,
  completesRun: boolean,
): Promise<{ outcome: WebhookOutcome; runRecorded: boolean }> {
  const transactionalId = uuid4();
  const sendWebhook = sendWebhookProxy(node.retry, revision);
  try {
    const result = await sendWebhook.executeWithOptions({ summary: webhookSummary(node) }, [
      {
        webhookId: node.webhookId,
        systemName: node.systemName,
        name: node.name,
        nodeId: node.id,
        runId: input.runId,
        transactionalId,
        context: { ...context, WebhookRequest: { TransactionalId: transactionalId } },
        retry: node.retry,
        completesRun,
        ...(revision >= 2 && input.test?.mode === 'dry' ? { dryRun: input.test.responses?.[node.id] ?? { status: 200, body: {} } } : {}),
      },
    ]);
    return {
      outcome: { Ok: true, Status: result.status, Body: result.body, Fields: result.fields, Attempts: result.attempt, ...(result.captureError ? { CaptureError: result.captureError } : {}) },
      runRecorded: result.runRecorded === true,
    };
  } catch (error) {
    // A cancelled run is not a failed webhook: it ends the run.
    if (!(error instanceof ActivityFailure) || (revision >= 2 && isCancellation(error))) throw error;
    const cause = error.cause;
    const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as SendFailureDetails | undefined) : undefined;
    // The failure's message names the webhook for the Temporal UI; the flow sees the plain one.
    const message = details?.message ?? cause?.message ?? error.message;
    log.info('webhook failed; the flow continues', { nodeId: node.id, systemName: node.systemName, error: message });
    return {
      outcome: { Ok: false, Status: details?.status ?? null, Error: message, Attempts: details?.attempt ?? node.retry.maxAttempts },
      runRecorded: details?.runRecorded === true,
    };
  }
}
