/** The baseline: the smallest workflow a user would write for "on event, POST to a service". */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { post } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

export async function baselineFlow(url: string, body: Record<string, string>): Promise<void> {
  await post(url, body);
}
