/**
 * Preparing an import: match each entity of the document with the database (integrations by name, webhooks
 * by system name, flows by name), validate everything as it will be after the import, and work out what
 * changes. Nothing is written here; an import with problems is refused whole.
 *
 * Validation reuses what the editors use: the integration input schema, the webhook editor's template and
 * capture checks, and the flow compiler with a webhook catalog merged from the database and the document.
 */
import type { Prisma } from '../../generated/prisma/client';
import { compileFlow, type FlowProblem } from '../../domain/flow/compile';
import { checkWebhook, type IntegrationHeaders } from '../../domain/webhook/checks';
import { webhookInfo, type WebhookInfo } from '../../domain/flow/webhook-catalog';
import { integrationInput } from '../../domain/schemas/integration';
import { sampleDataInput, type WebhookInput } from '../../domain/schemas/webhook';
import { secretEnvName, type DocumentFlow, type DocumentGraph, type DocumentIntegration, type DocumentWebhook, type HookflowDocument } from './document';
import { toStoredGraph, webhookReferences } from './graphs';
import { headerValue } from '../webhooks/definition';
import { sameJson } from '../../domain/json';
import { fieldPath, jsonPath, type DocumentProblem } from './problems';
import type { Change } from '../../domain/flows-as-code/changes';

type Db = Prisma.TransactionClient;

export interface PrepareOptions {
  /** make live what the document says is live ("published": true) */
  publish?: boolean;
  /** a secret's value by its ref: HOOKFLOW_SECRET_<REF> from the environment, or a value typed in the UI */
  secret: (ref: string) => string | undefined;
  /** where a supplied secret came from, in words (default: its HOOKFLOW_SECRET_<REF> variable) */
  secretSource?: (ref: string) => string;
  secretKey: () => Buffer;
}

interface HeaderRow {
  name: string;
  /** plain text; encrypted when written */
  value: string;
  secret: boolean;
}

interface IntegrationStep {
  existingId: string | null;
  data: { name: string; rootUrl: string; rateLimitPerSecond: number | null; connectTimeoutMs: number; requestTimeoutMs: number };
  headers: HeaderRow[];
  write: boolean;
}

interface WebhookStep {
  existingId: string | null;
  /** the integration by id when it exists now, else by the name it is created under */
  integration: { id: string } | { name: string };
  data: Omit<WebhookInput, 'integrationId'>;
  write: boolean;
}

export interface FlowStep {
  existingId: string | null;
  hasVersions: boolean;
  doc: DocumentFlow;
  writeDraft: boolean;
  /** which graph becomes the live version: the draft (the editor's publish path) or the document's publishedGraph */
  publish: 'draft' | 'publishedGraph' | null;
}

export interface PreparedImport {
  changes: Change[];
  integrations: IntegrationStep[];
  webhooks: WebhookStep[];
  flows: FlowStep[];
}

export type PrepareResult = { ok: true; import: PreparedImport } | { ok: false; problems: DocumentProblem[] };

type State = Awaited<ReturnType<typeof loadState>>;

async function loadState(tx: Db) {
  const [integrations, webhooks, flows] = await Promise.all([
    tx.integration.findMany({ include: { headers: { orderBy: { position: 'asc' } } } }),
    tx.webhook.findMany(),
    tx.flow.findMany({ where: { status: { not: 'archived' } }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } }),
  ]);
  return { integrations, webhooks, flows };
}

export async function prepareImport(tx: Db, document: HookflowDocument, options: PrepareOptions): Promise<PrepareResult> {
  const problems: DocumentProblem[] = [];
  const state = await loadState(tx);
  refuseDuplicates(document.integrations.map((i) => i.name), 'integrations', 'name', 'Another integration in this document has the name', problems);
  refuseDuplicates(document.webhooks.map((w) => w.systemName), 'webhooks', 'systemName', 'Another webhook in this document has the system name', problems);
  refuseDuplicates(document.flows.map((f) => f.name), 'flows', 'name', 'Another flow in this document has the name', problems);

  const integrations = document.integrations.map((doc, index) => prepareIntegration(doc, index, state, options, problems));
  const integrationView = integrationsAfterImport(state, document.integrations, integrations);
  const webhooks = document.webhooks.map((doc, index) => prepareWebhook(doc, index, state, integrationView, problems));
  const catalog = catalogAfterImport(state, webhooks);
  const flows = document.flows.map((doc, index) => prepareFlow(doc, index, state, catalog, options, problems));

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    import: {
      changes: [...integrations.map((s) => s.change), ...webhooks.map((s) => s.change), ...flows.map((s) => s.change)],
      integrations: integrations.map((s) => s.step),
      webhooks: webhooks.map((s) => s.step),
      flows: flows.map((s) => s.step),
    },
  };
}

function refuseDuplicates(keys: string[], collection: string, field: string, message: string, problems: DocumentProblem[]) {
  const first = new Map<string, number>();
  keys.forEach((key, index) => {
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else problems.push({ path: jsonPath([collection, index, field]), message: `${message} "${key}" (${jsonPath([collection, earlier])})` });
  });
}

/** The one database row with this name; several are ambiguous and reported at `path`. */
function uniqueByName<T extends { name: string }>(rows: T[], name: string, what: string, path: string, problems: DocumentProblem[]): T | null {
  const matches = rows.filter((row) => row.name === name);
  if (matches.length > 1) {
    problems.push({ path, message: `Hookflow has ${matches.length} ${what} named "${name}", so the import cannot tell which one is meant; rename all but one` });
  }
  return matches.length === 1 ? matches[0]! : null;
}

// ── Integrations ────────────────────────────────────────────────────────────────────────────────────────

function prepareIntegration(doc: DocumentIntegration, index: number, state: State, options: PrepareOptions, problems: DocumentProblem[]) {
  const path = ['integrations', index] as const;
  const existing = uniqueByName(state.integrations, doc.name, 'integrations', jsonPath([...path, 'name']), problems);
  const stored = storedHeaders(existing, options.secretKey, jsonPath(path), problems);
  const notes: string[] = [];
  const headers = doc.headers.flatMap((header, headerIndex): HeaderRow[] => {
    if ('value' in header) return [{ name: header.name, value: header.value, secret: false }];
    const supplied = options.secret(header.secretRef);
    if (supplied !== undefined) {
      notes.push(`secret ${header.name} from ${options.secretSource?.(header.secretRef) ?? secretEnvName(header.secretRef)}`);
      return [{ name: header.name, value: supplied, secret: true }];
    }
    const kept = stored?.find((h) => h.name.toLowerCase() === header.name.toLowerCase());
    if (kept) return [{ name: header.name, value: kept.value, secret: true }];
    problems.push({
      path: jsonPath([...path, 'headers', headerIndex, 'secretRef']),
      message: `No value for the secret header "${header.name}": set ${secretEnvName(header.secretRef)}${existing ? '; Hookflow has no stored value for it' : ' (the integration is new, so there is no stored value to keep)'}`,
    });
    return [];
  });
  const data = {
    name: doc.name,
    rootUrl: doc.rootUrl.trim(),
    rateLimitPerSecond: doc.rateLimitPerSecond,
    connectTimeoutMs: doc.connectTimeoutMs,
    requestTimeoutMs: doc.requestTimeoutMs,
  };
  // The editor's own rules, on the values as they will be stored (secret values included).
  const check = integrationInput.safeParse({ ...data, headers });
  if (!check.success) {
    for (const issue of check.error.issues) {
      const [, headerIndex, field] = issue.path;
      const secretField = issue.path[0] === 'headers' && field === 'value' && headers[headerIndex as number]?.secret;
      problems.push({ path: jsonPath([...path, ...(secretField ? ['headers', headerIndex as number, 'secretRef'] : issue.path)]), message: issue.message });
    }
  }

  const details = existing ? integrationDifferences(existing, data, stored ?? [], headers) : notes;
  const action = !existing ? 'create' : details.length > 0 ? 'update' : 'unchanged';
  const step: IntegrationStep = { existingId: existing?.id ?? null, data, headers, write: action !== 'unchanged' };
  return { step, change: { kind: 'integration', name: doc.name, action, details } satisfies Change };
}

type StoredIntegration = State['integrations'][number];

/** The stored headers with secret values decrypted, to compare and to keep; null for a new integration. */
function storedHeaders(existing: StoredIntegration | null, secretKey: () => Buffer, path: string, problems: DocumentProblem[]): HeaderRow[] | null {
  if (!existing) return null;
  try {
    return existing.headers.map((h) => ({ name: h.name, value: headerValue(h, secretKey, true, ''), secret: h.secret }));
  } catch (error) {
    problems.push({ path, message: `The integration "${existing.name}" in Hookflow: ${(error as Error).message}` });
    return null;
  }
}

function integrationDifferences(existing: StoredIntegration, data: IntegrationStep['data'], stored: HeaderRow[], headers: HeaderRow[]): string[] {
  const details: string[] = (['rootUrl', 'rateLimitPerSecond', 'connectTimeoutMs', 'requestTimeoutMs'] as const).filter((field) => existing[field] !== data[field]);
  if (!sameJson(stored, headers)) {
    const find = (rows: HeaderRow[], name: string) => rows.find((h) => h.name.toLowerCase() === name.toLowerCase());
    const names = [...new Set([...stored, ...headers].map((h) => h.name.toLowerCase()))]
      .map((key) => ({ was: find(stored, key), now: find(headers, key) }))
      .filter(({ was, now }) => !sameJson(was, now))
      .map(({ was, now }) => (!was ? `+${now!.name}` : !now ? `-${was.name}` : now.name));
    details.push(`headers (${names.length > 0 ? names.join(', ') : 'order'})`);
  }
  return details;
}

/** What checkWebhook needs of each integration name, as it will be after the import. Secret values stay blank. */
type IntegrationView = Map<string, { ref: { id: string } | { name: string }; headers: IntegrationHeaders } | 'ambiguous'>;

function integrationsAfterImport(state: State, docs: DocumentIntegration[], steps: { step: IntegrationStep }[]): IntegrationView {
  const view: IntegrationView = new Map();
  for (const row of state.integrations) {
    view.set(
      row.name,
      view.has(row.name)
        ? 'ambiguous'
        : {
            ref: { id: row.id },
            headers: { rootUrl: row.rootUrl, connectTimeoutMs: row.connectTimeoutMs, requestTimeoutMs: row.requestTimeoutMs, headers: row.headers.map((h) => ({ name: h.name, secret: h.secret, value: h.secret ? '' : h.value })) },
          },
    );
  }
  steps.forEach(({ step }, index) => {
    const { name, rootUrl, connectTimeoutMs, requestTimeoutMs } = step.data;
    view.set(docs[index]!.name, {
      ref: step.existingId ? { id: step.existingId } : { name },
      headers: { rootUrl, connectTimeoutMs, requestTimeoutMs, headers: step.headers.map((h) => ({ ...h, value: h.secret ? '' : h.value })) },
    });
  });
  return view;
}

// ── Webhooks ────────────────────────────────────────────────────────────────────────────────────────────

const WEBHOOK_FIELDS = ['name', 'description', 'method', 'path', 'headers', 'disabledHeaders', 'bodyTemplate', 'captureEnabled', 'captureFields', 'maxRetries', 'retryWindowSeconds'] as const;

function prepareWebhook(doc: DocumentWebhook, index: number, state: State, integrations: IntegrationView, problems: DocumentProblem[]) {
  const path = jsonPath(['webhooks', index]);
  const { integration: integrationName, ...data } = doc;
  const integration = integrations.get(integrationName);
  if (integration === 'ambiguous') {
    problems.push({ path: `${path}.integration`, message: `Hookflow has several integrations named "${integrationName}", so the import cannot tell which one is meant; rename all but one` });
  } else if (!integration) {
    problems.push({ path: `${path}.integration`, message: `No integration named "${integrationName}" in this document or in Hookflow` });
  } else {
    // The webhook editor's checks: template syntax, JSON body with sample data, capture paths. It reads the
    // integration from its second argument, so the id only has to be present (it is resolved by name).
    const check = checkWebhook({ ...data, integrationId: 'resolved-by-name' }, integration.headers, sampleDataInput.parse({}));
    for (const [field, messages] of Object.entries(check.fieldErrors)) {
      for (const message of messages) problems.push({ path: fieldPath(path, field), message });
    }
  }
  const existing = state.webhooks.find((w) => w.systemName === doc.systemName) ?? null;
  const ref = integration && integration !== 'ambiguous' ? integration.ref : { name: integrationName };
  const details = existing
    ? [
        ...('id' in ref && ref.id === existing.integrationId ? [] : ['integration']),
        ...WEBHOOK_FIELDS.filter((field) => !sameJson(existing[field], data[field])),
      ]
    : [];
  const action = !existing ? 'create' : details.length > 0 ? 'update' : 'unchanged';
  const step: WebhookStep = { existingId: existing?.id ?? null, integration: ref, data, write: action !== 'unchanged' };
  return { step, change: { kind: 'webhook', name: doc.systemName, action, details } satisfies Change };
}

/** Every webhook as it will be after the import, keyed by id; new webhooks get a stand-in id until written. */
interface Catalog {
  byId: Map<string, WebhookInfo>;
  idOf: Map<string, string>;
}

const newWebhookId = (systemName: string) => `new:${systemName}`;

function catalogAfterImport(state: State, webhooks: { step: WebhookStep }[]): Catalog {
  const byId = new Map<string, WebhookInfo>();
  const idOf = new Map<string, string>();
  for (const row of state.webhooks) {
    byId.set(row.id, webhookInfo(row));
    idOf.set(row.systemName, row.id);
  }
  for (const { step } of webhooks) {
    const id = step.existingId ?? newWebhookId(step.data.systemName);
    byId.set(id, webhookInfo({ id, ...step.data }));
    idOf.set(step.data.systemName, id);
  }
  return { byId, idOf };
}

// ── Flows ───────────────────────────────────────────────────────────────────────────────────────────────

function prepareFlow(doc: DocumentFlow, index: number, state: State, catalog: Catalog, options: PrepareOptions, problems: DocumentProblem[]) {
  const path = ['flows', index] as const;
  const existing = uniqueByName(state.flows, doc.name, 'flows', jsonPath([...path, 'name']), problems);
  if (doc.publishedGraph && !doc.published) {
    problems.push({ path: jsonPath([...path, 'publishedGraph']), message: 'A flow with "published": false has no published version; remove "publishedGraph" or set "published": true' });
  }
  const draft = compileDocumentGraph(doc.graph, [...path, 'graph'], catalog, problems);
  const live = doc.publishedGraph ? compileDocumentGraph(doc.publishedGraph, [...path, 'publishedGraph'], catalog, problems) : draft;

  const latest = existing?.versions[0] ?? null;
  const writeDraft = !existing || (draft !== null && !sameJson(existing.draftGraph, draft));
  const liveDiffers = doc.published && live !== null && !(latest && sameJson(latest.graph, live));
  const details = existing && writeDraft ? ['draft graph'] : [];
  if (liveDiffers && !options.publish) details.push('its published version is not live here: import with --publish to publish it');
  const publish = liveDiffers && options.publish ? (doc.publishedGraph ? 'publishedGraph' : 'draft') : null;
  const change: Change = { kind: 'flow', name: doc.name, action: !existing ? 'create' : writeDraft ? 'update' : 'unchanged', details };
  if (publish) change.publishes = (latest?.version ?? 0) + 1;
  const step: FlowStep = { existingId: existing?.id ?? null, hasVersions: latest !== null, doc, writeDraft, publish };
  return { step, change };
}

/** Checks webhook references, then compiles like publishing does; answers the graph as it would be stored. */
function compileDocumentGraph(graph: DocumentGraph, path: readonly (string | number)[], catalog: Catalog, problems: DocumentProblem[]) {
  const dangling = webhookReferences(graph).filter((ref) => !catalog.idOf.has(ref.systemName));
  for (const ref of dangling) {
    problems.push({ path: jsonPath([...path, 'nodes', ref.nodeIndex, 'data', 'webhook']), message: `No webhook with the system name "${ref.systemName}" in this document or in Hookflow` });
  }
  if (dangling.length > 0) return null;
  const result = compileFlow(toStoredGraph(graph, (systemName) => catalog.idOf.get(systemName)!), catalog.byId);
  if (!result.ok) {
    for (const problem of result.problems) problems.push({ path: problemPath(graph, path, problem), message: problem.message });
    return null;
  }
  return result.graph;
}

/** The compiler reports problems on a node or an edge by id; the document finds them by index. */
function problemPath(graph: DocumentGraph, path: readonly (string | number)[], problem: FlowProblem): string {
  const edge = problem.edgeId === undefined ? -1 : graph.edges.findIndex((e) => e.id === problem.edgeId);
  if (edge !== -1) return jsonPath([...path, 'edges', edge]);
  const node = problem.nodeId === undefined ? -1 : graph.nodes.findIndex((n) => n.id === problem.nodeId);
  return jsonPath(node === -1 ? path : [...path, 'nodes', node]);
}
