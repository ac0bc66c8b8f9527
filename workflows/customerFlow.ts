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
  TimeoutFailure,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { isLastIoStep, type PlanNode } from '../lib/domain/flow/plan';
import { chooseBranch, failedOutcome, nodesAfter, succeededOutcome, type RunTrace } from '../lib/domain/flow/trace';
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

/**
 * An attempt whose worker died or stalled: Temporal's "activity Heartbeat timeout" says nothing about the
 * request. Without the TransactionalId there is no retry, and the request may have gone out.
 */
function lostAttemptMessage(cause: TimeoutFailure, node: PlanWebhook): string {
  const lost = `The worker stopped before the attempt's result was known (${cause.message})`;
  return node.retry.maxAttempts > 1 ? lost : `${lost}; not retried, because the webhook does not carry \${WebhookRequest.TransactionalId}: the request may have been delivered`;
}

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
  const trace: RunTrace = { path: [], outputs: {}, failed: [] };
  const { path, outputs } = trace;
  const run: RunState = { revision: input.interpreter ?? 1, recorded: false, trace };
  setHandler(progressQuery, () => ({ path: [...path], outputs: { ...outputs } }));
  try {
    let nodeId = input.plan.entry;
    while (nodeId !== null) {
      if (path.length >= MAX_STEPS) throw ApplicationFailure.nonRetryable(`Flow ran more than ${MAX_STEPS} steps`);
      const node: PlanNode | undefined = input.plan.nodes[nodeId];
      if (!node) throw ApplicationFailure.nonRetryable(`Plan has no node "${nodeId}"`);
      path.push(node.id);
      nodeId = await runNode(node, input, context, webhooks, run);
    }
  } catch (error) {
    if (run.revision >= 2 && isCancellation(error)) {
      await CancellationScope.nonCancellable(() => recordStatus(run, input, 'cancelled'));
    } else {
      await recordStatus(run, input, 'failed');
      setOutcome(input, run, 'failed');
    }
    throw error;
  }
  if (!run.recorded) await recordStatus(run, input, 'completed');
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
  /** the path so far, recorded with the run's final status */
  trace: RunTrace;
}

/** Mirrors the run's status and path into the Run table: a local activity, or the activity task revision 1 had. */
async function recordStatus(run: RunState, input: CustomerFlowInput, status: 'completed' | 'failed' | 'cancelled'): Promise<void> {
  // Without the flow's id the path is recorded but not counted: test runs never count as customer runs.
  const record = { runId: input.runId, status, ...(input.test ? {} : { flowId: input.flow.id }), trace: run.trace };
  if (run.revision < 2) return recordRunStatusTask(record);
  await recordRunStatus.executeWithOptions({ summary: `Record run ${status}` }, [record]);
}

async function runNode(
  node: PlanNode,
  input: CustomerFlowInput,
  context: Record<string, unknown>,
  webhooks: Record<string, WebhookOutcome>,
  run: RunState,
): Promise<string | null> {
  switch (node.kind) {
    case 'webhook': {
      setCurrentDetails(`Running **${webhookSummary(node)}** (step \`${node.id}\`)`);
      // A test run's last step does not complete the run (a dry run sends nothing, and no test run counts on
      // the canvas): the workflow records its status and path itself, without the flow's counts.
      const test = run.revision >= 2 && input.test !== undefined;
      const { outcome, runRecorded } = await sendOne(node, input, context, run, run.revision >= 2 && !test && isLastIoStep(input.plan, node));
      webhooks[node.systemName] = outcome;
      if (!outcome.Ok) run.trace.failed.push(node.id);
      run.recorded = runRecorded;
      return node.next;
    }
    case 'branch': {
      const choice = chooseBranch(node, context);
      run.trace.outputs[node.id] = choice.output;
      return choice.next;
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
  run: RunState,
  completesRun: boolean,
): Promise<{ outcome: WebhookOutcome; runRecorded: boolean }> {
  const { revision } = run;
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
        // The steps after the last one with I/O: the activity finishes the path the run records.
        ...(completesRun ? { completion: { trace: { path: [...run.trace.path], outputs: { ...run.trace.outputs }, failed: [...run.trace.failed] }, systemName: node.systemName, next: node.next, nodes: nodesAfter(input.plan.nodes, node) } } : {}),
      },
    ]);
    return { outcome: succeededOutcome(result), runRecorded: result.runRecorded === true };
  } catch (error) {
    // A cancelled run is not a failed webhook: it ends the run.
    if (!(error instanceof ActivityFailure) || (revision >= 2 && isCancellation(error))) throw error;
    const cause = error.cause;
    const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as SendFailureDetails | undefined) : undefined;
    // The failure's message names the webhook for the Temporal UI; the flow sees the plain one.
    const message = details?.message ?? (cause instanceof TimeoutFailure ? lostAttemptMessage(cause, node) : undefined) ?? cause?.message ?? error.message;
    log.info('webhook failed; the flow continues', { nodeId: node.id, systemName: node.systemName, error: message });
    return {
      outcome: failedOutcome(details?.status ?? null, message, details?.attempt ?? node.retry.maxAttempts),
      runRecorded: details?.runRecorded === true,
    };
  }
}
