import { z } from 'zod';
import { procedure, router } from '../init';
import { EVERYONE } from '../../../domain/access/roles';
import { temporalWorkflowUrl } from '../../config';
import { flowRow, latestVersion } from './flows';

const recentRunsInput = z.object({ limit: z.number().int().min(1).max(200).default(25) }).default({ limit: 25 });

export const overviewRouter = router({
  flows: procedure(EVERYONE).query(async ({ ctx }) => {
    const flows = await ctx.prisma.flow.findMany({
      where: { status: { not: 'archived' } },
      orderBy: { updatedAt: 'desc' },
      // Customer runs only: test runs never count.
      include: { ...latestVersion, _count: { select: { runs: { where: { testMode: null } } } } },
    });
    return flows.map((flow) => ({ ...flowRow(flow), runCount: flow._count.runs }));
  }),

  recentRuns: procedure(EVERYONE).input(recentRunsInput).query(async ({ ctx, input }) => {
    const runs = await ctx.prisma.run.findMany({
      orderBy: { createdAt: 'desc' },
      take: input.limit,
      include: { flow: { select: { name: true } }, customer: { select: { externalId: true } }, event: { select: { type: true } } },
    });
    return runs.map((run) => ({
      id: run.id,
      workflowId: run.workflowId,
      flowId: run.flowId,
      flowName: run.flow.name,
      customerId: run.customer.externalId,
      eventId: run.eventId,
      eventType: run.event.type,
      status: run.status,
      testMode: run.testMode as 'live' | 'dry' | null,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      temporalUrl: temporalWorkflowUrl(run.workflowId),
    }));
  }),
});
