/** The integration page's view of its limiter, from the workflow's `status` query. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { statusQuery } from '../../domain/ratelimit/messages';
import { limiterWorkflowId } from './client';

export interface RateLimitView {
  limit: number | null;
  running: boolean;
  grantsLastMinute: number;
  waiting: number;
  expectedWaitMs: number;
  workflowId: string;
  /** why live numbers are missing, in plain words */
  note: string | null;
}

export async function readLimiterStatus(client: () => Promise<Client>, integrationId: string, limit: number | null): Promise<RateLimitView> {
  const workflowId = limiterWorkflowId(integrationId);
  const idle: RateLimitView = { limit, running: false, grantsLastMinute: 0, waiting: 0, expectedWaitMs: 0, workflowId, note: null };
  if (limit === null) return { ...idle, note: 'No limit set: requests are not queued.' };
  try {
    const handle = (await client()).workflow.getHandle(workflowId);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return { ...idle, note: 'The limiter is idle; it starts with the next request.' };
    const live = await handle.query(statusQuery);
    return { ...idle, running: true, grantsLastMinute: live.grantsLastMinute, waiting: live.waiting, expectedWaitMs: live.expectedWaitMs };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { ...idle, note: 'The limiter is idle; it starts with the next request.' };
    return { ...idle, note: `Live numbers are unavailable: Temporal did not answer (${(error as Error).message}).` };
  }
}
