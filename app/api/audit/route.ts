/** GET /api/audit: the audit trail for other tools (docs/security.md), with an API key that has the audit:read scope. */
import { db } from '@/lib/server/db';
import { checkApiKey } from '@/lib/server/auth/api-keys';
import { listAudit } from '@/lib/server/audit';
import { auditQuerySchema } from '@/lib/domain/audit/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

const KNOWN = new Set(Object.keys(auditQuerySchema.shape));

export async function GET(request: Request): Promise<Response> {
  const prisma = db();
  const auth = await checkApiKey(prisma, request.headers.get('authorization'), 'audit:read');
  if (!auth.ok) {
    return json(auth.status, { error: auth.status === 401 ? 'unauthorized' : 'forbidden', message: auth.message }, auth.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
  }
  const params = new URL(request.url).searchParams;
  const unknown = [...params.keys()].filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) return json(400, { error: 'invalid_query', message: `Unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the filters are ${[...KNOWN].join(', ')}` });
  const parsed = auditQuerySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return json(400, { error: 'invalid_query', message: `${issue.path.join('.')}: ${issue.message}` });
  }
  const { limit, cursor, ...filter } = parsed.data;
  const row = cursor ? await prisma.auditEvent.findUnique({ where: { id: cursor }, select: { id: true } }) : null;
  if (cursor && !row) return json(400, { error: 'invalid_query', message: 'cursor: not a cursor this API made (use nextCursor of the previous page)' });
  const page = await listAudit(prisma, filter, { limit, cursor });
  return json(200, { events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextCursor }, page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {});
}
