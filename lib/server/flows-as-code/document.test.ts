import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentJsonSchemaText } from './document';
import { parseDocument } from './parse';
import { fieldPath, jsonPath } from './problems';
import { toDocumentGraph, toStoredGraph } from './graphs';
import { sameJson } from '../../domain/json';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const example = () => JSON.parse(readFileSync(path.join(ROOT, 'examples/order-follow-up.json'), 'utf8'));

describe('the JSON Schema', () => {
  it('committed at docs/hookflow.schema.json is what the zod schemas generate (run `npm run docs:schema` after changing them)', () => {
    expect(readFileSync(path.join(ROOT, 'docs/hookflow.schema.json'), 'utf8')).toBe(documentJsonSchemaText());
  });
});

describe('examples/', () => {
  const files = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));

  it('holds the documented example and the two realistic ones', () => {
    expect(files).toEqual(expect.arrayContaining(['order-follow-up.json', 'abandoned-cart-telegram.json', 'loyalty-tier-helpdesk.json']));
  });

  it.each(files)('%s is a valid document', (file) => {
    const result = parseDocument(readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('docs/flows-as-code.md shows the example exactly as examples/order-follow-up.json has it', () => {
    const docs = readFileSync(path.join(ROOT, 'docs/flows-as-code.md'), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(docs.slice(docs.indexOf('## A complete example')))?.[1];
    expect(JSON.parse(block ?? 'null')).toEqual(example());
  });
});

describe('parseDocument', () => {
  const problemsOf = (source: string) => {
    const result = parseDocument(source);
    if (result.ok) throw new Error('expected problems');
    return result.problems;
  };

  it('refuses text that is not JSON at $', () => {
    expect(problemsOf('{"version": 1,')).toEqual([{ path: '$', message: expect.stringMatching(/^This is not JSON: /) }]);
    expect(problemsOf('[]')).toEqual([{ path: '$', message: expect.stringContaining('JSON object') }]);
  });

  it('checks the version before anything else', () => {
    expect(problemsOf(JSON.stringify({ version: 2, flows: 'nonsense' }))).toEqual([{ path: '$.version', message: expect.stringContaining('Version 2 is not supported') }]);
    expect(problemsOf(JSON.stringify({ flows: [] }))).toEqual([{ path: '$.version', message: expect.stringContaining('Missing "version"') }]);
  });

  it('names each missing or wrong field by its JSON path', () => {
    const document = example();
    delete document.webhooks[1].name;
    document.integrations[0].headers[0] = { name: 'Authorization' };
    document.flows[0].graph.nodes[1].data = { webhookId: 'cku123' };
    document.flows[0].graph.nodes[2].type = 'switch';
    document.webhooks[0].bodyTemplat = '{}';
    const problems = problemsOf(JSON.stringify(document));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '$.webhooks[1].name', message: 'Missing "name"' },
        { path: '$.integrations[0].headers[0]', message: expect.stringContaining('either a plain "value" or a "secretRef"') },
        { path: '$.flows[0].graph.nodes[1].data.webhook', message: 'Missing "webhook"' },
        { path: '$.flows[0].graph.nodes[1].data', message: expect.stringContaining('webhookId') },
        { path: '$.flows[0].graph.nodes[2].type', message: expect.stringContaining('trigger') },
        { path: '$.webhooks[0]', message: expect.stringContaining('bodyTemplat') },
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('applies the editors’ own rules: root URL, system name, header names', () => {
    const document = example();
    document.integrations[0].rootUrl = 'ftp://files.example.com';
    document.webhooks[0].systemName = 'create-ticket';
    document.integrations[0].headers[1].name = 'Content Type';
    expect(problemsOf(JSON.stringify(document)).map((p) => p.path).sort()).toEqual([
      '$.integrations[0].headers[1].name',
      '$.integrations[0].rootUrl',
      '$.webhooks[0].systemName',
    ]);
  });
});

describe('paths and graphs', () => {
  it('spells JSON paths the way jq and JSONPath users read them', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['flows', 0, 'graph', 'nodes', 2, 'data', 'webhook'])).toBe('$.flows[0].graph.nodes[2].data.webhook');
    expect(jsonPath(['headers', 'X-Key'])).toBe('$.headers["X-Key"]');
    expect(fieldPath('$.webhooks[3]', 'headers.0.value')).toBe('$.webhooks[3].headers[0].value');
  });

  it('maps webhook steps between system names and ids, and back to the same graph', () => {
    const document = example().flows[0].graph;
    const ids: Record<string, string> = { create_ticket: 'id-1', escalate_ticket: 'id-2' };
    const stored = toStoredGraph(document, (name) => ids[name]!);
    expect(stored.nodes.filter((n) => n.type === 'webhook').map((n) => n.data)).toEqual([{ webhookId: 'id-1' }, { webhookId: 'id-2' }]);
    const back = toDocumentGraph(stored, (id) => Object.keys(ids).find((k) => ids[k] === id));
    expect(back.missing).toEqual([]);
    expect(sameJson(back.graph, document)).toBe(true);
    expect(toDocumentGraph(stored, () => undefined).missing).toEqual(['ticket', 'escalate']);
  });

  it('compares JSON regardless of key order', () => {
    expect(sameJson({ a: 1, b: [{ c: 2, d: 3 }] }, { b: [{ d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
