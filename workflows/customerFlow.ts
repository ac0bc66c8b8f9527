/**
 * The one interpreter workflow: runs a published flow's plan for one customer event. Deterministic: all I/O
 * happens in activities, and webhook failures are outcomes the flow routes on, not crashes.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, setHandler, sleep, uuid4, log } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { evaluateCondition } from '../lib/domain/flow/conditions';
import type { PlanNode } from '../lib/domain/flow/plan';
import { msUntilTimeOfDay } from '../lib/domain/flow/time';
import { progressQuery, type CustomerFlowInput, type CustomerFlowResult, type SendFailureDetails, type SendWebhookInput, type WebhookOutcome } from '../lib/domain/flow/run';

const { recordRunStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** How long one sendWebhook attempt may take, including its wait for a rate-limit slot. */
const SEND_ATTEMPT_TIMEOUT = '12 minutes';

function sendWebhookProxy(retry: SendWebhookInput['retry']) {
  const idempotent = retry.maxAttempts > 1;
  // The activity decides each retry delay itself (Retry-After, the retry window) through nextRetryDelay;
  // these intervals apply only when an attempt dies without deciding (worker killed, heartbeat lost).
  const firstDelaySeconds = Math.max(1, Math.round(retry.windowSeconds / 18));
  return proxyActivities<Activities>({
    startToCloseTimeout: SEND_ATTEMPT_TIMEOUT,
    heartbeatTimeout: '30 seconds',
    retry: idempotent
      ? {
          maximumAttempts: retry.maxAttempts,
          initialInterval: `${firstDelaySeconds} seconds`,
          backoffCoefficient: 2,
          maximumInterval: `${Math.max(firstDelaySeconds, Math.round(retry.windowSeconds / 3))} seconds`,
        }
      : { maximumAttempts: 1 },
  }).sendWebhook;
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
  const path: string[] = [];
  const outputs: Record<string, string> = {};
  setHandler(progressQuery, () => ({ path: [...path], outputs: { ...outputs } }));
  try {
    let nodeId = input.plan.entry;
    while (nodeId !== null) {
      if (path.length >= MAX_STEPS) throw ApplicationFailure.nonRetryable(`Flow ran more than ${MAX_STEPS} steps`);
      const node: PlanNode | undefined = input.plan.nodes[nodeId];
      if (!node) throw ApplicationFailure.nonRetryable(`Plan has no node "${nodeId}"`);
      path.push(node.id);
      nodeId = await runNode(node, input, context, webhooks, outputs);
    }
  } catch (error) {
    await recordRunStatus({ runId: input.runId, status: 'failed' });
    throw error;
  }
  await recordRunStatus({ runId: input.runId, status: 'completed' });
  return { path, webhooks };
}

async function runNode(
  node: PlanNode,
  input: CustomerFlowInput,
  context: Record<string, unknown>,
  webhooks: Record<string, WebhookOutcome>,
  outputs: Record<string, string>,
): Promise<string | null> {
  switch (node.kind) {
    case 'webhook': {
      webhooks[node.systemName] = await sendOne(node, input, context);
      return node.next;
    }
    case 'branch': {
      const taken = node.branches.find((branch) => evaluateCondition(branch.condition, context));
      outputs[node.id] = taken ? taken.id : 'else';
      return taken ? taken.next : node.elseNext;
    }
    case 'wait': {
      // Date.now() inside a workflow is Temporal's deterministic workflow-task time.
      const ms = 'seconds' in node ? node.seconds * 1000 : msUntilTimeOfDay(Date.now(), node.until.time, node.until.timeZone);
      await sleep(ms);
      return node.next;
    }
    case 'end':
      return null;
  }
}

async function sendOne(
  node: Extract<PlanNode, { kind: 'webhook' }>,
  input: CustomerFlowInput,
  context: Record<string, unknown>,
): Promise<WebhookOutcome> {
  const transactionalId = uuid4();
  const sendWebhook = sendWebhookProxy(node.retry);
  try {
    const result = await sendWebhook({
      webhookId: node.webhookId,
      nodeId: node.id,
      runId: input.runId,
      transactionalId,
      context: { ...context, WebhookRequest: { TransactionalId: transactionalId } },
      retry: node.retry,
    });
    return { Ok: true, Status: result.status, Body: result.body, Fields: result.fields, Attempts: result.attempt };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as SendFailureDetails | undefined) : undefined;
    const message = cause?.message ?? error.message;
    log.info('webhook failed; the flow continues', { nodeId: node.id, systemName: node.systemName, error: message });
    return {
      Ok: false,
      Status: details?.status ?? null,
      Error: message,
      Attempts: details?.attempt ?? node.retry.maxAttempts,
    };
  }
}
