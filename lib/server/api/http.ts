/** What the HTTP API's routes share: JSON answers, API-key checks and query parsing with messages naming the problem. */
import type { z } from 'zod';
import { db, type PrismaClient } from '../db';
import { checkApiKey } from '../auth/api-keys';
import type { ApiScope } from '../../domain/access/api-scopes';

export const apiJson = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

/** null when `authorization` (an Authorization header's value) carries an API key with `scope`; else the 401 or 403 to answer. */
export async function refuseWithoutScope(authorization: string | null, scope: ApiScope, prisma: PrismaClient = db()): Promise<Response | null> {
  const auth = await checkApiKey(prisma, authorization, scope);
  if (auth.ok) return null;
  return apiJson(auth.status, { error: auth.status === 401 ? 'unauthorized' : 'forbidden', message: auth.message }, auth.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
}

/** The query string parsed by `schema`: an unknown parameter or a bad value is a 400 that names it. */
export function parseQuery<S extends z.ZodObject>(request: Request, schema: S): { ok: true; data: z.output<S> } | { ok: false; response: Response } {
  const params = new URL(request.url).searchParams;
  const known = Object.keys(schema.shape);
  const unknown = [...params.keys()].filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    return { ok: false, response: apiJson(400, { error: 'invalid_query', message: `Unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the filters are ${known.join(', ')}` }) };
  }
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, response: apiJson(400, { error: 'invalid_query', message: `${issue.path.join('.')}: ${issue.message}` }) };
  }
  return { ok: true, data: parsed.data };
}
