/**
 * A caller workflow for testing the `hookflow` Nexus service's refusals: it calls one operation with any
 * input and answers the result, or the messages of the failure's chain (test/integration/nexus.test.ts).
 */
import { NexusOperationFailure } from '@temporalio/common';
import { createNexusServiceClient } from '@temporalio/workflow';
import { hookflowService } from 'hookflow/nexus';

export type CallOutcome = { ok: true; result: unknown } | { ok: false; messages: string[] };

export async function callHookflow(endpoint: string, operation: 'triggerEvent' | 'startFlow' | 'getRun', input: unknown): Promise<CallOutcome> {
  const client = createNexusServiceClient({ endpoint, service: hookflowService });
  try {
    return { ok: true, result: await client.executeOperation(operation, input as never, { scheduleToCloseTimeout: '30 seconds' }) };
  } catch (error) {
    if (!(error instanceof NexusOperationFailure)) throw error;
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
    return { ok: false, messages };
  }
}
