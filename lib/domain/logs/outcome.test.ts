import { describe, expect, it } from 'vitest';
import { FAILED_OUTCOMES, isCredentialHeader, outcomeOf, OUTCOMES } from './outcome';

describe('outcome classes', () => {
  it('maps every error class of a send to the class the log filters on', () => {
    expect(outcomeOf(null, 201)).toBe('2xx');
    expect(outcomeOf(null, null)).toBeNull();
    expect(outcomeOf('http_3xx', 301)).toBe('3xx');
    expect(outcomeOf('http_4xx', 404)).toBe('4xx');
    expect(outcomeOf('http_429', 429)).toBe('rate-limit');
    expect(outcomeOf('rate_limit', null)).toBe('rate-limit');
    expect(outcomeOf('http_5xx', 503)).toBe('5xx');
    expect(outcomeOf('timeout', null)).toBe('timeout');
    expect(['connection', 'dns', 'tls'].map((c) => outcomeOf(c, null))).toEqual(['connection', 'connection', 'connection']);
    expect(outcomeOf('blocked', null)).toBe('blocked');
    expect(outcomeOf('template', null)).toBe('template');
    expect(outcomeOf('config', null)).toBe('template');
    expect(outcomeOf('something new', null)).toBeNull();
  });

  it('"failed" is every class but 2xx', () => {
    expect(FAILED_OUTCOMES).toHaveLength(OUTCOMES.length - 1);
    expect(FAILED_OUTCOMES).not.toContain('2xx');
  });

  it('knows credential headers in any case', () => {
    expect(isCredentialHeader('Set-Cookie')).toBe(true);
    expect(isCredentialHeader('AUTHORIZATION')).toBe(true);
    expect(isCredentialHeader('Content-Type')).toBe(false);
  });
});
