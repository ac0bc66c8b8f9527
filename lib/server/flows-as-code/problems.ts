/**
 * What is wrong with a document, each problem at the JSON path it concerns
 * (`$.flows[0].graph.nodes[2].data.webhook`), so a developer can find it in the file.
 */
export interface DocumentProblem {
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['flows', 0, 'graph']` → `$.flows[0].graph`; keys that are not identifiers are quoted. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    const key = String(segment);
    return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
  }, '$');
}

/** A field path as the API's field errors spell it (`headers.0.value`) under a document path. */
export function fieldPath(base: string, dotted: string): string {
  return dotted
    .split('.')
    .filter(Boolean)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), base);
}

/** The document cannot be exported or imported as it is; nothing was written. */
export class FlowsAsCodeError extends Error {
  constructor(readonly problems: DocumentProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'FlowsAsCodeError';
  }
}
