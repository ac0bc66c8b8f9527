/** GET /api/logs: the webhook log for other tools (docs/logs.md), with an API key that has the logs:read scope. */
import { db } from '@/lib/server/db';
import { checkApiKey } from '@/lib/server/auth/api-keys';
import { BadCursorError, listLogs } from '@/lib/server/logs/query';
import { logPageSchema, FILTER_KEYS } from '@/lib/domain/logs/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

const KNOWN = new Set<string>([...FILTER_KEYS, 'cursor', 'limit']);

export async function GET(request: Request): Promise<Response> {
  const prisma = db();
  const auth = await checkApiKey(prisma, request.headers.get('authorization'), 'logs:read');
  if (!auth.ok) {
    return json(auth.status, { error: auth.status === 401 ? 'unauthorized' : 'forbidden', message: auth.message }, auth.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
  }
  const params = new URL(request.url).searchParams;
  const unknown = [...params.keys()].filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) return json(400, { error: 'invalid_query', message: `Unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the filters are ${[...KNOWN].join(', ')}` });
  const parsed = logPageSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return json(400, { error: 'invalid_query', message: `${issue.path.join('.')}: ${issue.message}` });
  }
  let page;
  try {
    page = await listLogs(prisma, parsed.data, true);
  } catch (error) {
    if (error instanceof BadCursorError) return json(400, { error: 'invalid_query', message: error.message });
    throw error;
  }
  const next: Record<string, string> = page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {};
  if ((request.headers.get('accept') ?? '').includes('application/x-ndjson')) {
    // One attempt per line; the cursor of the next page is in the X-Next-Cursor header.
    const body = page.rows.map((row) => JSON.stringify(row)).join('\n');
    return new Response(body ? `${body}\n` : '', { status: 200, headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', ...next } });
  }
  return json(200, { logs: page.rows, nextCursor: page.nextCursor }, next);
}
