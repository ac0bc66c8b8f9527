import { describe, expect, it } from 'vitest';
import { isValidHeaderName, mergeHeaders } from './headers';

const inherited = [
  { name: 'Authorization', value: 'Bearer s3cret', secret: true },
  { name: 'Content-Type', value: 'application/json' },
  { name: 'X-Team', value: 'growth' },
];

describe('mergeHeaders', () => {
  it('keeps inherited headers in order, then the webhook’s own', () => {
    expect(mergeHeaders(inherited, [], [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }]).map((h) => [h.name, h.source])).toEqual([
      ['Authorization', 'integration'],
      ['Content-Type', 'integration'],
      ['X-Team', 'integration'],
      ['Idempotency-Key', 'webhook'],
    ]);
  });
  it('drops headers switched off, case-insensitively', () => {
    expect(mergeHeaders(inherited, ['x-team', 'AUTHORIZATION'], []).map((h) => h.name)).toEqual(['Content-Type']);
  });
  it('lets a webhook header override an inherited one, case-insensitively, in place', () => {
    const merged = mergeHeaders(inherited, [], [{ name: 'content-type', value: 'text/plain' }]);
    expect(merged.map((h) => [h.name, h.value, h.source])).toEqual([
      ['Authorization', 'Bearer s3cret', 'integration'],
      ['content-type', 'text/plain', 'webhook'],
      ['X-Team', 'growth', 'integration'],
    ]);
  });
  it('ignores blank names', () => {
    expect(mergeHeaders([{ name: ' ', value: 'x' }], [], [{ name: '', value: 'y' }])).toEqual([]);
  });
  it('validates header names', () => {
    expect(isValidHeaderName('X-Api-Key')).toBe(true);
    expect(isValidHeaderName('Bad Header')).toBe(false);
    expect(isValidHeaderName('X:Y')).toBe(false);
  });
});
