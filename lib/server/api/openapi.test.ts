import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiText } from './openapi';
import { FILTER_KEYS } from '../../domain/logs/filters';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('docs/openapi.json', () => {
  it('is what the zod schemas generate (run `npm run docs:openapi` after changing them)', () => {
    expect(readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8')).toBe(openApiText());
  });

  it('is OpenAPI 3.1 and documents every endpoint, every filter and both formats of the export', () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, { content?: Record<string, unknown> }> }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/audit', '/api/events', '/api/events/batch', '/api/health/live', '/api/health/ready', '/api/logs', '/api/metrics', ...['alias', 'batch', 'identify', 'track'].map((call) => `/api/segment/v1/${call}`)]);
    expect(doc.paths['/api/audit']!.get!.parameters!.map((p) => p.name).sort()).toEqual(['action', 'actor', 'cursor', 'entityId', 'entityType', 'from', 'limit', 'search', 'to']);
    const logs = doc.paths['/api/logs']!.get!;
    expect(logs.parameters!.map((p) => p.name).sort()).toEqual([...FILTER_KEYS, 'cursor', 'limit'].sort());
    expect(Object.keys(logs.responses['200']!.content!)).toEqual(['application/json', 'application/x-ndjson']);
    expect(Object.keys(logs.responses).sort()).toEqual(['200', '400', '401', '403']);
  });
});
