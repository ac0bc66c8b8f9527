/**
 * Import: parse and validate the whole document, prepare it against the database, then write what was prepared and
 * publish what it says, all in one transaction. A refused document writes nothing.
 */
import type { PrismaClient } from '../db';
import type { Prisma } from '../../generated/prisma/client';
import { encryptSecret } from '../crypto/secrets';
import { recordAudit, type AuditActor } from '../audit';
import { compileFlow } from '../../domain/flow/compile';
import { publishDraft, recordVersion, webhookCatalog, type PublishResult } from '../flows/publish';
import { parseDocument } from './parse';
import { prepareImport, type FlowStep, type PreparedImport, type PrepareOptions } from './prepare';
import type { Change } from '../../domain/flows-as-code/changes';
import { toStoredGraph } from './graphs';
import { FlowsAsCodeError, jsonPath, type DocumentProblem } from './problems';

type Db = Prisma.TransactionClient;

export interface ImportOptions extends PrepareOptions {
  /** validate and prepare only; nothing is written */
  dryRun?: boolean;
  /** recorded on the versions this import publishes */
  publishedById?: string | null;
  /** who imports: an import that writes records one audit row, in its transaction */
  actor?: AuditActor;
}

export type ImportResult = { ok: true; dryRun: boolean; changes: Change[]; summary: string } | { ok: false; problems: DocumentProblem[] };

export async function importDocument(prisma: PrismaClient, source: string, options: ImportOptions): Promise<ImportResult> {
  const parsed = parseDocument(source);
  if (!parsed.ok) return parsed;
  try {
    // Planning reads inside the transaction too, so what was validated is what gets written.
    return await prisma.$transaction(
      async (tx) => {
        const prepared = await prepareImport(tx, parsed.document, options);
        if (!prepared.ok) throw new FlowsAsCodeError(prepared.problems);
        const summary = summarize(prepared.import.changes, options.dryRun ?? false);
        if (!options.dryRun) {
          await applyPrepared(tx, prepared.import, options.secretKey, options.publishedById ?? null);
          const written = prepared.import.changes.filter((c) => c.action !== 'unchanged');
          await recordAudit(tx, options.actor ?? { id: null, label: 'system' }, { action: 'flows.import', entityType: 'import', entityName: summary, details: { changes: written } });
        }
        return { ok: true as const, dryRun: options.dryRun ?? false, changes: prepared.import.changes, summary };
      },
      // Templates are compiled while preparing; give a large document time on a slow machine.
      { maxWait: 10_000, timeout: 120_000 },
    );
  } catch (error) {
    if (error instanceof FlowsAsCodeError) return { ok: false, problems: error.problems };
    throw error;
  }
}

async function applyPrepared(tx: Db, prepared: PreparedImport, secretKey: () => Buffer, publishedById: string | null): Promise<void> {
  const integrationIds = new Map<string, string>();
  for (const step of prepared.integrations) {
    integrationIds.set(step.data.name, step.write ? await writeIntegration(tx, step, secretKey) : step.existingId!);
  }
  for (const step of prepared.webhooks) {
    if (!step.write) continue;
    const integrationId = 'id' in step.integration ? step.integration.id : integrationIds.get(step.integration.name)!;
    const data = { ...step.data, integrationId };
    if (step.existingId) await tx.webhook.update({ where: { id: step.existingId }, data: { ...data, version: { increment: 1 } } });
    else await tx.webhook.create({ data });
  }
  const webhookIds = new Map((await tx.webhook.findMany({ select: { id: true, systemName: true } })).map((w) => [w.systemName, w.id]));
  const idOf = (systemName: string) => webhookIds.get(systemName)!;
  for (const [index, step] of prepared.flows.entries()) {
    const flowId = await writeFlow(tx, step, idOf);
    const published = await publishStep(tx, step, flowId, idOf, publishedById);
    if (published && !published.ok) {
      // Preparing validated this graph against the same webhooks, so this means the database changed under us.
      throw new FlowsAsCodeError(published.problems.map((p) => ({ path: jsonPath(['flows', index]), message: `Publishing failed: ${p.message}` })));
    }
  }
}

/** Creates the integration, or replaces its settings and headers the way the integration editor saves. */
async function writeIntegration(tx: Db, step: PreparedImport['integrations'][number], secretKey: () => Buffer): Promise<string> {
  const headers = step.headers.map((h, position) => ({ position, name: h.name, secret: h.secret, value: h.secret ? encryptSecret(h.value, secretKey()) : h.value }));
  if (!step.existingId) return (await tx.integration.create({ data: { ...step.data, headers: { create: headers } } })).id;
  await tx.integrationHeader.deleteMany({ where: { integrationId: step.existingId } });
  await tx.integration.update({ where: { id: step.existingId }, data: { ...step.data, headers: { create: headers } } });
  // Rendered templates are cached per webhook version: bump them so the new headers apply at once.
  await tx.webhook.updateMany({ where: { integrationId: step.existingId }, data: { version: { increment: 1 } } });
  return step.existingId;
}

async function writeFlow(tx: Db, step: FlowStep, idOf: (systemName: string) => string): Promise<string> {
  const draftGraph = toStoredGraph(step.doc.graph, idOf);
  const trigger = draftGraph.nodes.find((n) => n.type === 'trigger');
  const eventType = trigger?.type === 'trigger' ? trigger.data.eventType : '';
  const json = draftGraph as unknown as Prisma.InputJsonObject;
  if (!step.existingId) return (await tx.flow.create({ data: { name: step.doc.name, triggerEventType: eventType, draftGraph: json } })).id;
  // A published flow listens to its live version's event type; publishing, not the draft, changes it.
  if (step.writeDraft) await tx.flow.update({ where: { id: step.existingId }, data: { draftGraph: json, ...(step.hasVersions ? {} : { triggerEventType: eventType }) } });
  return step.existingId;
}

/** The draft goes live through the editor's own publish; a separate publishedGraph through the same compile and record steps. */
async function publishStep(tx: Db, step: FlowStep, flowId: string, idOf: (systemName: string) => string, publishedById: string | null): Promise<PublishResult | null> {
  if (step.publish === 'draft') return publishDraft(tx, flowId, publishedById);
  if (step.publish !== 'publishedGraph' || !step.doc.publishedGraph) return null;
  const compiled = compileFlow(toStoredGraph(step.doc.publishedGraph, idOf), await webhookCatalog(tx));
  if (!compiled.ok) return compiled;
  return recordVersion(tx, await tx.flow.findUniqueOrThrow({ where: { id: flowId } }), compiled, publishedById);
}

function summarize(changes: Change[], dryRun: boolean): string {
  const count = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  const published = changes.filter((c) => c.publishes).length;
  const [create, update, publish] = dryRun ? ['to create', 'to update', 'to publish'] : ['created', 'updated', 'published'];
  return `${count('create')} ${create}, ${count('update')} ${update}, ${count('unchanged')} unchanged, ${published} ${publish}`;
}
