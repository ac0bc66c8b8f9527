import { describe, expect, it } from 'vitest';
import { evaluateCondition, readPath, type Condition } from './conditions';

const context = {
  Customer: { Tier: 'gold', Age: '42', Tags: ['vip', 'beta'], Email: 'ada@example.com' },
  Webhooks: { crm: { Ok: true, Status: 201, Fields: { score: 87, plan: 'pro' } }, erp: { Ok: false, Status: 503 } },
};
const field = (path: string, op: Extract<Condition, { kind: 'field' }>['op'], value?: string | number | boolean): Condition => ({ kind: 'field', path, op, value });

describe('evaluateCondition', () => {
  it('webhook succeeded / failed', () => {
    expect(evaluateCondition({ kind: 'webhook', webhook: 'crm', outcome: 'succeeded' }, context)).toBe(true);
    expect(evaluateCondition({ kind: 'webhook', webhook: 'erp', outcome: 'failed' }, context)).toBe(true);
    expect(evaluateCondition({ kind: 'webhook', webhook: 'missing', outcome: 'failed' }, context)).toBe(false);
  });
  it('status equals and ranges', () => {
    expect(evaluateCondition({ kind: 'status', webhook: 'crm', op: 'eq', value: 201 }, context)).toBe(true);
    expect(evaluateCondition({ kind: 'status', webhook: 'erp', op: 'in_range', min: 500, max: 599 }, context)).toBe(true);
    expect(evaluateCondition({ kind: 'status', webhook: 'crm', op: 'in_range', min: 500, max: 599 }, context)).toBe(false);
  });
  it.each([
    [field('Customer.Tier', 'eq', 'gold'), true],
    [field('Customer.Tier', 'neq', 'gold'), false],
    [field('Customer.Tags', 'contains', 'vip'), true],
    [field('Customer.Email', 'contains', '@example'), true],
    [field('Customer.Nope', 'exists'), false],
    [field('Customer.Nope', 'not_exists'), true],
    [field('Webhooks.crm.Fields.score', 'gt', 80), true],
    [field('Webhooks.crm.Fields.score', 'lt', 80), false],
    [field('Customer.Age', 'gte', 42), true],
    [field('Customer.Age', 'lte', 41), false],
    [field('Customer.Email', 'matches', '^ada@'), true],
    [field('Customer.Email', 'matches', '(unclosed'), false],
    [field('Customer.Tier', 'gt', 3), false],
  ])('%j → %s', (condition, expected) => {
    expect(evaluateCondition(condition, context)).toBe(expected);
  });
  it('AND / OR groups nest', () => {
    const condition: Condition = {
      kind: 'group',
      combinator: 'or',
      conditions: [
        { kind: 'group', combinator: 'and', conditions: [field('Customer.Tier', 'eq', 'gold'), field('Webhooks.crm.Fields.plan', 'eq', 'free')] },
        { kind: 'webhook', webhook: 'erp', outcome: 'failed' },
      ],
    };
    expect(evaluateCondition(condition, context)).toBe(true);
    expect(evaluateCondition({ kind: 'group', combinator: 'and', conditions: [] }, context)).toBe(true);
  });
  it('reads own properties only', () => {
    expect(readPath(context, 'Customer.constructor')).toBeUndefined();
    expect(readPath(context, 'Customer.Tags.0')).toBe('vip');
  });
});
