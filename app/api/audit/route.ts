/** GET /api/audit: the audit trail for other tools (docs/security.md), with an API key that has the audit:read scope. */
import { db } from '@/lib/server/db';
import { timedRoute } from '@/lib/server/metrics';
import { listAudit } from '@/lib/server/audit';
import { apiJson, parseQuery, refuseWithoutScope } from '@/lib/server/api/http';
import { auditQuerySchema } from '@/lib/domain/audit/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = timedRoute('/api/audit', async (request: Request): Promise<Response> => {
  const prisma = db();
  const refused = await refuseWithoutScope(request.headers.get('authorization'), 'audit:read', prisma);
  if (refused) return refused;
  const query = parseQuery(request, auditQuerySchema);
  if (!query.ok) return query.response;
  const { limit, cursor, ...filter } = query.data;
  if (cursor && !(await prisma.auditEvent.findUnique({ where: { id: cursor }, select: { id: true } }))) {
    return apiJson(400, { error: 'invalid_query', message: 'cursor: not a cursor this API made (use nextCursor of the previous page)' });
  }
  const page = await listAudit(prisma, filter, { limit, cursor });
  return apiJson(200, { events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextCursor }, page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {});
});
