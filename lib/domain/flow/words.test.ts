import { describe, expect, it } from 'vitest';
import { conditionSentence, durationInWords } from './words';

const names = (s: string) => ({ crm_lookup: 'CRM lookup' })[s] ?? s;

describe('conditions in words', () => {
  it('reads like a sentence', () => {
    expect(conditionSentence({ kind: 'field', path: 'Customer.Tier', op: 'eq', value: 'gold' })).toBe('Tier is gold');
    expect(conditionSentence({ kind: 'field', path: 'Customer.first_name', op: 'exists' })).toBe('First name is set');
    expect(conditionSentence({ kind: 'field', path: 'Event.Data.total', op: 'gte', value: 100 })).toBe('Event total is at least 100');
    expect(conditionSentence({ kind: 'field', path: 'Webhooks.crm_lookup.Fields.tier', op: 'neq', value: 'gold' }, names)).toBe('CRM lookup tier is not gold');
    expect(conditionSentence({ kind: 'webhook', webhook: 'crm_lookup', outcome: 'failed' }, names)).toBe('CRM lookup failed');
    expect(conditionSentence({ kind: 'status', webhook: 'crm_lookup', op: 'in_range', min: 200, max: 299 }, names)).toBe('CRM lookup status is 200–299');
    expect(
      conditionSentence({
        kind: 'group',
        combinator: 'or',
        conditions: [
          { kind: 'field', path: 'Customer.Tier', op: 'eq', value: 'gold' },
          { kind: 'group', combinator: 'and', conditions: [{ kind: 'field', path: 'Customer.Tier', op: 'eq', value: 'silver' }, { kind: 'field', path: 'Event.Data.total', op: 'gt', value: 50 }] },
        ],
      }),
    ).toBe('Tier is gold or (tier is silver and event total is more than 50)');
  });

  it('waits in the largest whole unit', () => {
    expect([durationInWords(86400 * 2), durationInWords(3600), durationInWords(90), durationInWords(6), durationInWords(0)]).toEqual(['2 days', '1 hour', '90 seconds', '6 seconds', 'choose how long']);
  });
});
