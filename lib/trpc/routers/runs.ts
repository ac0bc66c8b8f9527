import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure, router } from '../init';
import { EVERYONE } from '../../auth/roles';
import { temporalWorkflowUrl } from '../../config';

export const runsRouter = router({
  /** One run with every request and response it made (secrets were masked when recorded). */
  get: procedure(EVERYONE).input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
    const run = await ctx.prisma.run.findUnique({
      where: { id: input.id },
      include: { flow: { select: { name: true } }, flowVersion: { select: { version: true } }, event: true, customer: true, attempts: { orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }] } },
    });
    if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: 'This run no longer exists' });
    return { ...run, temporalUrl: temporalWorkflowUrl(run.workflowId) };
  }),
});
