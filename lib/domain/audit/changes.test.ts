import { describe, expect, it } from 'vitest';
import { fieldChanges, headerChanges } from './changes';

describe('fieldChanges', () => {
  it('lists only the fields that differ, and only those the change names', () => {
    const before = { name: 'Helpdesk', rootUrl: 'https://a.example', rateLimitPerSecond: null as number | null };
    expect(fieldChanges(before, { name: 'Helpdesk', rootUrl: 'https://b.example', rateLimitPerSecond: 5 }, ['name', 'rootUrl', 'rateLimitPerSecond'])).toEqual({
      rootUrl: { from: 'https://a.example', to: 'https://b.example' },
      rateLimitPerSecond: { from: null, to: 5 },
    });
    expect(fieldChanges(before, { rootUrl: 'https://a.example' }, ['name', 'rootUrl'])).toEqual({});
  });
});

describe('headerChanges', () => {
  const h = (name: string, value: string, secret = false) => ({ name, value, secret });

  it('says a secret changed without quoting either value', () => {
    const lines = headerChanges([h('Authorization', 'Bearer old-secret', true)], [h('Authorization', 'Bearer new-secret', true)]);
    expect(lines).toEqual(['secret header Authorization changed']);
    expect(lines.join()).not.toMatch(/old-secret|new-secret/);
  });

  it('quotes plain header values, and reports added, removed and unchanged headers', () => {
    expect(headerChanges([h('X-Env', 'staging'), h('X-Old', '1'), h('Accept', 'json')], [h('x-env', 'prod'), h('Accept', 'json'), h('X-Token', 's3cr3t', true)])).toEqual([
      'header x-env changed from "staging" to "prod"',
      'secret header X-Token added',
      'header X-Old removed',
    ]);
  });

  it('a header made secret or public names the switch but not the value', () => {
    expect(headerChanges([h('X-Key', 'abc')], [h('X-Key', 'abc', true)])).toEqual(['header X-Key made secret']);
    expect(headerChanges([h('X-Key', 'abc', true)], [h('X-Key', 'xyz')])).toEqual(['header X-Key made not secret, value changed']);
  });
});
