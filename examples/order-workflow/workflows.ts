/**
 * An order workflow of your own that hands its customer to Hookflow through Nexus: no HTTP hop, no ingest
 * key, and the call is as durable as the rest of the workflow.
 */
import { createNexusServiceClient, log } from '@temporalio/workflow';
import { HOOKFLOW_NEXUS_ENDPOINT, hookflowService, type GetRunOutput, type StartFlowOutput, type TriggerEventOutput } from 'hookflow/nexus';

export interface OrderInput {
  orderId: string;
  customer: { id: string; email?: string; first_name?: string };
  total: number;
  /** the marketers' flow (its name or id) that follows up on a paid order */
  followUpFlow: string;
  /** the Nexus endpoint of Hookflow's service; default `hookflow` */
  endpoint?: string;
}

export interface OrderOutcome {
  /** the runs the order.paid event started in Hookflow */
  paid: TriggerEventOutput;
  /** how each of them is doing, right after */
  paidRuns: GetRunOutput[];
  /** the follow-up flow's result: the steps it took and each webhook's outcome */
  followUp: StartFlowOutput;
}

export async function orderWorkflow(input: OrderInput): Promise<OrderOutcome> {
  const hookflow = createNexusServiceClient({ endpoint: input.endpoint ?? HOOKFLOW_NEXUS_ENDPOINT, service: hookflowService });
  const data = { orderId: input.orderId, total: input.total };

  // Every flow listening for order.paid starts. The event id comes from the order, so a retried or
  // replayed workflow, or the same event sent over HTTP, starts nothing twice.
  const paid = await hookflow.executeOperation(
    'triggerEvent',
    { id: `order-${input.orderId}-paid`, type: 'order.paid', customer: input.customer, data },
    { scheduleToCloseTimeout: '5 minutes', summary: `order ${input.orderId} paid` },
  );
  const paidRuns = await Promise.all(paid.runs.map((run) => hookflow.executeOperation('getRun', { workflowId: run.workflowId }, { scheduleToCloseTimeout: '1 minute' })));

  // Hand the customer to the follow-up flow and wait for its outcome, however long its waits take.
  const followUp = await hookflow.executeOperation(
    'startFlow',
    { flow: input.followUpFlow, event: { id: `order-${input.orderId}-follow-up`, customer: input.customer, data } },
    { scheduleToCloseTimeout: '7 days', summary: `follow up on order ${input.orderId}` },
  );
  const failed = Object.entries(followUp.webhooks).filter(([, outcome]) => !outcome.Ok);
  if (failed.length > 0) log.warn('the follow-up flow had failed webhooks', { orderId: input.orderId, failed: failed.map(([name]) => name) });
  return { paid, paidRuns, followUp };
}
