/**
 * Sign-in throttling, through the real login route on a real database: a few free failures per account,
 * then an exponential wait that even the right password cannot skip, per account and per client address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { hashPassword } from '../../lib/server/auth/password';

let env: TestEnv;
let login: (request: Request) => Promise<Response>;

beforeAll(async () => {
  env = await createTestEnv('sign-in');
  process.env.DATABASE_URL = env.databaseUrl;
  ({ POST: login } = await import('../../app/api/auth/login/route'));
});

afterAll(async () => {
  await env?.close();
});

const attempt = (email: string, password: string, ip = '203.0.113.7') =>
  login(new Request('http://localhost/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) }));

async function user(email: string) {
  await env.prisma.user.create({ data: { email, name: email, role: 'marketer', passwordHash: await hashPassword('right-password-123') } });
}

describe('sign-in throttling', () => {
  it('after five wrong passwords and one more, even the right password waits, with Retry-After and a message saying how long', async () => {
    await user('throttled@example.com');
    for (let i = 0; i < 6; i++) expect((await attempt('throttled@example.com', 'wrong')).status).toBe(401);
    const refused = await attempt('throttled@example.com', 'right-password-123');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused.json()).message).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds\.$/);
    expect(await env.prisma.session.count({ where: { user: { email: 'throttled@example.com' } } })).toBe(0);
  });

  it('the wait doubles with each further failure, and once it has passed the right password signs in and clears the count', async () => {
    await user('backoff@example.com');
    for (let i = 0; i < 8; i++) {
      await env.prisma.signInThrottle.updateMany({ data: { blockedUntil: null } });
      await attempt('backoff@example.com', 'wrong');
    }
    const row = await env.prisma.signInThrottle.findUnique({ where: { key: 'account:backoff@example.com' } });
    expect(row!.failures).toBe(8);
    // failures 6, 7, 8 → 1 s, 2 s, 4 s
    expect(row!.blockedUntil!.getTime() - row!.lastFailedAt.getTime()).toBe(4000);

    await env.prisma.signInThrottle.updateMany({ data: { blockedUntil: new Date(Date.now() - 1) } });
    const signedIn = await attempt('backoff@example.com', 'right-password-123');
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.getSetCookie().some((c) => c.startsWith('hookflow_session='))).toBe(true);
    expect(await env.prisma.signInThrottle.findUnique({ where: { key: 'account:backoff@example.com' } })).toBeNull();
  });

  it('one address guessing across many accounts is slowed too, while another address is not', async () => {
    await user('victim@example.com');
    for (let i = 0; i < 21; i++) expect((await attempt(`nobody-${i}@example.com`, 'wrong', '198.51.100.9')).status).toBe(401);
    expect((await attempt('victim@example.com', 'right-password-123', '198.51.100.9')).status).toBe(429);
    expect((await attempt('victim@example.com', 'right-password-123', '198.51.100.10')).status).toBe(200);
  });

  it('an unknown email costs the same as a wrong password: both count and both answer 401', async () => {
    expect((await attempt('ghost@example.com', 'whatever', '192.0.2.50')).status).toBe(401);
    expect((await env.prisma.signInThrottle.findUnique({ where: { key: 'account:ghost@example.com' } }))?.failures).toBe(1);
  });
});
