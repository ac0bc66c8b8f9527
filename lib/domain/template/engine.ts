/**
 * The Hookflow template engine: Nunjucks plus the `${Path.To.Value}` output syntax, rendered in a hardened
 * environment with context-aware escaping. Shared by the editor (validation, preview) and the activity that
 * sends requests.
 *
 * Nunjucks is not a sandbox (its docs say so), so this module:
 * - rejects at compile time the tags that create callable values (macro, call, import, include, extends,
 *   block) and any name or literal lookup of a dangerous property (constructor, __proto__, ...);
 * - replaces Nunjucks' runtime lookups so that only own data properties are visible and no function can be
 *   reached or called, except the few globals we define;
 * - bounds every render by loop iterations, output size and time.
 * Every output expression is wrapped in a marker filter at the AST level, and the markers are replaced after
 * rendering according to where they landed (inside a JSON string, outside one, a URL or a header).
 */
import nunjucks from 'nunjucks';
import { escapeForMode, type OutputMode } from './escape';
import { installHardenedRuntime, withRenderBudget, checkTime, SAFE_GLOBALS, FORBIDDEN_NAMES, DEFAULT_LIMITS, type RenderLimits } from './hardening';
import { registerFilters } from './filters';


const { nodes, parser, compiler } = nunjucks as unknown as NunjucksInternals;

export class TemplateError extends Error {
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.name = 'TemplateError';
    this.line = line;
    this.column = column;
  }
}

/** Roots a template may reference, in the spelling of docs/templates.md. */
const TEMPLATE_ROOTS = ['Customer', 'Event', 'Webhooks', 'WebhookRequest', 'Flow', 'Run'] as const;

const FORBIDDEN_TAGS: Record<string, string> = {
  Macro: 'macro',
  Caller: 'call',
  Import: 'import',
  FromImport: 'from … import',
  Include: 'include',
  Extends: 'extends',
  Block: 'block',
  Super: 'super',
  CallExtension: 'extension tags',
  CallExtensionAsync: 'extension tags',
  FilterAsync: 'async filters',
};


const OUTPUT_FILTER = '__hf_out';
const MARKER = '\u0000';

const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
(environment as unknown as { globals: Record<string, unknown> }).globals = SAFE_GLOBALS;
registerFilters(environment);
installHardenedRuntime();

interface RenderState {
  values: unknown[];
}
let currentRender: RenderState | null = null;

environment.addFilter(OUTPUT_FILTER, (value: unknown) => {
  if (!currentRender) throw new Error('template output outside a render');
  checkTime();
  currentRender.values.push(value);
  return `${MARKER}${currentRender.values.length - 1}${MARKER}`;
});

export interface CompiledTemplate {
  readonly source: string;
  /** Dotted paths read through literal lookups, e.g. `Webhooks.crm_lookup.Fields.tier`. */
  readonly paths: readonly string[];
  /** top-level names read that no `for` or `set` in the template defines */
  readonly roots: readonly string[];
  render(context: Record<string, unknown>, mode: OutputMode, limits?: Partial<RenderLimits>): string;
}

/** `${Customer.Email}` → `{{ Customer.Email }}`. Everything else is Nunjucks. */
function toNunjucksSource(source: string): string {
  return source.replace(/\$\{([^{}]*)\}/g, (_match, expr: string) => `{{ ${expr.trim()} }}`);
}

export function compileTemplate(source: string): CompiledTemplate {
  if (source.includes(MARKER)) throw new TemplateError('Templates cannot contain NUL characters');
  const nunjucksSource = toNunjucksSource(source);
  let ast: NunjucksNode;
  try {
    ast = parser.parse(nunjucksSource, [], {});
  } catch (error) {
    throw asTemplateError(error);
  }
  const paths = new Set<string>();
  const bound = new Set<string>(['loop']);
  inspectAndWrap(ast, paths, bound);
  const roots = [...new Set([...paths].map((p) => p.split('.')[0]!))].filter((root) => !bound.has(root) && !(root in SAFE_GLOBALS));
  let code: string;
  try {
    const c = new compiler.Compiler('template', false);
    c.compile(ast);
    code = c.getCode();
  } catch (error) {
    throw asTemplateError(error);
  }
  // Nunjucks' own loader evaluates compiled code the same way (Template#_compile).
  const props = new Function(code)() as object;
  const template = new nunjucks.Template({ type: 'code', obj: props } as never, environment);

  return {
    source,
    paths: [...paths],
    roots,
    render(context, mode, limits) {
      const state: RenderState = { values: [] };
      const previous = currentRender;
      currentRender = state;
      let text: string;
      try {
        text = withRenderBudget(limits, () => template.render(context));
      } catch (error) {
        throw asTemplateError(error);
      } finally {
        currentRender = previous;
      }
      return substituteMarkers(text, state.values, mode, limits?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes);
    },
  };
}

/** Compile-and-render once; for previews and tests. Sends use a cached compiled template. */
export function renderTemplate(source: string, context: Record<string, unknown>, mode: OutputMode): string {
  return compileTemplate(source).render(context, mode);
}

function substituteMarkers(text: string, values: unknown[], mode: OutputMode, maxBytes: number): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === MARKER) {
      const end = text.indexOf(MARKER, i + 1);
      const value = values[Number(text.slice(i + 1, end))];
      out += escapeForMode(value, mode, inString);
      i = end;
      escaped = false;
    } else {
      if (mode === 'json') {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
        } else if (ch === '"') {
          inString = true;
        }
      }
      out += ch;
    }
    if (out.length > maxBytes) throw new TemplateError(`Rendered output is larger than ${maxBytes} bytes`);
  }
  return out;
}

/** Validates the AST, records literal lookup paths, and wraps each output expression in the marker filter. */
function inspectAndWrap(node: NunjucksNode, paths: Set<string>, bound: Set<string>): void {
  const typename = node.typename;
  if (typename in FORBIDDEN_TAGS) {
    throw new TemplateError(`The "${FORBIDDEN_TAGS[typename]}" tag is not allowed in Hookflow templates`, line(node), col(node));
  }
  if (typename === 'Symbol' && FORBIDDEN_NAMES.has(String(node.value))) {
    throw new TemplateError(`"${String(node.value)}" is not allowed in templates`, line(node), col(node));
  }
  if (typename === 'LookupVal') {
    const key = node.val as NunjucksNode;
    if (key.typename === 'Literal' && FORBIDDEN_NAMES.has(String(key.value))) {
      throw new TemplateError(`"${String(key.value)}" is not allowed in templates`, line(node), col(node));
    }
    const path = literalPath(node);
    if (path) paths.add(path);
  }
  if (typename === 'Symbol') paths.add(String(node.value));
  if (typename === 'Output') {
    const children = node.children as NunjucksNode[];
    node.children = children.map((child) =>
      child.typename === 'TemplateData'
        ? child
        : new nodes.Filter(child.lineno, child.colno, new nodes.Symbol(child.lineno, child.colno, OUTPUT_FILTER), new nodes.NodeList(child.lineno, child.colno, [child])),
    );
  }
  if (typename === 'For' || typename === 'AsyncEach' || typename === 'AsyncAll') collectNames(node.name as NunjucksNode, bound);
  if (typename === 'Set') (node.targets as NunjucksNode[]).forEach((target) => collectNames(target, bound));
  for (const field of node.fields ?? []) {
    // A filter's name is not a variable.
    if (typename === 'Filter' && field === 'name') continue;
    const value = node[field];
    if (Array.isArray(value)) value.forEach((child) => isNode(child) && inspectAndWrap(child, paths, bound));
    else if (isNode(value)) inspectAndWrap(value, paths, bound);
  }
  if (Array.isArray(node.children) && !(node.fields ?? []).includes('children')) {
    (node.children as NunjucksNode[]).forEach((child) => inspectAndWrap(child, paths, bound));
  }
}

function collectNames(node: NunjucksNode, into: Set<string>): void {
  if (node.typename === 'Symbol') into.add(String(node.value));
  else if (Array.isArray(node.children)) (node.children as NunjucksNode[]).forEach((child) => collectNames(child, into));
}

export interface TemplateProblem {
  message: string;
  line?: number;
  column?: number;
}

/**
 * Save-time checks: syntax, forbidden constructs, and variables outside the known roots. Returns every
 * problem found (syntax errors stop at the first).
 */
export function validateTemplate(source: string): TemplateProblem[] {
  let template: CompiledTemplate;
  try {
    template = compileTemplate(source);
  } catch (error) {
    const e = asTemplateError(error);
    return [{ message: e.message, line: e.line, column: e.column }];
  }
  return template.roots
    .filter((root) => !(TEMPLATE_ROOTS as readonly string[]).includes(root))
    .map((root) => ({ message: `Unknown variable "${root}": variables start with ${TEMPLATE_ROOTS.join(', ')}` }));
}

function literalPath(node: NunjucksNode): string | null {
  if (node.typename === 'Symbol') return String(node.value);
  if (node.typename !== 'LookupVal') return null;
  const key = node.val as NunjucksNode;
  if (key.typename !== 'Literal') return null;
  const parent = literalPath(node.target as NunjucksNode);
  return parent === null ? null : `${parent}.${String(key.value)}`;
}

function isNode(value: unknown): value is NunjucksNode {
  return typeof value === 'object' && value !== null && typeof (value as NunjucksNode).typename === 'string';
}

const line = (node: NunjucksNode) => (typeof node.lineno === 'number' ? node.lineno + 1 : undefined);
const col = (node: NunjucksNode) => (typeof node.colno === 'number' ? node.colno + 1 : undefined);

function asTemplateError(error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  // Nunjucks formats errors as "(unknown path) [Line 1, Column 5]\n  message"
  const position = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const message = raw
    .replace(/^\(unknown path\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^Template render error:\s*/, '')
    .replace(/^(Error: )+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const located = error as { lineno?: number; colno?: number };
  const lineNo = position ? Number(position[1]) : typeof located.lineno === 'number' ? located.lineno : undefined;
  const colNo = position ? Number(position[2]) : typeof located.colno === 'number' ? located.colno : undefined;
  return new TemplateError(message || 'Invalid template', lineNo, colNo);
}

interface NunjucksNode {
  typename: string;
  lineno: number;
  colno: number;
  fields?: string[];
  children?: unknown;
  [key: string]: unknown;
}
type NodeConstructor = new (lineno: number, colno: number, ...args: unknown[]) => NunjucksNode;
interface NunjucksInternals {
  nodes: { Filter: NodeConstructor; Symbol: NodeConstructor; NodeList: NodeConstructor };
  parser: { parse(src: string, extensions: unknown[], opts: object): NunjucksNode };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => { compile(ast: NunjucksNode): void; getCode(): string } };
}
