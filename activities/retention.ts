import type { PrismaClient } from '../lib/server/db';
import { deleteAttemptsBefore as deleteAttempts, deleteStepCountsBefore as deleteCounts } from '../lib/server/logs/retention';

/** The log-retention workflow's activities: each call deletes one batch. */
export function createRetentionActivities(deps: { prisma: PrismaClient }) {
  return {
    async deleteAttemptsBefore(input: { before: string; batchSize: number }): Promise<number> {
      return deleteAttempts(deps.prisma, new Date(input.before), input.batchSize);
    },
    async deleteStepCountsBefore(input: { before: string }): Promise<number> {
      return deleteCounts(deps.prisma, new Date(input.before));
    },
  };
}
