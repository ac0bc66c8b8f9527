/**
 * Flows as code on real SQLite databases: the round trip, idempotent re-import, updates, every kind of bad
 * input (refused whole, with its JSON path, database unchanged), the tRPC procedures and the CLI's exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../lib/server/db';
import { publishFlow } from '../../lib/server/flows/publish';
import type { FlowGraph } from '../../lib/domain/flow/graph';
import { decryptSecret } from '../../lib/server/crypto/secrets';
import { exportDocument, documentText } from '../../lib/server/flows-as-code/export';
import { importDocument, type ImportOptions } from '../../lib/server/flows-as-code/import';
import { FlowsAsCodeError } from '../../lib/server/flows-as-code/problems';
import { callerFor, TEST_SECRET_KEY, userWithRole } from '../support/trpc';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = readFileSync(path.join(ROOT, 'examples/order-follow-up.json'), 'utf8');
const SECRET = 'Bearer helpdesk-secret-0042';
const secrets: Record<string, string> = { HELPDESK_AUTHORIZATION: SECRET };
const options = (patch: Partial<ImportOptions> = {}): ImportOptions => ({ secret: (ref) => secrets[ref], secretKey: () => TEST_SECRET_KEY, ...patch });

const opened: PrismaClient[] = [];
let counter = 0;

/** An empty, migrated database of its own. */
function emptyDatabase(): { prisma: PrismaClient; url: string } {
  const file = path.join(inject('scratchDir'), `flows-as-code-${Date.now()}-${++counter}.db`);
  copyFileSync(inject('templateDatabase'), file);
  const prisma = createPrismaClient(`file:${file}`);
  opened.push(prisma);
  return { prisma, url: `file:${file}` };
}

afterAll(async () => {
  for (const prisma of opened) await prisma.$disconnect();
});

/** Every row an import could write, to prove a refused one wrote nothing. */
async function dump(prisma: PrismaClient) {
  return {
    integrations: await prisma.integration.findMany({ orderBy: { id: 'asc' } }),
    headers: await prisma.integrationHeader.findMany({ orderBy: { id: 'asc' } }),
    webhooks: await prisma.webhook.findMany({ orderBy: { id: 'asc' } }),
    flows: await prisma.flow.findMany({ orderBy: { id: 'asc' } }),
    versions: await prisma.flowVersion.findMany({ orderBy: { id: 'asc' } }),
  };
}

async function exportText(prisma: PrismaClient): Promise<string> {
  return documentText((await exportDocument(prisma)).document);
}

const example = () => JSON.parse(EXAMPLE);

describe('round trip', () => {
  it('export, import into an empty database, export again: the same document', async () => {
    const { prisma: source } = emptyDatabase();
    const developer = callerFor(source, await userWithRole(source, 'developer'));
    const { id: integrationId } = await developer.integrations.create({
      name: 'Helpdesk',
      rootUrl: 'https://helpdesk.example.com/api',
      rateLimitPerSecond: 2.5,
      connectTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      headers: [
        { name: 'Authorization', value: SECRET, secret: true },
        { name: 'X-Team', value: 'growth', secret: false },
      ],
    });
    const webhook = (systemName: string, patch = {}) => ({
      integrationId,
      name: `Webhook ${systemName}`,
      systemName,
      description: 'Made in the editor',
      method: 'POST' as const,
      path: `/${systemName}`,
      headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }],
      disabledHeaders: ['X-Team'],
      bodyTemplate: '{"email": "${Customer.Email}"}',
      captureEnabled: true,
      captureFields: [{ name: 'ticketId', path: '$.id' }],
      maxRetries: 2,
      retryWindowSeconds: 60,
      ...patch,
    });
    const { id: ticketId } = (await developer.webhooks.create(webhook('create_ticket')))!;
    const { id: noteId } = (await developer.webhooks.create(webhook('add_note', { method: 'PUT', headers: [], captureEnabled: false, captureFields: [], maxRetries: null, retryWindowSeconds: null })))!;

    const graph = (steps: string[]): FlowGraph => ({
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { eventType: 'order.placed', filter: { kind: 'field', path: 'Customer.vip', op: 'eq', value: true } } },
        ...steps.map((webhookId, i) => ({ id: `s${i}`, type: 'webhook' as const, position: { x: 0, y: 100 * (i + 1) }, data: { webhookId } })),
        { id: 'wait', type: 'wait', position: { x: 10.5, y: 900 }, data: { mode: 'until', time: '09:30', timeZone: 'Europe/Berlin' } },
      ],
      edges: [...steps.map((_, i) => ({ id: `e${i}`, source: i === 0 ? 'trigger' : `s${i - 1}`, target: `s${i}` })), { id: 'last', source: `s${steps.length - 1}`, target: 'wait', sourceHandle: null }],
    });
    const flow = async (name: string, draft: FlowGraph, publish: boolean) => {
      const row = await source.flow.create({ data: { name, triggerEventType: 'order.placed', draftGraph: draft } });
      if (publish) expect(await publishFlow(source, row.id)).toMatchObject({ ok: true });
      return row.id;
    };
    await flow('Published as drawn', graph([ticketId, noteId]), true);
    const edited = await flow('Published, then edited', graph([ticketId]), true);
    await source.flow.update({ where: { id: edited }, data: { draftGraph: graph([ticketId, noteId]) } });
    await flow('Draft only', graph([noteId]), false);
    const archived = await flow('Retired', graph([noteId]), true);
    await source.flow.update({ where: { id: archived }, data: { status: 'archived' } });

    const first = await exportText(source);
    expect(first).not.toContain(ticketId);
    expect(first).not.toContain(SECRET);
    expect(first).not.toContain('Retired');
    const parsed = JSON.parse(first);
    expect(parsed.integrations[0].headers[0]).toEqual({ name: 'Authorization', secretRef: 'HELPDESK_AUTHORIZATION' });
    expect(parsed.flows.map((f: { name: string; published: boolean; publishedGraph?: unknown }) => [f.name, f.published, 'publishedGraph' in f])).toEqual([
      ['Draft only', false, false],
      ['Published as drawn', true, false],
      ['Published, then edited', true, true],
    ]);

    const { prisma: target } = emptyDatabase();
    const imported = await importDocument(target, first, options({ publish: true }));
    expect(imported).toMatchObject({ ok: true, summary: '6 created, 0 updated, 0 unchanged, 2 published' });
    expect(await exportText(target)).toBe(first);

    const stored = await target.integrationHeader.findFirstOrThrow({ where: { name: 'Authorization' } });
    expect(stored.secret).toBe(true);
    expect(stored.value).not.toContain('helpdesk-secret');
    expect(decryptSecret(stored.value, TEST_SECRET_KEY)).toBe(SECRET);
    const live = await target.flow.findFirstOrThrow({ where: { name: 'Published, then edited' }, include: { versions: true } });
    expect(live.status).toBe('active');
    expect(live.versions).toHaveLength(1);
    expect((live.versions[0]!.graph as FlowGraph).nodes.filter((n) => n.type === 'webhook')).toHaveLength(1);
    expect((live.draftGraph as FlowGraph).nodes.filter((n) => n.type === 'webhook')).toHaveLength(2);
    expect((await target.flow.findFirstOrThrow({ where: { name: 'Draft only' } })).status).toBe('draft');

    // Re-import is idempotent: nothing is written, no version is published twice.
    const before = await dump(target);
    const again = await importDocument(target, first, options({ publish: true }));
    expect(again).toMatchObject({ ok: true, summary: '0 created, 0 updated, 6 unchanged, 0 published' });
    expect(await dump(target)).toEqual(before);
  });
});

describe('import', () => {
  // Each test starts from a database of its own in the state it needs, so that it also runs alone.
  it('without --publish writes drafts only, and the dry run says so', async () => {
    const { prisma } = emptyDatabase();
    const dry = await importDocument(prisma, EXAMPLE, options({ dryRun: true }));
    expect(dry).toMatchObject({ ok: true, dryRun: true });
    if (!dry.ok) return;
    expect(dry.changes.map((c) => [c.kind, c.name, c.action])).toEqual([
      ['integration', 'Helpdesk', 'create'],
      ['webhook', 'create_ticket', 'create'],
      ['webhook', 'escalate_ticket', 'create'],
      ['flow', 'Order follow-up', 'create'],
    ]);
    expect(dry.changes[0]!.details).toEqual(['secret Authorization from HOOKFLOW_SECRET_HELPDESK_AUTHORIZATION']);
    expect(dry.changes[3]!.details.join()).toContain('--publish');
    expect(await prisma.integration.count()).toBe(0);

    expect(await importDocument(prisma, EXAMPLE, options())).toMatchObject({ ok: true, summary: '4 created, 0 updated, 0 unchanged, 0 published' });
    const flow = await prisma.flow.findFirstOrThrow({ include: { versions: true } });
    expect(flow).toMatchObject({ name: 'Order follow-up', status: 'draft', triggerEventType: 'order.placed', versions: [] });
  });

  it('with --publish publishes once; the secret, once stored, need not be supplied again', async () => {
    const { prisma } = emptyDatabase();
    expect(await importDocument(prisma, EXAMPLE, options())).toMatchObject({ ok: true, summary: '4 created, 0 updated, 0 unchanged, 0 published' });
    const published = await importDocument(prisma, EXAMPLE, options({ publish: true, secret: () => undefined }));
    expect(published).toMatchObject({ ok: true, changes: expect.arrayContaining([expect.objectContaining({ kind: 'flow', action: 'unchanged', publishes: 1 })]) });
    const again = await importDocument(prisma, EXAMPLE, options({ publish: true, secret: () => undefined }));
    expect(again).toMatchObject({ ok: true, summary: '0 created, 0 updated, 4 unchanged, 0 published' });
    expect(await prisma.flowVersion.count()).toBe(1);
    expect((await prisma.flow.findFirstOrThrow()).status).toBe('active');
  });

  it('updates what differs, and only that: webhook version bumped, a new flow version published', async () => {
    const { prisma } = emptyDatabase();
    expect(await importDocument(prisma, EXAMPLE, options({ publish: true }))).toMatchObject({ ok: true, summary: '4 created, 0 updated, 0 unchanged, 1 published' });
    const document = example();
    document.integrations[0].rootUrl = 'https://helpdesk.example.com/api/v3';
    document.webhooks[0].path = '/tickets/new';
    document.flows[0].graph.nodes[4].position = { x: 40, y: 600 };
    const before = await prisma.webhook.findMany({ orderBy: { systemName: 'asc' } });
    const result = await importDocument(prisma, JSON.stringify(document), options({ publish: true, secret: () => 'Bearer rotated' }));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.changes.map((c) => [c.name, c.action, c.details, c.publishes])).toEqual([
      ['Helpdesk', 'update', ['rootUrl', 'headers (Authorization)'], undefined],
      ['create_ticket', 'update', ['path'], undefined],
      ['escalate_ticket', 'unchanged', [], undefined],
      ['Order follow-up', 'update', ['draft graph'], 2],
    ]);
    const after = await prisma.webhook.findMany({ orderBy: { systemName: 'asc' } });
    // The integration's headers changed, so both are bumped (template cache); create_ticket once more for its own edit.
    expect(after.map((w) => w.version - before.find((b) => b.id === w.id)!.version)).toEqual([2, 1]);
    const header = await prisma.integrationHeader.findFirstOrThrow({ where: { name: 'Authorization' } });
    expect(decryptSecret(header.value, TEST_SECRET_KEY)).toBe('Bearer rotated');
    expect(await prisma.flowVersion.count()).toBe(2);
  });
});

describe('bad input is refused whole, at its JSON path, and writes nothing', () => {
  let prisma: PrismaClient;
  beforeAll(async () => {
    ({ prisma } = emptyDatabase());
    expect(await importDocument(prisma, EXAMPLE, options({ publish: true }))).toMatchObject({ ok: true });
  });

  type Case = [string, (document: ReturnType<typeof example>) => unknown, string, RegExp];
  const cases: Case[] = [
    ['not JSON', () => '{"version": 1, "integrations": [', '$', /not JSON/],
    ['the wrong version', (d) => ({ ...d, version: 2 }), '$.version', /Version 2 is not supported/],
    ['a missing field', (d) => (delete d.webhooks[0].method, d), '$.webhooks[0].method', /Missing "method"/],
    ['an unknown field', (d) => ((d.flows[0].enabled = true), d), '$.flows[0]', /Unrecognized key: "enabled"/],
    ['a dangling integration', (d) => ((d.webhooks[1].integration = 'Help desk'), d), '$.webhooks[1].integration', /No integration named "Help desk"/],
    ['a dangling webhook step', (d) => ((d.flows[0].graph.nodes[3].data.webhook = 'escalate_tiket'), d), '$.flows[0].graph.nodes[3].data.webhook', /No webhook with the system name "escalate_tiket"/],
    ['a duplicate system name', (d) => (d.webhooks.push({ ...d.webhooks[0], name: 'Twin' }), d), '$.webhooks[2].systemName', /system name "create_ticket" \(\$\.webhooks\[0\]\)/],
    ['a duplicate integration name', (d) => (d.integrations.push(d.integrations[0]), d), '$.integrations[1].name', /Another integration/],
    ['a duplicate flow name', (d) => (d.flows.push(d.flows[0]), d), '$.flows[1].name', /Another flow/],
    ['a flow that does not validate (no else)', (d) => ((d.flows[0].graph.edges = d.flows[0].graph.edges.filter((e: { id: string }) => e.id !== 'priority-else')), d), '$.flows[0].graph.nodes[2]', /Connect the "Else" output/],
    ['a flow with a loop', (d) => (d.flows[0].graph.edges.push({ id: 'back', source: 'escalate', target: 'ticket' }), d), '$.flows[0].graph', /loop|one next step/],
    ['a published graph that does not validate', (d) => ((d.flows[0].publishedGraph = { nodes: [], edges: [] }), d), '$.flows[0].publishedGraph', /trigger/],
    ['a template the editor refuses', (d) => ((d.webhooks[1].bodyTemplate = '{"note": ${Custome.Email}}'), d), '$.webhooks[1].bodyTemplate', /Custome/],
    ['a secret with no value for a new integration', (d) => ((d.integrations[0].name = 'Helpdesk EU'), (d.webhooks[0].integration = 'Helpdesk EU'), (d.integrations[0].headers[0].secretRef = 'HELPDESK_EU_AUTHORIZATION'), d), '$.integrations[0].headers[0].secretRef', /set HOOKFLOW_SECRET_HELPDESK_EU_AUTHORIZATION/],
  ];

  it.each(cases)('%s', async (_, mutate, expectedPath, message) => {
    const document = example();
    // Valid changes elsewhere in the same document must not be written either.
    document.integrations[0].rateLimitPerSecond = 1;
    document.webhooks[0].description = 'changed';
    const mutated = mutate(document);
    const source = typeof mutated === 'string' ? mutated : JSON.stringify(mutated);
    const before = await dump(prisma);
    const result = await importDocument(prisma, source, options({ publish: true }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((p) => p.path.startsWith(expectedPath));
    expect(problem, JSON.stringify(result.problems)).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(await dump(prisma)).toEqual(before);
  });

  it('a name Hookflow has twice is ambiguous: refused on import, and export refuses to write it', async () => {
    const { prisma: twice } = emptyDatabase();
    for (let i = 0; i < 2; i++) await twice.integration.create({ data: { name: 'Helpdesk', rootUrl: 'https://a.example.com' } });
    const before = await dump(twice);
    const result = await importDocument(twice, EXAMPLE, options());
    expect(result).toMatchObject({ ok: false, problems: [expect.objectContaining({ path: '$.integrations[0].name', message: expect.stringContaining('2 integrations named "Helpdesk"') })] });
    expect(await dump(twice)).toEqual(before);
    await expect(exportDocument(twice)).rejects.toBeInstanceOf(FlowsAsCodeError);
  });
});

describe('tRPC', () => {
  it('a developer exports and imports with secrets typed in the page; problems come back with paths', async () => {
    const { prisma } = emptyDatabase();
    const developer = await userWithRole(prisma, 'developer');
    const caller = callerFor(prisma, developer);
    const refused = await caller.flowsAsCode.import({ document: EXAMPLE, publish: true });
    expect(refused).toMatchObject({ ok: false, problems: [{ path: '$.integrations[0].headers[0].secretRef' }] });

    const dry = await caller.flowsAsCode.import({ document: EXAMPLE, publish: true, dryRun: true, secrets: { HELPDESK_AUTHORIZATION: 'Bearer typed' } });
    expect(dry).toMatchObject({ ok: true, dryRun: true, summary: '4 to create, 0 to update, 0 unchanged, 1 to publish' });
    expect(await prisma.integration.count()).toBe(0);

    expect(await caller.flowsAsCode.import({ document: EXAMPLE, publish: true, secrets: { HELPDESK_AUTHORIZATION: 'Bearer typed' } })).toMatchObject({ ok: true });
    expect(await prisma.flowVersion.findFirstOrThrow()).toMatchObject({ publishedById: developer.id });
    const exported = await caller.flowsAsCode.export();
    expect(exported.warnings).toEqual([]);
    const { $schema: _schema, ...expected } = example();
    expect(JSON.parse(exported.text)).toEqual(expected);
  });
});

describe('npm run hookflow', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/hookflow.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, HOOKFLOW_SECRET_KEY: TEST_SECRET_KEY.toString('base64'), INIT_CWD: ROOT, ...env },
    });

  it('imports, exports, refuses bad input with exit 1 and the path, and exits 2 without a database', async () => {
    const { prisma, url } = emptyDatabase();
    const bad = path.join(inject('scratchDir'), 'bad-document.json');
    const document = example();
    document.flows[0].graph.nodes[1].data.webhook = 'create_tiket';
    writeFileSync(bad, JSON.stringify(document));
    const refused = cli(['import', bad, '--publish'], { DATABASE_URL: url, HOOKFLOW_SECRET_HELPDESK_AUTHORIZATION: SECRET });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('$.flows[0].graph.nodes[1].data.webhook: No webhook with the system name "create_tiket"');
    expect(refused.stderr).toContain('nothing was written');
    expect(await prisma.integration.count()).toBe(0);

    const dry = cli(['import', 'examples/order-follow-up.json', '--dry-run'], { DATABASE_URL: url, HOOKFLOW_SECRET_HELPDESK_AUTHORIZATION: SECRET });
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was written');
    expect(dry.stdout).toContain('+ webhook create_ticket (create)');
    expect(await prisma.integration.count()).toBe(0);

    const imported = cli(['import', 'examples/order-follow-up.json', '--publish'], { DATABASE_URL: url, HOOKFLOW_SECRET_HELPDESK_AUTHORIZATION: SECRET });
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('publish as version 1');
    const out = path.join(inject('scratchDir'), 'exported.json');
    const exported = cli(['export', '--out', out], { DATABASE_URL: url });
    expect(exported.status, exported.stderr).toBe(0);
    const { $schema: _schema, ...expected } = example();
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(expected);

    const missing = cli(['export'], { DATABASE_URL: `file:${path.join(inject('scratchDir'), 'no-such.db')}` });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('npm run db:migrate');
    expect(cli(['frobnicate'], { DATABASE_URL: url }).status).toBe(2);
  });
});
