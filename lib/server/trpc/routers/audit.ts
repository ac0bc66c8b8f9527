import { z } from 'zod';
import { procedure, router } from '../init';
import { ADMINS } from '../../../domain/access/roles';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../../../domain/audit/changes';
import { listAudit } from '../../audit';

/** What the Audit page and GET /api/audit filter on. */
const auditFilterInput = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  entityType: z.enum(AUDIT_ENTITY_TYPES).optional(),
  actor: z.string().trim().max(200).optional(),
  entityId: z.string().trim().max(200).optional(),
  search: z.string().trim().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().nullish(),
});

/** The audit trail, read-only: there is no procedure that changes or deletes it. */
export const auditRouter = router({
  list: procedure(ADMINS)
    .input(auditFilterInput)
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filter } = input;
      return listAudit(ctx.prisma, filter, { limit, cursor });
    }),
});
