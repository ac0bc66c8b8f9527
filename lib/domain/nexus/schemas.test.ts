import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getRunInputSchema, nexusJsonSchemaText, startFlowInputSchema } from './schemas';
import { hookflowService } from './service';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('the hookflow Nexus service contract', () => {
  it('committed at docs/nexus.schema.json is what the zod schemas generate (run `npm run docs:schema` after changing them)', () => {
    expect(readFileSync(path.join(ROOT, 'docs/nexus.schema.json'), 'utf8')).toBe(nexusJsonSchemaText());
  });

  it('names the service and its three operations as the JSON Schema does', () => {
    const doc = JSON.parse(nexusJsonSchemaText());
    expect(hookflowService.name).toBe(doc.service);
    expect(Object.values(hookflowService.operations).map((op) => op.name).sort()).toEqual(Object.keys(doc.operations).sort());
  });

  it('startFlow takes a flow and an event whose type may be left out', () => {
    const parsed = startFlowInputSchema.parse({ flow: 'Welcome', event: { id: 'e-1', customer: { id: 42 } } });
    expect(parsed.event).toEqual({ id: 'e-1', customer: { id: '42' }, data: {} });
  });

  it.each([
    ['no flow', { event: { id: 'e-1', customer: { id: 'c' } } }, 'flow'],
    ['an empty flow', { flow: '', event: { id: 'e-1', customer: { id: 'c' } } }, 'flow'],
    ['no event', { flow: 'f' }, 'event'],
    ['an event without a customer', { flow: 'f', event: { id: 'e-1' } }, 'event.customer'],
    ['a bad event id', { flow: 'f', event: { id: ' e', customer: { id: 'c' } } }, 'event.id'],
    ['an unknown event field', { flow: 'f', event: { id: 'e', customer: { id: 'c' }, extra: 1 } }, 'event'],
    ['an unknown field', { flow: 'f', event: { id: 'e', customer: { id: 'c' } }, extra: 1 }, ''],
  ])('startFlow refuses %s', (_name, input, field) => {
    const result = startFlowInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(field);
  });

  it.each([[{}], [{ workflowId: '' }], [{ workflowId: 'x', more: 1 }], [null]])('getRun refuses %j', (input) => {
    expect(getRunInputSchema.safeParse(input).success).toBe(false);
  });
});
