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


const { nodes, parser, lexer, compiler } = nunjucks as unknown as NunjucksInternals;

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
const POSITION_FILTER = '__hf_pos';
const MARKER = '\u0000';
const POSITION = '\u0001';

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

environment.addFilter(POSITION_FILTER, (index: unknown) => `${POSITION}${String(index)}${POSITION}`);

export interface CompiledTemplate {
  readonly source: string;
  /** Dotted paths read through literal lookups, e.g. `Webhooks.crm_lookup.Fields.tier`. */
  readonly paths: readonly string[];
  /** top-level names read that no `for` or `set` in the template defines */
  readonly roots: readonly string[];
  render(context: Record<string, unknown>, mode: OutputMode, limits?: Partial<RenderLimits>): string;
  /**
   * The template line that produced the character at `offset` of the rendered output (a source map kept by
   * rendering again with position markers; only used to explain an error, never on a send).
   */
  lineAt(context: Record<string, unknown>, mode: OutputMode, offset: number): number | null;
}

/**
 * `${Customer.Email}` → `{{Customer.Email}}`. Everything else is Nunjucks. Lines stay where they are, and
 * each conversion adds one character (the second `}`), so positions map back exactly (`SourcePositions`).
 */
function toNunjucksSource(source: string): { text: string; positions: SourcePositions } {
  const added = new Map<number, number[]>();
  let line = 1;
  let lineStart = 0;
  let shift = 0;
  let text = '';
  let last = 0;
  const pattern = /\$\{([^{}]*)\}/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    for (let i = last; i < match.index + match[0].length; i++) {
      if (source[i] === '\n') {
        line++;
        lineStart = i + 1;
        shift = 0;
      }
    }
    text += `${source.slice(last, match.index)}{{${match[1]}}}`;
    // The extra `}` sits at this column (1-based, converted text) of this line.
    const column = match.index + match[0].length - lineStart + shift + 1;
    (added.get(line) ?? added.set(line, []).get(line)!).push(column);
    shift++;
    last = match.index + match[0].length;
  }
  text += source.slice(last);
  return { text, positions: new SourcePositions(added) };
}

/** Maps a line and column of the converted Nunjucks text back to the template as written. */
class SourcePositions {
  constructor(private readonly added: Map<number, number[]>) {}
  column(line: number, column: number): number {
    return column - (this.added.get(line) ?? []).filter((c) => c < column).length;
  }
}

const BLOCK_TAGS = new Set(['if', 'for', 'asyncEach', 'asyncAll', 'filter', 'raw', 'verbatim', 'switch']);

/**
 * Parses with Nunjucks' own parser, remembering where each tag opened: Nunjucks reports an unclosed tag at
 * the end of the input (or nowhere), where a person needs the line of the tag that was left open.
 */
function parseLocated(text: string): NunjucksNode {
  const tokens = lexer.lex(text, {});
  const next = tokens.nextToken.bind(tokens);
  const open: { name: string; line: number; col: number }[] = [];
  let lastTag: { line: number; col: number } | null = null;
  let previous: NunjucksToken | null = null;
  let lastToken: NunjucksToken | null = null;
  tokens.nextToken = () => {
    const token = next();
    if (token && token.type !== 'whitespace') {
      if (token.type === 'block-start') lastTag = { line: token.lineno, col: token.colno };
      if (previous?.type === 'block-start' && token.type === 'symbol') {
        const name = String(token.value);
        if (name.startsWith('end')) open.pop();
        else if (BLOCK_TAGS.has(name)) open.push({ name, line: previous.lineno, col: previous.colno });
      }
      previous = token;
      lastToken = token;
    }
    return token;
  };
  try {
    return new parser.Parser(tokens).parseAsRoot();
  } catch (error) {
    const located = error as { lineno?: number; colno?: number; message?: string };
    if (typeof located.lineno === 'number' && typeof located.colno === 'number') throw error;
    const message = String(located.message ?? error);
    const unclosed = open.at(-1);
    const at = /end of file/.test(message) && unclosed
      ? { line: unclosed.line, col: unclosed.col, hint: ` (the {% ${unclosed.name} %} here is never closed)` }
      : /expected block end/.test(message) && lastTag
        ? { ...(lastTag as { line: number; col: number }), hint: ' (close the tag with %})' }
        : lastToken
          ? { line: (lastToken as NunjucksToken).lineno, col: (lastToken as NunjucksToken).colno, hint: '' }
          : null;
    if (!at) throw error;
    throw Object.assign(new Error(`${cleanMessage(message)}${at.hint}`), { lineno: at.line + 1, colno: at.col + 1 });
  }
}

export function compileTemplate(source: string): CompiledTemplate {
  if (source.includes(MARKER) || source.includes(POSITION)) throw new TemplateError('Templates cannot contain NUL or SOH characters');
  const { text: nunjucksSource, positions } = toNunjucksSource(source);
  const located = (error: unknown) => {
    const e = asTemplateError(error);
    return e.line !== undefined && e.column !== undefined ? new TemplateError(e.message, e.line, positions.column(e.line, e.column)) : e;
  };
  const build = (trace: boolean) => {
    let ast: NunjucksNode;
    try {
      ast = parseLocated(nunjucksSource);
    } catch (error) {
      throw located(error);
    }
    const paths = new Set<string>();
    const bound = new Set<string>(['loop']);
    const spots: Spot[] = [];
    try {
      inspectAndWrap(ast, paths, bound, trace ? spots : null);
    } catch (error) {
      throw located(error);
    }
    let code: string;
    try {
      const c = new compiler.Compiler('template', false);
      c.compile(ast);
      code = c.getCode();
    } catch (error) {
      throw located(error);
    }
    // Nunjucks' own loader evaluates compiled code the same way (Template#_compile).
    const props = new Function(code)() as object;
    return { template: new nunjucks.Template({ type: 'code', obj: props } as never, environment), paths, bound, spots };
  };
  const { template, paths, bound } = build(false);
  // Built on demand, once: the variant that records which template line produced each output character.
  let traced: ReturnType<typeof build> | null = null;
  const roots = [...new Set([...paths].map((p) => p.split('.')[0]!))].filter((root) => !bound.has(root) && !(root in SAFE_GLOBALS));

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
      return substituteMarkers(text, state.values, mode, limits?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes, null);
    },
    lineAt(context, mode, offset) {
      traced ??= build(true);
      const state: RenderState = { values: [] };
      const previous = currentRender;
      currentRender = state;
      let text: string;
      try {
        text = withRenderBudget(undefined, () => traced!.template.render(context));
      } catch {
        return null;
      } finally {
        currentRender = previous;
      }
      const lines: number[] = [];
      try {
        substituteMarkers(text, state.values, mode, DEFAULT_LIMITS.maxOutputBytes, { spots: traced.spots, lines });
      } catch {
        return null;
      }
      return lines[Math.min(offset, lines.length - 1)] ?? null;
    },
  };
}

/** Where an output piece starts in the template: literal text advances line by line, a value stays put. */
interface Spot {
  line: number;
  literal: boolean;
}

/** Compile-and-render once; for previews and tests. Sends use a cached compiled template. */
export function renderTemplate(source: string, context: Record<string, unknown>, mode: OutputMode): string {
  return compileTemplate(source).render(context, mode);
}

function substituteMarkers(text: string, values: unknown[], mode: OutputMode, maxBytes: number, trace: { spots: Spot[]; lines: number[] } | null): string {
  let out = '';
  let inString = false;
  let escaped = false;
  let spot: Spot = { line: 1, literal: true };
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (trace && ch === POSITION) {
      const end = text.indexOf(POSITION, i + 1);
      spot = trace.spots[Number(text.slice(i + 1, end))]!;
      line = spot.line;
      i = end;
      continue;
    }
    if (ch === MARKER) {
      const end = text.indexOf(MARKER, i + 1);
      const value = values[Number(text.slice(i + 1, end))];
      const piece = escapeForMode(value, mode, inString);
      out += piece;
      if (trace) for (let k = 0; k < piece.length; k++) trace.lines.push(line);
      i = end;
      escaped = false;
    } else {
      if (trace) {
        trace.lines.push(line);
        if (spot.literal && ch === '\n') line++;
      }
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
function inspectAndWrap(node: NunjucksNode, paths: Set<string>, bound: Set<string>, spots: Spot[] | null): void {
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
    const wrapped = children.map((child) =>
      child.typename === 'TemplateData'
        ? child
        : new nodes.Filter(child.lineno, child.colno, new nodes.Symbol(child.lineno, child.colno, OUTPUT_FILTER), new nodes.NodeList(child.lineno, child.colno, [child])),
    );
    // Tracing: each piece of output is preceded by a marker naming where it starts in the template.
    node.children = spots
      ? wrapped.flatMap((child, i) => {
          const original = children[i]!;
          spots.push({ line: (original.lineno ?? 0) + 1, literal: original.typename === 'TemplateData' });
          const index = new nodes.Literal(child.lineno, child.colno, spots.length - 1);
          return [new nodes.Filter(child.lineno, child.colno, new nodes.Symbol(child.lineno, child.colno, POSITION_FILTER), new nodes.NodeList(child.lineno, child.colno, [index])), child];
        })
      : wrapped;
  }
  if (typename === 'For' || typename === 'AsyncEach' || typename === 'AsyncAll') collectNames(node.name as NunjucksNode, bound);
  if (typename === 'Set') (node.targets as NunjucksNode[]).forEach((target) => collectNames(target, bound));
  for (const field of node.fields ?? []) {
    // A filter's name is not a variable.
    if (typename === 'Filter' && field === 'name') continue;
    const value = node[field];
    if (Array.isArray(value)) value.forEach((child) => isNode(child) && inspectAndWrap(child, paths, bound, spots));
    else if (isNode(value)) inspectAndWrap(value, paths, bound, spots);
  }
  if (Array.isArray(node.children) && !(node.fields ?? []).includes('children')) {
    (node.children as NunjucksNode[]).forEach((child) => inspectAndWrap(child, paths, bound, spots));
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

function cleanMessage(raw: string): string {
  return raw
    .replace(/^\(unknown path\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^Template render error:\s*/, '')
    .replace(/^(Error: )+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function asTemplateError(error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  // Nunjucks formats errors as "(unknown path) [Line 1, Column 5]\n  message"
  const position = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const message = cleanMessage(raw);
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
interface NunjucksToken {
  type: string;
  value: unknown;
  lineno: number;
  colno: number;
}
interface NunjucksTokenizer {
  nextToken(): NunjucksToken | null;
}
interface NunjucksInternals {
  nodes: { Filter: NodeConstructor; Symbol: NodeConstructor; NodeList: NodeConstructor; Literal: NodeConstructor };
  lexer: { lex(src: string, opts: object): NunjucksTokenizer };
  parser: { Parser: new (tokens: NunjucksTokenizer) => { parseAsRoot(): NunjucksNode } };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => { compile(ast: NunjucksNode): void; getCode(): string } };
}
