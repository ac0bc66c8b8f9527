/** Flows as code in the app: the same export and import as `npm run hookflow`, for integration access only. */
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { userActor } from '../../audit';
import { procedure, router } from '../init';
import { INTEGRATION_ACCESS } from '../../../domain/access/roles';
import { secretEnvName } from '../../flows-as-code/document';
import { documentText, exportDocument } from '../../flows-as-code/export';
import { importDocument } from '../../flows-as-code/import';
import { FlowsAsCodeError } from '../../flows-as-code/problems';

const importInput = z.object({
  /** the document as text, so "not JSON" is reported like every other problem */
  document: z.string().max(5_000_000),
  publish: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  /** secret values typed in the page, by secretRef; blank ones fall back to the server's HOOKFLOW_SECRET_<REF> */
  secrets: z.record(z.string().max(100), z.string().max(8000)).default({}),
});

export const flowsAsCodeRouter = router({
  export: procedure(INTEGRATION_ACCESS).query(async ({ ctx }) => {
    try {
      const { document, warnings } = await exportDocument(ctx.prisma);
      return { text: documentText(document), warnings };
    } catch (error) {
      if (error instanceof FlowsAsCodeError) throw new TRPCError({ code: 'CONFLICT', message: error.message });
      throw error;
    }
  }),

  /** Answers the changes, or every problem with its JSON path; a refused document writes nothing. */
  import: procedure(INTEGRATION_ACCESS)
    .input(importInput)
    .mutation(({ ctx, input }) =>
      importDocument(ctx.prisma, input.document, {
        publish: input.publish,
        dryRun: input.dryRun,
        secret: (ref) => input.secrets[ref] || process.env[secretEnvName(ref)],
        secretSource: (ref) => (input.secrets[ref] ? 'the value typed on the import page' : `the server's ${secretEnvName(ref)}`),
        secretKey: ctx.secretKey,
        publishedById: ctx.user.id,
        actor: userActor(ctx.user),
      }),
    ),
});
