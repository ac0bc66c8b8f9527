import { z } from 'zod';
import { db } from '@/lib/server/db';
import { verifyPassword } from '@/lib/server/auth/password';
import { createSession, secureCookies, sessionCookies } from '@/lib/server/auth/session';
import { clearSignInFailures, clientAddress, recordSignInFailure, signInWaitMs } from '@/lib/server/auth/throttle';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const credentials = z.object({ email: z.string().trim().toLowerCase().min(1), password: z.string().min(1) });

export async function POST(request: Request): Promise<Response> {
  // JSON only: a cross-site HTML form cannot send it, which keeps login CSRF out.
  if (!request.headers.get('content-type')?.includes('application/json')) {
    return Response.json({ message: 'Send JSON' }, { status: 415 });
  }
  const parsed = credentials.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ message: 'Enter your email and password' }, { status: 400 });
  const prisma = db();
  const keys = { account: parsed.data.email, ip: clientAddress(request.headers) };
  const waitMs = await signInWaitMs(prisma, keys);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return Response.json(
      { message: `Too many failed sign-ins. Try again in ${seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.` },
      { status: 429, headers: { 'retry-after': String(seconds) } },
    );
  }
  const user = await prisma.user.findUnique({ where: { email: parsed.data.email } });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? null);
  if (!user || !ok || user.disabledAt) {
    await recordSignInFailure(prisma, keys);
    return Response.json({ message: 'Wrong email or password' }, { status: 401 });
  }
  await clearSignInFailures(prisma, keys);
  const { token, csrfToken, expiresAt } = await createSession(prisma, user.id);
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const cookie of sessionCookies(token, csrfToken, expiresAt, secureCookies(request))) headers.append('set-cookie', cookie);
  return new Response(JSON.stringify({ ok: true, role: user.role }), { status: 200, headers });
}
