/** Reading a document: JSON, then the format version, then every field, each problem at its JSON path. */
import { DOCUMENT_VERSION, hookflowDocumentSchema, type HookflowDocument } from './document';
import { jsonPath, type DocumentProblem } from './problems';

export type ParseResult = { ok: true; document: HookflowDocument } | { ok: false; problems: DocumentProblem[] };

export function parseDocument(source: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (error) {
    return refused('$', `This is not JSON: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return refused('$', 'A Hookflow document is a JSON object with "version", "integrations", "webhooks" and "flows"');
  // Check the version first: a document of another format would otherwise drown in field errors.
  const version = (raw as { version?: unknown }).version;
  if (version === undefined) return refused('$.version', `Missing "version": this Hookflow reads version ${DOCUMENT_VERSION} documents`);
  if (version !== DOCUMENT_VERSION) return refused('$.version', `Version ${JSON.stringify(version)} is not supported: this Hookflow reads version ${DOCUMENT_VERSION} documents`);

  const parsed = hookflowDocumentSchema.safeParse(raw, {
    error: (issue) => (issue.input === undefined && issue.code !== 'custom' ? `Missing "${String(issue.path?.at(-1) ?? 'value')}"` : undefined),
  });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })) };
  return { ok: true, document: parsed.data };
}

function refused(path: string, message: string): ParseResult {
  return { ok: false, problems: [{ path, message }] };
}
