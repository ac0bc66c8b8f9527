/** GET /api/logs: the webhook log for other tools (docs/logs.md), with an API key that has the logs:read scope. */
import { db } from '@/lib/server/db';
import { timedRoute } from '@/lib/server/metrics';
import { BadCursorError, listLogs } from '@/lib/server/logs/query';
import { apiJson, parseQuery, refuseWithoutScope } from '@/lib/server/api/http';
import { logPageSchema } from '@/lib/domain/logs/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = timedRoute('/api/logs', async (request: Request): Promise<Response> => {
  const prisma = db();
  const refused = await refuseWithoutScope(request.headers.get('authorization'), 'logs:read', prisma);
  if (refused) return refused;
  const parsed = parseQuery(request, logPageSchema);
  if (!parsed.ok) return parsed.response;
  let page;
  try {
    page = await listLogs(prisma, parsed.data, true);
  } catch (error) {
    if (error instanceof BadCursorError) return apiJson(400, { error: 'invalid_query', message: error.message });
    throw error;
  }
  const next: Record<string, string> = page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {};
  if ((request.headers.get('accept') ?? '').includes('application/x-ndjson')) {
    // One attempt per line; the cursor of the next page is in the X-Next-Cursor header.
    const body = page.rows.map((row) => JSON.stringify(row)).join('\n');
    return new Response(body ? `${body}\n` : '', { status: 200, headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', ...next } });
  }
  return apiJson(200, { logs: page.rows, nextCursor: page.nextCursor }, next);
});
