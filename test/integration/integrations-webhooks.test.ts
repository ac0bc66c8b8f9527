/**
 * Integrations, webhooks, users and flows through their tRPC handlers on a real SQLite database, with a
 * real loopback receiver for test sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import path from 'node:path';
import { inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../lib/server/db';
import { callerFor, userWithRole } from '../support/trpc';
import { startReceiver, type Receiver } from '../../scripts/receiver';
import type { WebhookInput } from '../../lib/domain/schemas/webhook';
import { hashPassword, verifyPassword } from '../../lib/server/auth/password';
import { freePort } from '../../scripts/ports';
import type { FlowGraph } from '../../lib/domain/flow/graph';

let prisma: PrismaClient;
let receiver: Receiver;
let admin: ReturnType<typeof callerFor>;
let developer: ReturnType<typeof callerFor>;
let marketer: ReturnType<typeof callerFor>;
const SECRET = 'Bearer sk_live_TOPSECRET_12345';

beforeAll(async () => {
  const file = path.join(inject('scratchDir'), `handlers-${Date.now()}.db`);
  copyFileSync(inject('templateDatabase'), file);
  prisma = createPrismaClient(`file:${file}`);
  receiver = await startReceiver();
  admin = callerFor(prisma, await userWithRole(prisma, 'admin'));
  developer = callerFor(prisma, await userWithRole(prisma, 'developer'));
  marketer = callerFor(prisma, await userWithRole(prisma, 'marketer'));
});
afterAll(async () => {
  await receiver?.close();
  await prisma?.$disconnect();
});

const integrationData = (rootUrl: string) => ({
  name: 'Helpdesk',
  rootUrl,
  rateLimitPerSecond: 0.5,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  headers: [
    { name: 'Authorization', value: SECRET, secret: true },
    { name: 'Content-Type', value: 'application/json', secret: false },
    { name: 'X-Team', value: 'growth', secret: false },
  ],
});

const webhookData = (integrationId: string, patch: Partial<WebhookInput> = {}): WebhookInput => ({
  integrationId,
  name: 'Create ticket',
  systemName: 'create_ticket',
  description: '',
  method: 'POST',
  path: '/tickets',
  headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }],
  disabledHeaders: ['X-Team'],
  bodyTemplate: '{"email": "${Customer.Email}", "plan": "${Event.Data.plan}"}',
  captureEnabled: true,
  captureFields: [{ name: 'ticketId', path: '$.ticket.id' }],
  maxRetries: null,
  retryWindowSeconds: null,
  ...patch,
});

describe('integrations', () => {
  let integrationId: string;

  // Made here, not in the first test, so that every test below also runs alone.
  beforeAll(async () => {
    ({ id: integrationId } = await developer.integrations.create(integrationData(receiver.url)));
  });

  it('a developer creates one; the secret is encrypted at rest', async () => {
    const stored = await prisma.integrationHeader.findMany({ where: { integrationId } });
    expect(stored.find((h) => h.name === 'Authorization')!.value).not.toContain('TOPSECRET');
    expect(stored.find((h) => h.name === 'Content-Type')!.value).toBe('application/json');
  });

  it('developers and admins see secret values; marketers get a mask and never the value', async () => {
    const forDeveloper = await developer.integrations.get({ id: integrationId });
    expect(forDeveloper.headers.find((h) => h.name === 'Authorization')).toMatchObject({ value: SECRET, secret: true });
    const forMarketer = await marketer.integrations.get({ id: integrationId });
    expect(forMarketer.canEdit).toBe(false);
    expect(forMarketer.headers.find((h) => h.name === 'Authorization')).toMatchObject({ value: null, mask: '••••••••' });
    expect(JSON.stringify(forMarketer)).not.toContain('TOPSECRET');
    expect(JSON.stringify(await marketer.integrations.list())).not.toContain('TOPSECRET');
  });

  it('rejects a root URL that is not absolute http(s), with the field named', async () => {
    await expect(developer.integrations.create({ ...integrationData('ftp://files.example.com'), name: 'Bad' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('http or https') });
    await expect(developer.integrations.create({ ...integrationData('example.com/api'), name: 'Bad' })).rejects.toThrow(/absolute URL/);
  });

  it('rejects a zero or negative rate limit and duplicate header names', async () => {
    await expect(developer.integrations.create({ ...integrationData(receiver.url), rateLimitPerSecond: 0 })).rejects.toThrow(/positive/);
    await expect(
      developer.integrations.create({ ...integrationData(receiver.url), headers: [{ name: 'X-A', value: '1', secret: false }, { name: 'x-a', value: '2', secret: false }] }),
    ).rejects.toThrow(/listed twice/);
  });

  it('an update that leaves a secret value out keeps the stored one', async () => {
    const current = await developer.integrations.get({ id: integrationId });
    await developer.integrations.update({
      id: integrationId,
      data: { ...integrationData(receiver.url), name: 'Helpdesk EU', headers: current.headers.map((h) => ({ id: h.id, name: h.name, secret: h.secret, value: h.secret ? null : h.value! })) },
    });
    const after = await developer.integrations.get({ id: integrationId });
    expect(after.name).toBe('Helpdesk EU');
    expect(after.headers.find((h) => h.name === 'Authorization')!.value).toBe(SECRET);
  });

  it('a marketer cannot change it', async () => {
    await expect(marketer.integrations.update({ id: integrationId, data: integrationData(receiver.url) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  describe('webhooks', () => {
    let webhookId: string;

    beforeAll(async () => {
      ({ id: webhookId } = (await marketer.webhooks.create(webhookData(integrationId)))!);
    });

    it('a marketer creates a webhook on the integration', async () => {
      expect((await marketer.webhooks.get({ id: webhookId })).systemName).toBe('create_ticket');
    });

    it('refuses a duplicate system name with a clear error', async () => {
      await expect(marketer.webhooks.create(webhookData(integrationId, { name: 'Another' }))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('"create_ticket" is already used'),
      });
    });

    it.each([
      ['create-ticket', 'no dashes'],
      ['1ticket', 'starting with a letter'],
      ['', 'Enter a system name'],
    ])('refuses system name %j', async (systemName, message) => {
      await expect(marketer.webhooks.create(webhookData(integrationId, { systemName }))).rejects.toThrow(message);
    });

    it('suggests a free system name from the name', async () => {
      expect(await marketer.webhooks.suggestSystemName({ name: 'Create ticket' })).toEqual({ systemName: 'create_ticket_2' });
      expect(await marketer.webhooks.suggestSystemName({ name: 'Create ticket', excludeId: webhookId })).toEqual({ systemName: 'create_ticket' });
      expect(await marketer.webhooks.suggestSystemName({ name: 'Zoë’s 1st-order!' })).toEqual({ systemName: 'zoe_s_1st_order' });
    });

    it('refuses invalid templates, naming the field, before saving anything', async () => {
      const count = await prisma.webhook.count();
      await expect(marketer.webhooks.create(webhookData(integrationId, { systemName: 'bad_body', bodyTemplate: '{"a": {% if %}}' }))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('bodyTemplate'),
      });
      await expect(marketer.webhooks.create(webhookData(integrationId, { systemName: 'bad_json', bodyTemplate: '{"a": ${Customer.Email} "b": 1}' }))).rejects.toThrow(/not valid JSON/);
      await expect(marketer.webhooks.create(webhookData(integrationId, { systemName: 'bad_root', path: '/x/${Custome.Id}' }))).rejects.toThrow(/Unknown variable "Custome"/);
      expect(await prisma.webhook.count()).toBe(count);
    });

    it('check previews whatever is valid and names each problem in words, whatever else is wrong', async () => {
      const sample = { customer: { email: 'ada@example.com' }, event: { type: 'x', data: {} }, webhooks: {} };
      // A dashed system name, an unclosed tag in the body and a bad retry count: the URL, headers and rule still show.
      const check = await marketer.webhooks.check({
        webhook: { ...webhookData(integrationId), systemName: 'create-ticket', bodyTemplate: '{\n  "a": 1,\n  {% if Customer.Email %}\n  "b": 2 {% endif\n}', maxRetries: 7 },
        sample,
      });
      expect(check.fieldErrors.systemName).toEqual([expect.stringContaining('no dashes or spaces')]);
      expect(check.fieldErrors.bodyTemplate).toEqual([expect.stringMatching(/^Line 4, column 10: /)]);
      expect(check.fieldErrors.maxRetries).toEqual(['Retries: a whole number from 0 to 3']);
      expect(check.usesTransactionalId).toBe(true);
      expect(check.retryRule).toBe('retried up to 3 times within 6 minutes on 5xx/429');
      expect(check.preview).toMatchObject({ method: 'POST', url: `${receiver.url}/tickets`, body: null, incomplete: ['body'] });
      expect(check.preview!.headers.map((h) => h.name)).toContain('Idempotency-Key');
      // A body that renders to broken JSON is reported at the template line that produced it.
      const json = await marketer.webhooks.check({ webhook: { ...webhookData(integrationId), bodyTemplate: '{\n  "email": "${Customer.Email}"\n  "x": 1\n}' }, sample });
      expect(json.fieldErrors.bodyTemplate).toEqual([expect.stringMatching(/^Line 3: The body is not valid JSON with this data: unexpected "/)]);
      expect(json.preview).toMatchObject({ url: `${receiver.url}/tickets`, incomplete: ['body'] });
    });

    it('check previews the exact request with secrets masked for everyone, and the retry rule', async () => {
      const check = await marketer.webhooks.check({ webhook: webhookData(integrationId), sample: { customer: { email: 'ada@example.com' }, event: { type: 'x', data: { plan: 'pro' } }, webhooks: {} } });
      expect(check.fieldErrors).toEqual({});
      expect(check.usesTransactionalId).toBe(true);
      expect(check.retryRule).toBe('retried up to 3 times within 6 minutes on 5xx/429');
      expect(check.preview).toMatchObject({ method: 'POST', url: `${receiver.url}/tickets`, body: '{"email": "ada@example.com", "plan": "pro"}' });
      expect(check.preview!.headers.map((h) => [h.name, h.value])).toEqual([
        ['Authorization', '••••••••'],
        ['Content-Type', 'application/json'],
        ['Idempotency-Key', '00000000-0000-4000-8000-000000000000'],
      ]);
      const once = await marketer.webhooks.check({ webhook: webhookData(integrationId, { headers: [] }), sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} } });
      expect(once.retryRule).toBe('sent once');
    });

    it('test send: the receiver gets the secret on the wire, the marketer sees it masked', async () => {
      receiver.respond = () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"ticket":{"id":"T-7"}}' });
      const result = await marketer.webhooks.testSend({ webhookId, webhook: webhookData(integrationId), sample: { customer: { email: 'q"uote@example.com' }, event: { type: 'x', data: { plan: 'pro' } }, webhooks: {} } });
      const wire = receiver.requests.at(-1)!;
      expect(wire.headers.authorization).toBe(SECRET);
      expect(wire.headers['x-team']).toBeUndefined();
      expect(JSON.parse(wire.body)).toEqual({ email: 'q"uote@example.com', plan: 'pro' });
      expect(result.response).toMatchObject({ status: 201, ok: true });
      expect(result.fields).toEqual({ ticketId: 'T-7' });
      expect(JSON.stringify(result)).not.toContain('TOPSECRET');
      const logged = await prisma.webhookAttempt.findFirstOrThrow({ where: { webhookId }, orderBy: { startedAt: 'desc' } });
      expect(JSON.stringify(logged)).not.toContain('TOPSECRET');
    });

    it('test send explains failures in plain words', async () => {
      const closed = await freePort();
      const { id: downId } = await developer.integrations.create({ ...integrationData(`http://127.0.0.1:${closed}`), name: 'Down' });
      const refused = await marketer.webhooks.testSend({ webhookId: null, webhook: webhookData(downId, { systemName: 'x_down' }), sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} } });
      expect(refused.problem).toMatch(/Connection refused.*Is the service running/);
      receiver.respond = () => ({ status: 503, body: 'busy' });
      const busy = await marketer.webhooks.testSend({ webhookId: null, webhook: webhookData(integrationId), sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} } });
      expect(busy.problem).toMatch(/HTTP 503.*5xx/);
      const dns = await marketer.webhooks.testSend({
        webhookId: null,
        webhook: webhookData((await developer.integrations.create({ ...integrationData('http://no-such-host.invalid'), name: 'DNS' })).id, { systemName: 'x_dns' }),
        sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} },
      });
      expect(dns.problem).toMatch(/DNS/);
    });

    it('test send explains timeouts and TLS problems in plain words', async () => {
      receiver.respond = () => ({ status: 200, delayMs: 2_000 });
      const { id: slowId } = await developer.integrations.create({ ...integrationData(receiver.url), name: 'Slow', requestTimeoutMs: 300 });
      const slow = await marketer.webhooks.testSend({ webhookId: null, webhook: webhookData(slowId, { systemName: 'x_slow' }), sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} } });
      expect(slow.problem).toMatch(/did not answer within 0.3 s.*did not answer in time/);

      // A real HTTPS server with a self-signed certificate on loopback.
      const dir = mkdtempSync(path.join(inject('scratchDir'), 'tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      const server = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const { id: tlsId } = await developer.integrations.create({ ...integrationData(`https://127.0.0.1:${port}`), name: 'Self-signed' });
        const tls = await marketer.webhooks.testSend({ webhookId: null, webhook: webhookData(tlsId, { systemName: 'x_tls' }), sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} } });
        expect(tls.problem).toMatch(/TLS\/HTTPS problem.*certificate/);
      } finally {
        server.close();
      }
    });

    it('copy creates "Copy of …" with a fresh system name and every setting', async () => {
      const copy = await marketer.webhooks.copy({ id: webhookId });
      expect(copy.systemName).toBe('create_ticket_copy');
      const copied = await marketer.webhooks.get({ id: copy.id });
      const original = await marketer.webhooks.get({ id: webhookId });
      expect(copied).toMatchObject({ ...original, id: copy.id, name: 'Copy of Create ticket', systemName: 'create_ticket_copy' });
      expect((await marketer.webhooks.copy({ id: webhookId })).systemName).toBe('create_ticket_copy_2');
    });

    it('the variable picker offers customer attributes, event fields, the TransactionalId and captured fields', async () => {
      await prisma.customer.create({ data: { externalId: 'c-seen', attributes: { email: 'a@b.c', loyalty_tier: 'gold' } } });
      const groups = await marketer.webhooks.variables({});
      const paths = groups.flatMap((g) => g.variables.map((v) => v.path));
      expect(paths).toEqual(expect.arrayContaining(['Customer.Email', 'Customer.LoyaltyTier', 'Event.Type', 'WebhookRequest.TransactionalId', 'Webhooks.create_ticket.Fields.ticketId']));
    });

    it('refuses to delete an integration that webhooks use, listing them', async () => {
      await expect(developer.integrations.delete({ id: integrationId })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Create ticket (create_ticket)') });
    });

    it('refuses to delete a webhook a published flow uses, naming the flow; archived flows release it', async () => {
      const { id: flowId } = await marketer.flows.create({ name: 'Tickets for VIPs', triggerEventType: 'customer.vip' });
      await marketer.flows.saveDraft({
        id: flowId,
        graph: {
          nodes: [
            { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'customer.vip' } },
            { id: 'w', type: 'webhook', position: { x: 0, y: 100 }, data: { webhookId } },
          ],
          edges: [{ id: 'e', source: 't', target: 'w' }],
        },
      });
      expect(await marketer.flows.publish({ id: flowId })).toMatchObject({ ok: true, version: 1 });
      await expect(marketer.webhooks.delete({ id: webhookId })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Tickets for VIPs') });
      await marketer.flows.archive({ id: flowId });
      await expect(marketer.webhooks.delete({ id: webhookId })).resolves.toEqual({ ok: true });
    });
  });
});

describe('flows', () => {
  it('saveDraft keeps the work and reports problems; publish refuses until they are fixed', async () => {
    const { id } = await marketer.flows.create({ name: 'Draft', triggerEventType: 'order.placed' });
    const broken: FlowGraph = { nodes: [{ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'order.placed' } }, { id: 'lost', type: 'end', position: { x: 0, y: 0 }, data: {} }], edges: [] };
    const saved = await marketer.flows.saveDraft({ id, graph: broken });
    expect(saved.problems).toEqual([expect.objectContaining({ nodeId: 'lost' })]);
    expect((await marketer.flows.get({ id })).draftGraph).toEqual(broken);
    expect(await marketer.flows.publish({ id })).toMatchObject({ ok: false, problems: [expect.objectContaining({ nodeId: 'lost' })] });
    await expect(marketer.flows.pause({ id })).rejects.toThrow(/Only active flows/);
  });

  it('saveDraft keeps half-done step settings (autosave never loses work) but refuses a graph of the wrong shape', async () => {
    const { id } = await marketer.flows.create({ name: 'Half done', triggerEventType: 'order.placed' });
    const halfDone = {
      nodes: [
        { id: 't', type: 'trigger' as const, position: { x: 0, y: 0 }, data: { eventType: 'order.placed' } },
        { id: 'b', type: 'branch' as const, position: { x: 0, y: 100 }, data: { branches: [{ id: 'b1', label: 'x', condition: { kind: 'webhook', webhook: '', outcome: 'succeeded' } }] } },
        { id: 'w', type: 'wait' as const, position: { x: 0, y: 200 }, data: { mode: 'duration', seconds: null } },
      ],
      edges: [{ id: 'e', source: 't', target: 'b' }],
    };
    const saved = await marketer.flows.saveDraft({ id, graph: halfDone });
    expect(saved.problems?.length).toBeGreaterThan(0);
    expect((await marketer.flows.get({ id })).draftGraph).toEqual(halfDone);
    // The canvas validates in the browser and asks the server not to do it again on every autosave.
    expect(await marketer.flows.saveDraft({ id, graph: halfDone, validate: false })).toEqual({ problems: undefined });
    await expect(marketer.flows.saveDraft({ id, graph: { nodes: [{ id: 'x', type: 'bogus', position: { x: 0, y: 0 } }], edges: [] } as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await marketer.flows.get({ id })).draftGraph).toEqual(halfDone);
  });

  it('publish, pause, resume and archive move the status; versions are immutable and numbered', async () => {
    const { id } = await marketer.flows.create({ name: 'Lifecycle', triggerEventType: 'order.placed' });
    await marketer.flows.saveDraft({ id, graph: { nodes: [], edges: [] } });
    expect(await marketer.flows.publish({ id })).toMatchObject({ ok: false, problems: [expect.objectContaining({ message: expect.stringMatching(/trigger/i) })] });
    const trigger: FlowGraph = { nodes: [{ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'order.placed' } }], edges: [] };
    await marketer.flows.saveDraft({ id, graph: trigger });
    expect(await marketer.flows.publish({ id })).toMatchObject({ ok: true, version: 1 });
    expect((await marketer.flows.get({ id })).status).toBe('active');
    await marketer.flows.pause({ id });
    expect((await marketer.flows.get({ id })).status).toBe('paused');
    expect(await marketer.flows.publish({ id })).toMatchObject({ ok: true, version: 2 });
    expect((await marketer.flows.get({ id })).status).toBe('paused');
    await marketer.flows.resume({ id });
    await marketer.flows.archive({ id });
    const flow = await marketer.flows.get({ id });
    expect(flow.status).toBe('archived');
    expect(flow.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(flow.versions[0]!.publishedBy?.email).toMatch(/^marketer-/);
    expect((await marketer.flows.list({ includeArchived: false })).some((f) => f.id === id)).toBe(false);
  });
});

describe('users', () => {
  it('an admin invites a marketer, who sets a password from the one-time link', async () => {
    const { invitePath } = await admin.users.invite({ email: 'New.Person@Example.com', name: '', role: 'marketer' });
    const token = new URL(invitePath, 'http://x').searchParams.get('token')!;
    const anonymous = callerFor(prisma, null);
    await expect(anonymous.account.acceptInvite({ token, name: 'New', password: 'short' })).rejects.toThrow(/at least 10/);
    await expect(anonymous.account.acceptInvite({ token, name: 'New', password: 'a-long-password' })).resolves.toEqual({ email: 'new.person@example.com' });
    const user = await prisma.user.findUniqueOrThrow({ where: { email: 'new.person@example.com' } });
    expect(user.role).toBe('marketer');
    expect(await verifyPassword('a-long-password', user.passwordHash)).toBe(true);
    await expect(anonymous.account.acceptInvite({ token, name: 'Again', password: 'a-long-password' })).rejects.toThrow(/invalid or has expired/);
    await expect(admin.users.invite({ email: 'new.person@example.com', role: 'admin', name: '' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the invite page learns the invited email and who invited; a bad link learns nothing', async () => {
    const anonymous = callerFor(prisma, null);
    const me = await admin.users.me();
    await prisma.user.update({ where: { id: me.id }, data: { name: 'Ines Admin' } });
    const { invitePath } = await admin.users.invite({ email: 'invited@example.com', name: 'Ivo', role: 'developer' });
    const token = new URL(invitePath, 'http://x').searchParams.get('token')!;
    expect(await anonymous.account.invite({ token })).toEqual({ valid: true, email: 'invited@example.com', name: 'Ivo', role: 'developer', invitedBy: 'Ines Admin' });
    expect(await anonymous.account.invite({ token: 'not-a-token' })).toEqual({ valid: false });
  });

  it('nobody can disable or demote the last admin who can sign in, or their own account', async () => {
    const file = path.join(inject('scratchDir'), `last-admin-${Date.now()}.db`);
    copyFileSync(inject('templateDatabase'), file);
    const fresh = createPrismaClient(`file:${file}`);
    try {
      const passwordHash = await hashPassword('a-long-password');
      const ana = await fresh.user.create({ data: { email: 'ana@example.com', role: 'admin', passwordHash } });
      const bo = await fresh.user.create({ data: { email: 'bo@example.com', role: 'admin', passwordHash } });
      const asAna = callerFor(fresh, ana);
      await expect(asAna.users.updateRole({ id: ana.id, role: 'marketer' })).rejects.toThrow('You cannot remove your own admin role: ask another admin');
      await expect(asAna.users.setDisabled({ id: ana.id, disabled: true })).rejects.toThrow('You cannot disable your own account: ask another admin');
      // Bo is not the last admin while Ana can sign in.
      await asAna.users.updateRole({ id: bo.id, role: 'developer' });
      await asAna.users.updateRole({ id: bo.id, role: 'admin' });
      // Once Ana is disabled (by Bo), Bo is the last admin: nobody may demote or disable Bo.
      await callerFor(fresh, bo).users.setDisabled({ id: ana.id, disabled: true });
      const asAnother = callerFor(fresh, await fresh.user.create({ data: { email: 'cy@example.com', role: 'admin' } }));
      await expect(asAnother.users.updateRole({ id: bo.id, role: 'marketer' })).rejects.toThrow('bo@example.com is the last admin who can sign in: make someone else an admin first');
      await expect(asAnother.users.setDisabled({ id: bo.id, disabled: true })).rejects.toThrow(/last admin/);
      expect(await fresh.user.findUniqueOrThrow({ where: { id: bo.id } })).toMatchObject({ role: 'admin', disabledAt: null });
      await expect(asAnother.users.updateRole({ id: 'nope', role: 'marketer' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await fresh.$disconnect();
    }
  });

  it('the test-send sample is kept per webhook and per person', async () => {
    const integration = await prisma.integration.create({ data: { name: 'Samples', rootUrl: 'http://127.0.0.1:9' } });
    const webhook = await prisma.webhook.create({ data: { integrationId: integration.id, name: 'Sampled', systemName: `sampled_${Date.now()}`, headers: [], disabledHeaders: [], captureFields: [] } });
    const other = callerFor(prisma, await userWithRole(prisma, 'developer'));
    expect(await marketer.webhooks.sample({ id: webhook.id })).toBeNull();
    const sample = { customer: { id: 'c-9', tier: 'gold' }, event: { type: 'order.placed', data: { total: 12 } }, webhooks: { crm: { Ok: true } } };
    await marketer.webhooks.saveSample({ id: webhook.id, sample });
    expect(await marketer.webhooks.sample({ id: webhook.id })).toEqual(sample);
    expect(await other.webhooks.sample({ id: webhook.id })).toBeNull();
    await expect(marketer.webhooks.saveSample({ id: 'nope', sample })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(marketer.webhooks.saveSample({ id: webhook.id, sample: { ...sample, customer: { note: 'x'.repeat(300 * 1024) } } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('admins change roles but cannot demote or disable themselves', async () => {
    const me = await admin.users.me();
    await expect(admin.users.updateRole({ id: me.id, role: 'marketer' })).rejects.toThrow(/your own admin role/);
    await expect(admin.users.setDisabled({ id: me.id, disabled: true })).rejects.toThrow(/your own account/);
    const target = await userWithRole(prisma, 'marketer');
    await admin.users.updateRole({ id: target.id, role: 'developer' });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe('developer');
  });

  it('passwords are hashed with scrypt and verified', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });
});

describe('lists and logs', () => {
  it('integrations, webhooks and attempts list what exists, with the retry rule in words', async () => {
    const { id: integrationId } = await developer.integrations.create({ ...integrationData(receiver.url), name: 'Warehouse' });
    const created = await marketer.webhooks.create(webhookData(integrationId, { name: 'Reserve stock', systemName: 'reserve_stock' }));
    const integrations = await marketer.integrations.list();
    expect(integrations.find((i) => i.id === integrationId)).toMatchObject({ name: 'Warehouse', rateLimitPerSecond: 0.5, webhookCount: 1 });
    const webhooks = await marketer.webhooks.list({ integrationId });
    expect(webhooks).toEqual([expect.objectContaining({ systemName: 'reserve_stock', integrationName: 'Warehouse', retryRule: 'retried up to 3 times within 6 minutes on 5xx/429' })]);
    receiver.respond = () => ({ status: 200, body: '{}' });
    await marketer.webhooks.testSend({ webhookId: created!.id, webhook: webhookData(integrationId, { systemName: 'reserve_stock' }), sample: { customer: {}, event: { type: 'x', data: {} }, webhooks: {} } });
    const attempts = await marketer.webhooks.attempts({ webhookId: created!.id, limit: 10 });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ responseStatus: 200, runId: null, requestMethod: 'POST', kind: 'test', outcome: '2xx', integrationId, actorEmail: expect.stringContaining('marketer') });
    expect(JSON.stringify(attempts)).not.toContain('TOPSECRET');
  });

  it('the overview lists flows and recent runs with Temporal links; a run page has its attempts', async () => {
    const { id: flowId } = await marketer.flows.create({ name: 'Overview flow', triggerEventType: 'overview.test' });
    await marketer.flows.saveDraft({ id: flowId, graph: { nodes: [{ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'overview.test' } }], edges: [] } });
    await marketer.flows.publish({ id: flowId });
    const version = await prisma.flowVersion.findFirstOrThrow({ where: { flowId } });
    const customer = await prisma.customer.create({ data: { externalId: 'c-overview', attributes: {} } });
    const event = await prisma.event.create({ data: { id: 'evt-overview', type: 'overview.test', customerId: customer.id, data: {}, occurredAt: new Date() } });
    const run = await prisma.run.create({ data: { flowId, flowVersionId: version.id, workflowId: `flow/${flowId}/evt-overview`, customerId: customer.id, eventId: event.id, status: 'completed' } });
    expect((await marketer.overview.flows()).find((f) => f.id === flowId)).toMatchObject({ status: 'active', version: 1, runCount: 1 });
    const runs = await marketer.overview.recentRuns({ limit: 5 });
    expect(runs[0]).toMatchObject({ id: run.id, eventType: 'overview.test', customerId: 'c-overview', temporalUrl: expect.stringContaining(encodeURIComponent(run.workflowId)) });
    const page = await marketer.runs.get({ id: run.id });
    expect(page).toMatchObject({ workflowId: run.workflowId, trace: null, flowVersion: { version: 1 }, steps: { t: { kind: 'trigger', name: 'on overview.test' } } });
    await expect(marketer.runs.get({ id: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await marketer.flows.runs({ id: flowId })).toEqual([expect.objectContaining({ id: run.id, status: 'completed', version: 1, customerId: 'c-overview' })]);
    expect((await marketer.flows.list({ includeArchived: false })).find((f) => f.id === flowId)!.runs24h).toEqual({ completed: 1 });
    // Temporal never saw this run: the overlay falls back to the steps with logged attempts (none).
    expect(await marketer.runs.progress({ id: run.id })).toMatchObject({ status: 'completed', path: [], live: false, attempts: {}, graph: { nodes: [expect.objectContaining({ type: 'trigger' })] } });
  });

  it('validate reports problems without saving; users.list shows invites and roles', async () => {
    const result = await marketer.flows.validate({ graph: { nodes: [], edges: [] } });
    expect(result.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('Add a trigger') })]);
    const { invitePath } = await admin.users.invite({ email: 'listed@example.com', name: 'Lis', role: 'developer' });
    expect((await admin.users.list()).find((u) => u.email === 'listed@example.com')).toMatchObject({ role: 'developer', invitePending: true, disabled: false });
    const token = new URL(invitePath, 'http://x').searchParams.get('token')!;
    await callerFor(prisma, null).account.acceptInvite({ token, name: 'Lis', password: 'a-long-password' });
    expect((await admin.users.list()).find((u) => u.email === 'listed@example.com')).toMatchObject({ role: 'developer', invitePending: false, disabled: false });
  });
});

describe('first admin', () => {
  it('without HOOKFLOW_ADMIN_* a one-time setup link creates the first admin, once', async () => {
    const { ensureAdmin } = await import('../../lib/server/auth/bootstrap');
    const file = path.join(inject('scratchDir'), `setup-${Date.now()}.db`);
    copyFileSync(inject('templateDatabase'), file);
    const fresh = createPrismaClient(`file:${file}`);
    const previous = process.env.HOOKFLOW_DATA_DIR;
    process.env.HOOKFLOW_DATA_DIR = path.join(inject('scratchDir'), `setup-data-${Date.now()}`);
    try {
      const first = await ensureAdmin(fresh, {});
      expect(first.kind).toBe('setup-link');
      const token = (first as { token: string }).token;
      const anonymous = callerFor(fresh, null);
      await expect(anonymous.account.setup({ token: 'wrong', email: 'boss@example.com', name: '', password: 'a-long-password' })).rejects.toThrow(/no longer valid/);
      await expect(anonymous.account.setup({ token, email: 'Boss@Example.com', name: 'Boss', password: 'a-long-password' })).resolves.toEqual({ email: 'boss@example.com' });
      expect((await fresh.user.findUniqueOrThrow({ where: { email: 'boss@example.com' } })).role).toBe('admin');
      await expect(anonymous.account.setup({ token, email: 'other@example.com', name: '', password: 'a-long-password' })).rejects.toThrow(/no longer valid/);
      expect((await ensureAdmin(fresh, {})).kind).toBe('exists');
    } finally {
      process.env.HOOKFLOW_DATA_DIR = previous;
      await fresh.$disconnect();
    }
  });

  it('HOOKFLOW_ADMIN_EMAIL and HOOKFLOW_ADMIN_PASSWORD create the admin, and a short password is refused', async () => {
    const { ensureAdmin } = await import('../../lib/server/auth/bootstrap');
    const file = path.join(inject('scratchDir'), `setup-env-${Date.now()}.db`);
    copyFileSync(inject('templateDatabase'), file);
    const fresh = createPrismaClient(`file:${file}`);
    try {
      await expect(ensureAdmin(fresh, { HOOKFLOW_ADMIN_EMAIL: 'ops@example.com', HOOKFLOW_ADMIN_PASSWORD: 'short' })).rejects.toThrow(/at least 10/);
      expect(await ensureAdmin(fresh, { HOOKFLOW_ADMIN_EMAIL: 'Ops@Example.com', HOOKFLOW_ADMIN_PASSWORD: 'a-long-password' })).toEqual({ kind: 'created', email: 'ops@example.com' });
      const admin = await fresh.user.findUniqueOrThrow({ where: { email: 'ops@example.com' } });
      expect(await verifyPassword('a-long-password', admin.passwordHash)).toBe(true);
    } finally {
      await fresh.$disconnect();
    }
  });
});

describe('the flows list and the editor helpers', () => {
  it('a new flow starts with its trigger on the event it was created with; rename and duplicate keep the graph; the list shows status, edits and 24 h runs', async () => {
    const { id } = await marketer.flows.create({ name: 'Cart reminder', triggerEventType: 'cart.abandoned' });
    expect((await marketer.flows.get({ id })).draftGraph).toEqual({ nodes: [{ id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'cart.abandoned' } }], edges: [] });
    const graph: FlowGraph = { nodes: [{ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'cart.abandoned' } }], edges: [] };
    await marketer.flows.saveDraft({ id, graph });
    await marketer.flows.rename({ id, name: 'Cart reminder (EU)' });
    await expect(marketer.flows.rename({ id, name: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const { id: copyId } = await marketer.flows.duplicate({ id });
    const copy = await marketer.flows.get({ id: copyId });
    expect(copy).toMatchObject({ name: 'Copy of Cart reminder (EU)', status: 'draft', triggerEventType: 'cart.abandoned', draftGraph: graph });
    expect(copy.versions).toEqual([]);
    const row = (await marketer.flows.list({ includeArchived: false })).find((f) => f.id === id)!;
    expect(row).toMatchObject({ name: 'Cart reminder (EU)', status: 'draft', version: null, runs24h: {} });
    expect(new Date(row.updatedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await marketer.flows.eventTypes()).toContain('cart.abandoned');
    await expect(marketer.flows.rename({ id: 'nope', name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('versions open read-only by number; testing the published flow needs a version, and a test is bounded in size', async () => {
    const { id } = await marketer.flows.create({ name: 'Versions', triggerEventType: 'versions.test' });
    const graph: FlowGraph = { nodes: [{ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'versions.test' } }, { id: 'x', type: 'end', position: { x: 0, y: 100 } }], edges: [{ id: 'e', source: 't', target: 'x' }] };
    const test = { id, source: 'published' as const, mode: 'dry' as const, customerId: 'c1', attributes: {}, data: {} };
    await expect(marketer.flows.testRun(test)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining('no published version yet') });
    await marketer.flows.saveDraft({ id, graph });
    await marketer.flows.publish({ id });
    expect(await marketer.flows.version({ id, version: 1 })).toMatchObject({ version: 1, graph, publishedBy: expect.stringMatching(/^marketer-/) });
    await expect(marketer.flows.version({ id, version: 2 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Version 2 of this flow does not exist' });
    await expect(marketer.flows.testRun({ ...test, attributes: { note: 'x'.repeat(600 * 1024) } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('at most 512 KB') });
    await expect(marketer.flows.testRun({ ...test, customerId: ' ' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Enter a customer id') });
    expect(await marketer.flows.runs({ id })).toEqual([]);
  });

  it('the catalog describes every webhook for live validation, with captured field names and no secrets', async () => {
    // Its own webhook, on an integration with a secret header, so that the test runs alone too.
    const { id: integrationId } = await developer.integrations.create({ ...integrationData(receiver.url), name: 'Catalogued' });
    await marketer.webhooks.create(webhookData(integrationId, { name: 'Catalogued', systemName: 'catalogued' }));
    const catalog = await marketer.flows.catalog();
    expect(catalog.find((entry) => entry.systemName === 'catalogued')).toMatchObject({ integrationName: 'Catalogued' });
    for (const entry of catalog) {
      expect(entry).toEqual(expect.objectContaining({ id: expect.any(String), systemName: expect.any(String), method: expect.any(String), integrationName: expect.any(String), capturedFields: expect.any(Array), retry: expect.any(Object) }));
    }
    expect(JSON.stringify(catalog)).not.toContain('TOPSECRET');
  });
});
