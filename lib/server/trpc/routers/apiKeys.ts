import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure, router } from '../init';
import { INTEGRATION_ACCESS } from '../../../domain/access/roles';
import { API_SCOPE_NAMES, type ApiScope } from '../../../domain/access/api-scopes';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/api-keys';
import { userActor } from '../../audit';

/** Settings → API keys: admins and developers make keys (shown once) and revoke them. */
export const apiKeysRouter = router({
  list: procedure(INTEGRATION_ACCESS).query(({ ctx }) => listApiKeys(ctx.prisma)),

  create: procedure(INTEGRATION_ACCESS)
    .input(
      z.object({
        name: z.string().trim().min(1, 'Name the key after what will use it').max(100),
        scopes: z.array(z.enum(API_SCOPE_NAMES as [ApiScope, ...ApiScope[]])).min(1, 'Choose at least one scope'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { key, apiKey } = await createApiKey(ctx.prisma, { name: input.name, scopes: [...new Set(input.scopes)], createdBy: { id: ctx.user.id, email: ctx.user.email } }, userActor(ctx.user));
      return { key, id: apiKey.id, prefix: apiKey.prefix };
    }),

  revoke: procedure(INTEGRATION_ACCESS).input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    if (!(await revokeApiKey(ctx.prisma, input.id, userActor(ctx.user)))) throw new TRPCError({ code: 'NOT_FOUND', message: 'This API key does not exist' });
    return { ok: true as const };
  }),
});
