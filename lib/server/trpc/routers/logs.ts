import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure, router } from '../init';
import { EVERYONE, INTEGRATION_ACCESS } from '../../../domain/access/roles';
import { logPageSchema } from '../../../domain/logs/filters';
import { COUNT_RANGES } from '../../../domain/logs/counts';
import { attemptsSharing, BadCursorError, getLogEntry, listLogs, oldestAttempt } from '../../logs/query';
import { cannotResend, ORIGINAL_SELECT, resendAttempt, ResendRefusedError } from '../../logs/resend';
import { stepCounts } from '../../logs/counts';
import { listRefused } from '../../events/refused';
import { loadSettings, temporalWorkflowUrl } from '../../config';

export const logsRouter = router({
  /** A page of the webhook log, newest first, under the Logs page's filters. */
  list: procedure(EVERYONE).input(logPageSchema).query(async ({ ctx, input }) => {
    try {
      return await listLogs(ctx.prisma, input);
    } catch (error) {
      if (error instanceof BadCursorError) throw new TRPCError({ code: 'BAD_REQUEST', message: error.message });
      throw error;
    }
  }),

  /** One attempt for the detail panel: request and response, its step's other attempts, links, and whether this user may resend it. */
  get: procedure(EVERYONE).input(z.object({ id: z.string().min(1) })).query(async ({ ctx, input }) => {
    const entry = await getLogEntry(ctx.prisma, input.id);
    if (!entry) throw new TRPCError({ code: 'NOT_FOUND', message: 'This attempt is no longer in the log (older attempts are deleted after the retention period)' });
    // A resend has no run of its own: it links to the run of the attempt it resent.
    const runId = entry.runId ?? (entry.resendOfId ? (await ctx.prisma.webhookAttempt.findUnique({ where: { id: entry.resendOfId }, select: { runId: true } }))?.runId : null) ?? null;
    const [chain, original, run] = await Promise.all([
      entry.transactionalId ? attemptsSharing(ctx.prisma, entry.transactionalId) : Promise.resolve([entry]),
      ctx.prisma.webhookAttempt.findUniqueOrThrow({ where: { id: input.id }, select: ORIGINAL_SELECT }),
      runId ? ctx.prisma.run.findUnique({ where: { id: runId }, select: { workflowId: true } }) : Promise.resolve(null),
    ]);
    return {
      entry,
      chain,
      resendBlocked: await cannotResend(ctx.prisma, ctx.user.role, original),
      links: {
        run: run ? `/runs/${runId}` : null,
        flow: entry.flow ? `/flows/${entry.flow.id}` : null,
        webhook: `/webhooks/${entry.webhook.id}`,
        temporal: run ? temporalWorkflowUrl(run.workflowId) : null,
      },
    };
  }),

  /** Sends an attempt again, re-rendered from its recorded context; recorded as a manual resend by this user. */
  resend: procedure(INTEGRATION_ACCESS).input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    try {
      return await resendAttempt({ prisma: ctx.prisma, secretKey: ctx.secretKey }, input.id, { id: ctx.user.id, email: ctx.user.email, role: ctx.user.role });
    } catch (error) {
      if (error instanceof ResendRefusedError) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message });
      throw error;
    }
  }),

  /** Messages the Segment-compatible API refused while taking the rest of their batch, newest first. */
  refused: procedure(EVERYONE)
    .input(z.object({ cursor: z.string().min(1).optional(), limit: z.number().int().min(1).max(100).default(50) }))
    .query(({ ctx, input }) => listRefused(ctx.prisma, input)),

  /** How far back the log goes. */
  retention: procedure(EVERYONE).query(async ({ ctx }) => {
    const oldest = await oldestAttempt(ctx.prisma);
    return { days: loadSettings().HOOKFLOW_LOG_RETENTION_DAYS, oldest: oldest?.toISOString() ?? null };
  }),

  /** Per-step counts of a flow's finished runs, for the canvas. */
  stepCounts: procedure(EVERYONE)
    .input(z.object({ flowId: z.string().min(1), range: z.enum(COUNT_RANGES) }))
    .query(({ ctx, input }) => stepCounts(ctx.prisma, input.flowId, input.range)),
});
