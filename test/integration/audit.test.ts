/**
 * The audit trail and session revocation, through the same tRPC procedures the browser calls, on a real
 * SQLite database: each change writes its row in its own transaction, a refused change writes neither, secret
 * values never reach a row, admins read it with filters, and an admin can end someone's sessions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env';
import { callerFor, userWithRole } from '../support/trpc';
import { linearGraph } from '../support/factory';
import { createSession, readSession } from '../../lib/server/auth/session';
import { createCallerFactory } from '../../lib/server/trpc/init';
import { appRouter } from '../../lib/server/trpc/router';
import { createApiKey, revokeApiKey } from '../../lib/server/auth/api-keys';

const ROOT = path.resolve(import.meta.dirname, '../..');
let env: TestEnv;
let admin: Awaited<ReturnType<typeof userWithRole>>;
let developer: Awaited<ReturnType<typeof userWithRole>>;
let marketer: Awaited<ReturnType<typeof userWithRole>>;
const as = (user: { id: string; email: string; name: string; role: string }) => callerFor(env.prisma, user);

beforeAll(async () => {
  env = await createTestEnv('audit');
  [admin, developer, marketer] = await Promise.all([userWithRole(env.prisma, 'admin'), userWithRole(env.prisma, 'developer'), userWithRole(env.prisma, 'marketer')]);
});

afterAll(async () => {
  await env?.close();
});

const rowsFor = (entityId: string) => env.prisma.auditEvent.findMany({ where: { entityId }, orderBy: { at: 'asc' } });

let trailMade: Promise<void> | undefined;
/** Changes of every kind, made once per file for the tests that read the trail, so that they also run alone. */
function someTrail(): Promise<void> {
  trailMade ??= (async () => {
    const dev = as(developer);
    const m = as(marketer);
    const { id: integrationId } = await dev.integrations.create({ name: 'Trail CRM', rootUrl: 'https://trail.example', rateLimitPerSecond: null, headers: [] });
    const { id: webhookId } = await dev.webhooks.create({ integrationId, name: 'Trail tag', systemName: 'trail_tag', description: '', method: 'POST', path: '/tag', headers: [], bodyTemplate: '{}' });
    const { id } = await m.flows.create({ name: 'Trail', triggerEventType: 'trail.signed_up' });
    await m.flows.rename({ id, name: 'Trail series' });
    await m.flows.saveDraft({ id, graph: linearGraph('trail.signed_up', [webhookId]), validate: false });
    await m.flows.publish({ id });
    await m.flows.pause({ id });
    await m.flows.resume({ id });
    const { id: keyId } = await dev.apiKeys.create({ name: 'Trail key', scopes: ['logs:read'] });
    await dev.apiKeys.revoke({ id: keyId });
    await as(admin).users.invite({ email: 'trail@example.com', name: '', role: 'marketer' });
  })();
  return trailMade;
}

describe('integrations', () => {
  it('create, update and delete each write a row naming who and what; a changed secret reads "changed" and its value is nowhere', async () => {
    const dev = as(developer);
    const { id } = await dev.integrations.create({
      name: 'Helpdesk',
      rootUrl: 'https://helpdesk.example',
      rateLimitPerSecond: null,
      headers: [
        { name: 'Authorization', value: 'Bearer first-secret-value', secret: true },
        { name: 'X-Env', value: 'staging', secret: false },
      ],
    });
    const stored = await dev.integrations.get({ id });
    await dev.integrations.update({
      id,
      data: {
        name: 'Helpdesk EU',
        rootUrl: 'https://eu.helpdesk.example',
        rateLimitPerSecond: 5,
        headers: [
          { id: stored.headers[0]!.id, name: 'Authorization', value: 'Bearer second-secret-value', secret: true },
          { name: 'X-Team', value: 'care', secret: false },
        ],
      },
    });
    // An update that keeps the secret (the browser sends null) does not say it changed.
    const kept = await dev.integrations.get({ id });
    await dev.integrations.update({ id, data: { name: 'Helpdesk EU', rootUrl: 'https://eu.helpdesk.example', rateLimitPerSecond: 5, headers: kept.headers.map((h) => ({ id: h.id, name: h.name, value: h.secret ? null : h.value, secret: h.secret })) } });
    await dev.integrations.delete({ id });

    const rows = await rowsFor(id);
    expect(rows.map((r) => r.action)).toEqual(['integration.create', 'integration.update', 'integration.update', 'integration.delete']);
    expect(rows.every((r) => r.actorId === developer.id && r.actorLabel === `user ${developer.email}`)).toBe(true);
    expect(rows[0]!.details).toMatchObject({ headers: ['secret header Authorization added', 'header X-Env added'] });
    expect(rows[1]!.details).toEqual({
      fields: {
        name: { from: 'Helpdesk', to: 'Helpdesk EU' },
        rootUrl: { from: 'https://helpdesk.example', to: 'https://eu.helpdesk.example' },
        rateLimitPerSecond: { from: null, to: 5 },
      },
      headers: ['secret header Authorization changed', 'header X-Team added', 'header X-Env removed'],
    });
    expect(rows[2]!.details).toEqual({ fields: {}, headers: [] });
    expect(rows[3]).toMatchObject({ entityName: 'Helpdesk EU' });
    const everything = JSON.stringify(await env.prisma.auditEvent.findMany());
    expect(everything).not.toContain('first-secret-value');
    expect(everything).not.toContain('second-secret-value');
  });

  it('turning signing on, rotating and off are recorded without the signing secret', async () => {
    const dev = as(developer);
    const { id } = await dev.integrations.create({ name: 'Signed', rootUrl: 'https://signed.example', rateLimitPerSecond: null, headers: [] });
    const { secret } = await dev.integrations.enableSigning({ id });
    const rotated = await dev.integrations.rotateSigningSecret({ id });
    await dev.integrations.disableSigning({ id });
    const rows = await rowsFor(id);
    expect(rows.map((r) => r.action)).toEqual(['integration.create', 'integration.signing.enable', 'integration.signing.rotate', 'integration.signing.disable']);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(secret.slice(6));
    expect(text).not.toContain(rotated.secret.slice(6));
  });
});

describe('a refused change writes no row, and a row is never without its change', () => {
  it('a duplicate system name leaves neither the second webhook nor a row for it', async () => {
    const dev = as(developer);
    const { id: integrationId } = await dev.integrations.create({ name: 'Warehouse', rootUrl: 'https://warehouse.example', rateLimitPerSecond: null, headers: [] });
    const webhook = { integrationId, name: 'Reserve stock', systemName: 'reserve_stock_audit', description: '', method: 'POST' as const, path: '/reserve', headers: [], bodyTemplate: '{}' };
    const { id } = await dev.webhooks.create(webhook);
    const before = await env.prisma.auditEvent.count();
    await expect(dev.webhooks.create({ ...webhook, name: 'Again' })).rejects.toThrow(/already used/);
    expect(await env.prisma.auditEvent.count()).toBe(before);
    expect(await env.prisma.webhook.count({ where: { name: 'Again' } })).toBe(0);

    await dev.webhooks.update({ id, data: { ...webhook, path: '/reserve/v2' } });
    const { id: copyId } = await dev.webhooks.copy({ id });
    await dev.webhooks.delete({ id: copyId });
    expect((await rowsFor(id)).map((r) => [r.action, r.details])).toEqual([
      ['webhook.create', { name: 'Reserve stock', method: 'POST', path: '/reserve', integrationId }],
      ['webhook.update', { fields: { path: { from: '/reserve', to: '/reserve/v2' } } }],
    ]);
    expect((await rowsFor(copyId)).map((r) => r.action)).toEqual(['webhook.copy', 'webhook.delete']);
  });

  it('a write from another request while an audited change is open is kept when that change rolls back', async () => {
    // The SQLite adapter shares one connection: without the wait, this insert would run inside the open
    // transaction and vanish with its rollback.
    const other = await env.prisma.flow.create({ data: { name: 'another request', triggerEventType: 'x.y', draftGraph: {} } });
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const slow = env.prisma.$transaction(async (tx) => {
      await tx.flow.create({ data: { name: 'rolled back', triggerEventType: 'x.y', draftGraph: {} } });
      opened();
      await new Promise((resolve) => setTimeout(resolve, 200));
      throw new Error('refused');
    });
    await open;
    // Another request reads and writes while the transaction is open: it must neither see its rows nor be rolled back with it.
    expect(await env.prisma.flow.count({ where: { name: 'rolled back' } })).toBe(0);
    const outside = env.prisma.flow.update({ where: { id: other.id }, data: { name: 'kept while another rolled back' } });
    await expect(slow).rejects.toThrow('refused');
    await outside;
    expect(await env.prisma.flow.count({ where: { name: 'kept while another rolled back' } })).toBe(1);
    expect(await env.prisma.flow.count({ where: { name: 'rolled back' } })).toBe(0);
  });
});

describe('flows', () => {
  it('create, rename, draft saves (one row per burst of autosaves), publish, pause, resume and archive', async () => {
    const m = as(marketer);
    const dev = as(developer);
    const { id: integrationId } = await dev.integrations.create({ name: 'CRM', rootUrl: 'https://crm.example', rateLimitPerSecond: null, headers: [] });
    const { id: webhookId } = await dev.webhooks.create({ integrationId, name: 'Tag', systemName: 'tag_customer_audit', description: '', method: 'POST', path: '/tag', headers: [], bodyTemplate: '{}' });
    const { id } = await m.flows.create({ name: 'Welcome', triggerEventType: 'customer.signed_up' });
    await m.flows.rename({ id, name: 'Welcome series' });
    const graph = linearGraph('customer.signed_up', [webhookId]);
    for (let i = 0; i < 3; i++) await m.flows.saveDraft({ id, graph, validate: false });
    expect(await m.flows.publish({ id })).toMatchObject({ ok: true, version: 1 });
    await m.flows.saveDraft({ id, graph, validate: false });
    await m.flows.pause({ id });
    await m.flows.resume({ id });
    await m.flows.archive({ id });
    const rows = await rowsFor(id);
    expect(rows.map((r) => r.action)).toEqual(['flow.create', 'flow.rename', 'flow.draft', 'flow.publish', 'flow.draft', 'flow.pause', 'flow.resume', 'flow.archive']);
    expect(rows[2]!.details).toMatchObject({ saves: 3, nodes: 2 });
    expect(rows[3]!.details).toEqual({ version: 1 });
    expect(rows.every((r) => r.actorLabel === `user ${marketer.email}`)).toBe(true);
  });

  it('a flows-as-code import writes one row listing what it changed; a dry run writes none', async () => {
    const document = readFileSync(path.join(ROOT, 'examples/order-follow-up.json'), 'utf8');
    const dev = as(developer);
    const before = await env.prisma.auditEvent.count({ where: { action: 'flows.import' } });
    await dev.flowsAsCode.import({ document, publish: true, dryRun: true, secrets: { HELPDESK_AUTHORIZATION: 'Bearer imported-secret' } });
    expect(await env.prisma.auditEvent.count({ where: { action: 'flows.import' } })).toBe(before);
    await dev.flowsAsCode.import({ document, publish: true, secrets: { HELPDESK_AUTHORIZATION: 'Bearer imported-secret' } });
    const row = await env.prisma.auditEvent.findFirstOrThrow({ where: { action: 'flows.import' }, orderBy: { at: 'desc' } });
    expect(row.entityName).toMatch(/created/);
    expect((row.details as { changes: { kind: string }[] }).changes.map((c) => c.kind)).toEqual(expect.arrayContaining(['integration', 'webhook', 'flow']));
    expect(JSON.stringify(row)).not.toContain('imported-secret');
  });
});

describe('users and sessions', () => {
  it('invites, role changes and disabling are recorded; revoking ends every session of the user but not your own', async () => {
    const a = as(admin);
    await a.users.invite({ email: 'new.person@example.com', name: 'New', role: 'marketer' });
    const invited = await env.prisma.user.findUniqueOrThrow({ where: { email: 'new.person@example.com' } });
    await a.users.updateRole({ id: invited.id, role: 'developer' });

    const target = await userWithRole(env.prisma, 'developer');
    const laptop = await createSession(env.prisma, target.id);
    const phone = await createSession(env.prisma, target.id);
    expect(await a.users.revokeSessions({ id: target.id })).toEqual({ sessionsEnded: 2 });
    expect(await readSession(env.prisma, laptop.token)).toBeNull();
    expect(await readSession(env.prisma, phone.token)).toBeNull();

    // Your own: the session you click from stays, the others end.
    const mine = await createSession(env.prisma, admin.id);
    const other = await createSession(env.prisma, admin.id);
    const current = (await readSession(env.prisma, mine.token))!;
    const fromMine = createCallerFactory(appRouter)({ prisma: env.prisma, session: current, csrfHeader: current.csrfToken, secretKey: env.secretKey });
    expect(await fromMine.users.revokeSessions({ id: admin.id })).toEqual({ sessionsEnded: 1 });
    expect(await readSession(env.prisma, mine.token)).not.toBeNull();
    expect(await readSession(env.prisma, other.token)).toBeNull();

    await a.users.setDisabled({ id: target.id, disabled: true });
    await a.users.setDisabled({ id: target.id, disabled: false });
    expect((await rowsFor(invited.id)).map((r) => [r.action, r.details])).toEqual([
      ['user.invite', { role: 'marketer', renewed: false }],
      ['user.role', { role: { from: 'marketer', to: 'developer' } }],
    ]);
    expect((await rowsFor(target.id)).map((r) => r.action)).toEqual(['user.revoke-sessions', 'user.disable', 'user.enable']);
  });

  it('only admins can revoke sessions or read the trail', async () => {
    await expect(as(developer).users.revokeSessions({ id: marketer.id })).rejects.toThrow(/cannot do this/);
    await expect(as(developer).audit.list({})).rejects.toThrow(/cannot do this/);
    await expect(as(marketer).audit.list({})).rejects.toThrow(/cannot do this/);
  });
});

describe('reading the trail', () => {
  beforeAll(() => someTrail());

  it('filters by action, kind, who, name and time, newest first, in pages', async () => {
    const a = as(admin);
    const all = await a.audit.list({ limit: 200 });
    expect(all.events.length).toBeGreaterThan(10);
    const times = all.events.map((e) => new Date(e.at).getTime());
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    const publishes = await a.audit.list({ action: 'flow.publish' });
    expect(publishes.events.length).toBeGreaterThan(0);
    expect(publishes.events.every((e) => e.action === 'flow.publish')).toBe(true);
    expect((await a.audit.list({ entityType: 'user' })).events.every((e) => e.entityType === 'user')).toBe(true);
    const byMarketer = await a.audit.list({ actor: marketer.email });
    expect(byMarketer.events.length).toBeGreaterThan(0);
    expect(byMarketer.events.every((e) => e.actorLabel === `user ${marketer.email}`)).toBe(true);
    const named = await a.audit.list({ search: 'Trail series' });
    expect(named.events.length).toBeGreaterThan(0);
    expect(named.events.every((e) => e.entityName === 'Trail series')).toBe(true);
    expect((await a.audit.list({ to: new Date(Date.now() - 86_400_000) })).events).toEqual([]);
    expect((await a.audit.list({ from: new Date(Date.now() - 3_600_000) })).events.length).toBe(Math.min(50, all.events.length));

    const first = await a.audit.list({ limit: 3 });
    const second = await a.audit.list({ limit: 3, cursor: first.nextCursor });
    expect([...first.events, ...second.events].map((e) => e.id)).toEqual(all.events.slice(0, 6).map((e) => e.id));
  });

  it('a filter value outside the lists is refused with a message', async () => {
    await expect(as(admin).audit.list({ action: 'integration.explode' as never })).rejects.toThrow(/Invalid option/);
  });
});

describe('GET /api/audit', () => {
  let audit: (request: Request) => Promise<Response>;
  const get = (query: string, key?: string) => audit(new Request(`http://localhost/api/audit${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }));

  beforeAll(async () => {
    process.env.DATABASE_URL = env.databaseUrl;
    ({ GET: audit } = await import('../../app/api/audit/route'));
    await someTrail();
  });

  it('answers with the trail to a key with audit:read, filtered and in pages; other keys and no key are refused', async () => {
    const { key } = await createApiKey(env.prisma, { name: 'siem export', scopes: ['audit:read'] });
    const { key: logsOnly } = await createApiKey(env.prisma, { name: 'logs only', scopes: ['logs:read'] });
    const { key: revoked, apiKey } = await createApiKey(env.prisma, { name: 'old', scopes: ['audit:read'] });
    await revokeApiKey(env.prisma, apiKey.id);

    const all = await get('?limit=200', key);
    expect(all.status).toBe(200);
    const body = (await all.json()) as { events: { action: string; at: string; actorLabel: string }[]; nextCursor: string | null };
    expect(body.events.length).toBeGreaterThan(10);
    expect(body.events.map((e) => e.action)).toEqual(expect.arrayContaining(['integration.create', 'flow.publish', 'apikey.create', 'apikey.revoke']));
    expect(body.events[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const publishes = (await (await get('?action=flow.publish', key)).json()) as { events: { action: string }[] };
    expect(publishes.events.length).toBeGreaterThan(0);
    expect(publishes.events.every((e) => e.action === 'flow.publish')).toBe(true);

    const first = await get('?limit=2', key);
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    const second = (await (await get(`?limit=2&cursor=${cursor}`, key)).json()) as { events: { id: string }[] };
    expect(second.events.map((e) => e.id)).toEqual((body.events as unknown as { id: string }[]).slice(2, 4).map((e) => e.id));

    expect((await get('', logsOnly)).status).toBe(403);
    expect((await get('', revoked)).status).toBe(401);
    expect((await get('')).status).toBe(401);
  });

  it('refuses a filter it does not know, a value outside the lists and a made-up cursor, saying which', async () => {
    const { key } = await createApiKey(env.prisma, { name: 'checker', scopes: ['audit:read'] });
    const unknown = await get('?who=ann', key);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toMatch(/Unknown parameter who/);
    const bad = await get('?action=integration.explode', key);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/^action:/);
    const cursor = await get('?cursor=nope', key);
    expect(cursor.status).toBe(400);
    expect((await cursor.json()).message).toMatch(/^cursor:/);
  });
});

