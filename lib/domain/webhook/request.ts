/**
 * Builds the exact HTTP request a webhook sends for a given template context: URL, headers and body,
 * rendered with context-aware escaping. Pure; the activity, the test send and the editor preview share it.
 */
import { compileTemplate, TemplateError, type CompiledTemplate } from '../template/engine';
import { mergeHeaders, SECRET_MASK, type HeaderEntry } from '../http/headers';
import { joinUrl } from '../http/url';
import { jsonErrorOffset } from '../json';
import { METHODS, type Method } from '../http/methods';


export interface WebhookDefinition {
  /** keys the compiled-template cache together with `version` */
  id?: string;
  version?: number;
  method: string;
  path: string;
  bodyTemplate: string;
  headers: HeaderEntry[];
  disabledHeaders: string[];
  integration: { rootUrl: string; headers: HeaderEntry[] };
}

export interface BuiltRequest {
  method: Method;
  url: string;
  headers: { name: string; value: string; secret: boolean }[];
  body: string | null;
}

/** Where a template problem is, for messages like `Body, line 3: unexpected token`. */
export class RequestBuildError extends Error {
  constructor(
    readonly part: 'url' | 'header' | 'body',
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${part === 'url' ? 'URL path' : part === 'header' ? 'Header' : 'Body'}${line ? `, line ${line}` : ''}: ${detail}`);
    this.name = 'RequestBuildError';
  }
}

const cache = new Map<string, CompiledTemplate>();
const CACHE_LIMIT = 2000;

/** Compiled templates are cached per webhook version (and by source for unsaved drafts). */
function compiled(source: string, key: string | null): CompiledTemplate {
  const cacheKey = key ?? `src:${source}`;
  let template = cache.get(cacheKey);
  if (!template || template.source !== source) {
    template = compileTemplate(source);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, template);
  }
  return template;
}

function render(part: RequestBuildError['part'], source: string, key: string | null, context: Record<string, unknown>, mode: 'url' | 'header' | 'json'): string {
  try {
    return compiled(source, key).render(context, mode);
  } catch (error) {
    if (error instanceof TemplateError) throw new RequestBuildError(part, error.message, error.line);
    throw error;
  }
}

export function buildRequest(webhook: WebhookDefinition, context: Record<string, unknown>): BuiltRequest {
  const keyBase = webhook.id && webhook.version !== undefined ? `${webhook.id}@${webhook.version}` : null;
  const key = (suffix: string) => (keyBase ? `${keyBase}:${suffix}` : null);
  const method = webhook.method.toUpperCase() as Method;
  if (!METHODS.includes(method)) throw new RequestBuildError('url', `Unsupported method "${webhook.method}"`);

  const path = render('url', webhook.path, key('path'), context, 'url');
  const url = joinUrl(webhook.integration.rootUrl, path);
  try {
    new URL(url);
  } catch {
    throw new RequestBuildError('url', `The rendered URL "${url}" is not a valid URL`);
  }

  const merged = mergeHeaders(webhook.integration.headers, webhook.disabledHeaders, webhook.headers);
  const headers = merged.map((header, index) => ({
    name: header.name,
    // Secret values are stored values, never templates: they are sent as they are.
    value: header.secret ? header.value : render('header', header.value, key(`h${index}:${header.name}`), context, 'header'),
    secret: header.secret ?? false,
  }));

  let body: string | null = null;
  if (webhook.bodyTemplate.trim() !== '') {
    body = render('body', webhook.bodyTemplate, key('body'), context, 'json');
    if (body.trim() !== '') {
      try {
        JSON.parse(body);
      } catch (error) {
        throw jsonError(body, (error as Error).message, compiled(webhook.bodyTemplate, key('body')), context);
      }
    } else {
      body = null;
    }
  }
  if (body !== null && !headers.some((h) => h.name.toLowerCase() === 'content-type')) {
    headers.push({ name: 'Content-Type', value: 'application/json', secret: false });
  }
  return { method, url, headers, body };
}

/**
 * A rendered body that is not JSON, explained at the template line that produced the offending character
 * (the rendered text is never shown to the person editing the template).
 */
function jsonError(body: string, raw: string, template: CompiledTemplate, context: Record<string, unknown>): RequestBuildError {
  const offset = jsonErrorOffset(body);
  const line = offset === null ? undefined : (template.lineAt(context, 'json', offset) ?? undefined);
  const found = offset === null ? undefined : body[offset];
  const detail =
    offset === null || found === undefined
      ? 'it ends too early (a missing }, ] or ")'
      : /^\s*$/.test(found)
        ? raw.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '')
        : `unexpected ${found} (a missing comma, quote or bracket nearby?)`;
  return new RequestBuildError('body', `The body is not valid JSON with this data: ${detail}`, line);
}

/** Headers for logs, previews and the browser: secret values masked. */
export function redactHeaders(headers: BuiltRequest['headers']): { name: string; value: string; secret: boolean }[] {
  return headers.map((h) => ({ name: h.name, value: h.secret ? SECRET_MASK : h.value, secret: h.secret }));
}
