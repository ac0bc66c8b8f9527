/** The audit trail's filters and answer, shared by the Audit page (tRPC) and GET /api/audit (docs/security.md). */
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from './changes';

export const auditQuerySchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional().describe('one action, e.g. integration.update'),
  entityType: z.enum(AUDIT_ENTITY_TYPES).optional().describe('what kind of thing changed'),
  actor: z.string().trim().max(200).optional().describe('part of who did it: "ann@", "api key", "cli"'),
  entityId: z.string().trim().max(200).optional().describe('the id of the thing that changed'),
  search: z.string().trim().max(200).optional().describe('part of the name of the thing that changed'),
  from: z.coerce.date().optional().describe('at or after this time (ISO 8601)'),
  to: z.coerce.date().optional().describe('at or before this time (ISO 8601)'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('rows per page, at most 200'),
  cursor: z.string().nullish().describe('nextCursor of the previous page'),
});

export const auditEventSchema = z.object({
  id: z.string(),
  at: z.string().describe('ISO 8601'),
  actorId: z.string().nullable().describe('the user, or null for the CLI, an API key or the system'),
  actorLabel: z.string().describe('e.g. "user ann@example.com", "cli (deploy)"'),
  action: z.enum(AUDIT_ACTIONS),
  entityType: z.enum(AUDIT_ENTITY_TYPES),
  entityId: z.string().nullable(),
  entityName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).describe('what changed: fields as { from, to }, headers in words; never a secret value'),
});

export const auditResponseSchema = z.object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });
