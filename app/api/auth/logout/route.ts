import { db } from '@/lib/server/db';
import { clearedCookies, csrfMatches, CSRF_HEADER, destroySession, parseCookies, readSession, SESSION_COOKIE } from '@/lib/server/auth/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const prisma = db();
  const token = parseCookies(request.headers.get('cookie'))[SESSION_COOKIE];
  const session = await readSession(prisma, token);
  if (session && !csrfMatches(session.csrfToken, request.headers.get(CSRF_HEADER))) {
    return Response.json({ message: 'Security token missing; reload the page' }, { status: 403 });
  }
  await destroySession(prisma, token);
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const cookie of clearedCookies()) headers.append('set-cookie', cookie);
  return new Response(JSON.stringify({ ok: true }), { status: 200, headers });
}
