/**
 * The audit trail (docs/security.md): who created, changed or deleted what, written in the same transaction as
 * the change, so a change without its row (or a row without its change) cannot exist. Read-only: nothing
 * updates or deletes rows except the coalescing of one person's autosaves of one draft.
 */
import type { Prisma } from '../generated/prisma/client';
import type { AuditAction, AuditEntityType } from '../domain/audit/changes';

type Db = Prisma.TransactionClient;

export interface AuditActor {
  /** the user; null for the CLI, an API key or the system */
  id: string | null;
  /** what the Audit page shows: "user ann@example.com", "api key ci-export", "cli" */
  label: string;
}

export interface AuditEntry {
  action: AuditAction;
  entityType: AuditEntityType;
  entityId?: string | null;
  entityName?: string | null;
  details?: Record<string, unknown>;
}

export const userActor = (user: { id: string; email: string }): AuditActor => ({ id: user.id, label: `user ${user.email}` });

/** Autosave writes a draft every few seconds: one person's saves of one draft within this window are one row. */
const DRAFT_COALESCE_MS = 10 * 60_000;

export async function recordAudit(tx: Db, actor: AuditActor, entry: AuditEntry, now = new Date()): Promise<void> {
  const data = {
    at: now,
    actorId: actor.id,
    actorLabel: actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    entityName: entry.entityName ?? null,
    details: (entry.details ?? {}) as Prisma.InputJsonObject,
  };
  if (entry.action === 'flow.draft') {
    const recent = await tx.auditEvent.findFirst({
      where: { action: 'flow.draft', entityId: data.entityId, actorLabel: actor.label, at: { gte: new Date(now.getTime() - DRAFT_COALESCE_MS) } },
      orderBy: { at: 'desc' },
    });
    // Only when nothing else happened to the flow since, so the order of events stays true.
    const later = recent && (await tx.auditEvent.count({ where: { entityId: data.entityId, at: { gt: recent.at } } }));
    if (recent && !later) {
      const saves = Number((recent.details as { saves?: number }).saves ?? 1) + 1;
      await tx.auditEvent.update({ where: { id: recent.id }, data: { at: now, details: { ...data.details, saves } } });
      return;
    }
  }
  await tx.auditEvent.create({ data });
}

export interface AuditFilter {
  action?: string;
  entityType?: string;
  /** matches the actor's label ("ann@" finds "user ann@example.com") */
  actor?: string;
  entityId?: string;
  /** matches the entity's name */
  search?: string;
  from?: Date;
  to?: Date;
}

/** Newest first, in keyset pages: pass the last row's cursor for the next page. */
export async function listAudit(prisma: Db, filter: AuditFilter, page: { limit: number; cursor?: string | null }) {
  const where: Prisma.AuditEventWhereInput = {
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.actor ? { actorLabel: { contains: filter.actor } } : {}),
    ...(filter.search ? { entityName: { contains: filter.search } } : {}),
    ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) } } : {}),
  };
  const rows = await prisma.auditEvent.findMany({
    where,
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
    ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
  });
  const more = rows.length > page.limit;
  const events = rows.slice(0, page.limit);
  return { events, nextCursor: more ? events[events.length - 1]!.id : null };
}
