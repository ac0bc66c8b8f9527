/**
 * Export: the database as one flows-as-code document. The output is deterministic (sorted by name, no
 * database ids, no timestamps), so exporting twice gives the same file and a diff in git shows real changes.
 */
import type { Prisma } from '../../generated/prisma/client';
import { flowGraphSchema, type FlowGraph } from '../../domain/flow/graph';
import { compileFlow } from '../../domain/flow/compile';
import { webhookCatalog } from '../flows/publish';
import { webhookFromRow } from '../webhooks/definition';
import { DOCUMENT_VERSION, type DocumentFlow, type DocumentGraph, type DocumentHeader, type DocumentIntegration, type DocumentWebhook, type HookflowDocument } from './document';
import { toDocumentGraph } from './graphs';
import { sameJson } from '../../domain/json';
import { FlowsAsCodeError, jsonPath } from './problems';

type Db = Prisma.TransactionClient;

export interface ExportResult {
  document: HookflowDocument;
  /** things the document holds that an import will refuse until fixed, e.g. a draft that does not validate */
  warnings: string[];
}

/** The file text: two-space JSON with a final newline, as committed in git. */
export function documentText(document: HookflowDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

const byString = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export async function exportDocument(prisma: Db): Promise<ExportResult> {
  const warnings: string[] = [];
  const integrations = await prisma.integration.findMany({ include: { headers: { orderBy: { position: 'asc' } } } });
  const webhooks = await prisma.webhook.findMany({ include: { integration: { select: { name: true } } } });
  // Archived flows are retired: they stay in the database, out of the document.
  const flows = await prisma.flow.findMany({ where: { status: { not: 'archived' } }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } });

  refuseDuplicateNames(integrations.map((i) => i.name), 'integrations', 'Two integrations are named', 'Webhooks name their integration in the document; rename one on the Integrations page.');
  refuseDuplicateNames(flows.map((f) => f.name), 'flows', 'Two flows are named', 'The import matches flows by name; rename one in the flow editor.');

  const secretRefs = new SecretRefs();
  const systemNames = new Map(webhooks.map((w) => [w.id, w.systemName]));
  const catalog = await webhookCatalog(prisma);
  return {
    document: {
      version: DOCUMENT_VERSION,
      integrations: [...integrations].sort(byString((i) => i.name)).map((integration) => exportIntegration(integration, secretRefs)),
      webhooks: [...webhooks].sort(byString((w) => w.systemName)).map(exportWebhook),
      flows: [...flows].sort(byString((f) => f.name)).map((flow) => {
        const exported = exportFlow(flow, systemNames, warnings);
        const draft = compileFlow(flow.draftGraph, catalog);
        if (!draft.ok) warnings.push(`Flow "${flow.name}": the draft does not validate, so an import will refuse it (${draft.problems.map((p) => p.message).join('; ')})`);
        return exported;
      }),
    },
    warnings,
  };
}

function refuseDuplicateNames(names: string[], collection: string, what: string, fix: string) {
  const seen = new Set<string>();
  const problems = names.flatMap((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [{ path: jsonPath([collection]), message: `${what} "${name}". ${fix}` }];
  });
  if (problems.length > 0) throw new FlowsAsCodeError(problems);
}

/**
 * Secret refs are derived from the integration and header names (`HELPDESK_AUTHORIZATION`); the database
 * does not keep the ref a document was imported with.
 */
class SecretRefs {
  private readonly used = new Set<string>();

  next(integrationName: string, headerName: string): string {
    const base = `${integrationName}_${headerName}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    const stem = /^[A-Z]/.test(base) ? base : `SECRET_${base}`;
    let ref = stem;
    for (let n = 2; this.used.has(ref); n++) ref = `${stem}_${n}`;
    this.used.add(ref);
    return ref;
  }
}

function exportIntegration(
  integration: Prisma.IntegrationGetPayload<{ include: { headers: true } }>,
  secretRefs: SecretRefs,
): DocumentIntegration {
  return {
    name: integration.name,
    rootUrl: integration.rootUrl,
    rateLimitPerSecond: integration.rateLimitPerSecond,
    connectTimeoutMs: integration.connectTimeoutMs,
    requestTimeoutMs: integration.requestTimeoutMs,
    headers: integration.headers.map(
      (h): DocumentHeader => (h.secret ? { name: h.name, secretRef: secretRefs.next(integration.name, h.name) } : { name: h.name, value: h.value }),
    ),
  };
}

function exportWebhook(webhook: Prisma.WebhookGetPayload<{ include: { integration: { select: { name: true } } } }>): DocumentWebhook {
  // The editor's fields, with the integration named instead of referenced by id.
  const { id: _id, integrationId: _integrationId, systemName, name, ...settings } = webhookFromRow(webhook);
  return { systemName, name, integration: webhook.integration.name, ...settings };
}

function exportFlow(
  flow: Prisma.FlowGetPayload<{ include: { versions: true } }>,
  systemNames: ReadonlyMap<string, string>,
  warnings: string[],
): DocumentFlow {
  const convert = (stored: unknown, which: string): DocumentGraph => {
    const parsed = flowGraphSchema.safeParse(stored);
    if (!parsed.success) {
      warnings.push(`Flow "${flow.name}": the ${which} graph is not a valid flow graph; it is exported as stored`);
      return stored as DocumentGraph;
    }
    const { graph, missing } = toDocumentGraph(parsed.data, (id) => systemNames.get(id));
    for (const nodeId of missing) warnings.push(`Flow "${flow.name}", ${which} step "${nodeId}": sends a webhook that no longer exists`);
    return graph;
  };
  const graph = convert(flow.draftGraph, 'draft');
  const live = flow.versions[0];
  if (!live) return { name: flow.name, graph, published: false };
  const publishedGraph = convert(live.graph as FlowGraph, 'published');
  return sameJson(publishedGraph, graph) ? { name: flow.name, graph, published: true } : { name: flow.name, graph, published: true, publishedGraph };
}
