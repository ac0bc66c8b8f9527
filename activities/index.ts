/**
 * Activities are built from their dependencies (samples-typescript's `createActivities(deps)`), so tests
 * pass a real database of their own without mocking modules.
 */
import { createSendWebhook, type SendWebhookDeps } from './sendWebhook';
import { createRecordRunStatus } from './runs';
import { createRetentionActivities } from './retention';

export type ActivityDeps = SendWebhookDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    sendWebhook: createSendWebhook(deps),
    recordRunStatus: createRecordRunStatus(deps),
    ...createRetentionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
