import type { PrismaClient } from '../lib/server/db';
import { deleteRefusedBefore } from '../lib/server/events/refused';
import { deleteAttemptsBefore as deleteAttempts, deleteStepCountsBefore as deleteCounts } from '../lib/server/logs/retention';

/** The log-retention workflow's activities: each call deletes one batch. */
export function createRetentionActivities(deps: { prisma: PrismaClient }) {
  return {
    async deleteAttemptsBefore(input: { before: string; batchSize: number }): Promise<number> {
      const removed = await deleteAttempts(deps.prisma, new Date(input.before), input.batchSize);
      // Messages the ingestion APIs refused sit next to the webhook log on the Logs page, and go with it:
      // once per cleanup, with its last (short) batch of attempts.
      if (removed < input.batchSize) await deleteRefusedBefore(deps.prisma, new Date(input.before));
      return removed;
    },
    async deleteStepCountsBefore(input: { before: string }): Promise<number> {
      return deleteCounts(deps.prisma, new Date(input.before));
    },
  };
}
