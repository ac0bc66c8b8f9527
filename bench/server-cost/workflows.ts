/**
 * The baseline workflow with the features a Hookflow run adds, each switched on by its input, so that
 * bench/server-cost.ts can tell which of them costs the Temporal server CPU.
 */
import { proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../../lib/domain/flow/run';
import type * as activities from '../baseline/activities';

export interface VariantInput {
  url: string;
  body: Record<string, string>;
  /** bytes of padding carried in the start input and in the activity's input */
  pad: string;
  summaries: boolean;
  heartbeat: boolean;
  upsert: boolean;
  /** the POST as a local activity: run inside the workflow task, no activity task of its own */
  local?: boolean;
}

const plain = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });
const watched = proxyActivities<typeof activities>({ startToCloseTimeout: '12 minutes', heartbeatTimeout: '30 seconds' });

export async function variantFlow(input: VariantInput): Promise<void> {
  const post = (input.local ? local : input.heartbeat ? watched : plain).post;
  const body = input.pad ? { ...input.body, pad: input.pad } : input.body;
  if (input.summaries) await post.executeWithOptions({ summary: 'POST /bench to the receiver' }, [input.url, body]);
  else await post(input.url, body);
  if (input.upsert) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: 'completed' }]);
}
