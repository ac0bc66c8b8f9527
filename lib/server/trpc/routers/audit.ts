import { procedure, router } from '../init';
import { ADMINS } from '../../../domain/access/roles';
import { auditQuerySchema } from '../../../domain/audit/filters';
import { listAudit } from '../../audit';

/** The audit trail, read-only: there is no procedure that changes or deletes it. */
export const auditRouter = router({
  list: procedure(ADMINS)
    .input(auditQuerySchema)
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filter } = input;
      return listAudit(ctx.prisma, filter, { limit, cursor });
    }),
});
