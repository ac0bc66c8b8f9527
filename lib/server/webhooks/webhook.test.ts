import { describe, expect, it } from 'vitest';
import { describeRetryRule, retryRule, usesTransactionalId } from '../../domain/webhook/idempotency';
import { nextRetryDelayMs } from '../../domain/webhook/retry';
import { parseRetryAfter, classifyStatus, isRetryable } from './send';
import { captureFields, checkCapturePath } from '../../domain/webhook/capture';
import { buildRequest, RequestBuildError } from '../../domain/webhook/request';
import { decryptSecret, encryptSecret } from '../crypto/secrets';

describe('idempotency detection', () => {
  const none = { path: '/orders', headers: [{ value: 'x' }], bodyTemplate: '{"a": 1}' };
  it('finds the TransactionalId in the URL, a header or the body', () => {
    expect(usesTransactionalId(none)).toBe(false);
    expect(usesTransactionalId({ ...none, path: '/orders?id=${WebhookRequest.TransactionalId}' })).toBe(true);
    expect(usesTransactionalId({ ...none, headers: [{ value: '${WebhookRequest.TransactionalId}' }] })).toBe(true);
    expect(usesTransactionalId({ ...none, bodyTemplate: '{"request_id": "{{ WebhookRequest.TransactionalId }}"}' })).toBe(true);
  });
  it('does not count a mention that is not a variable', () => {
    expect(usesTransactionalId({ ...none, bodyTemplate: '{"note": "WebhookRequest.TransactionalId"}' })).toBe(false);
  });
});

describe('retry rule', () => {
  it('is the seed rule with the id, one attempt without', () => {
    expect(retryRule(true)).toEqual({ maxAttempts: 4, windowSeconds: 360 });
    expect(retryRule(false, { maxRetries: 3 })).toEqual({ maxAttempts: 1, windowSeconds: 0 });
    expect(describeRetryRule(retryRule(true))).toBe('retried up to 3 times within 6 minutes on 5xx/429');
    expect(describeRetryRule(retryRule(false))).toBe('sent once');
  });
  it('settings tighten but never loosen', () => {
    expect(retryRule(true, { maxRetries: 2, retryWindowSeconds: 10 })).toEqual({ maxAttempts: 3, windowSeconds: 10 });
    expect(retryRule(true, { maxRetries: 9, retryWindowSeconds: 9999 })).toEqual({ maxAttempts: 4, windowSeconds: 360 });
  });
  it('spaces retries inside the window and honours Retry-After', () => {
    const t0 = 1_000_000;
    const end = t0 + 360_000;
    expect(nextRetryDelayMs({ attempt: 1, nowMs: t0, windowEndMs: end, windowSeconds: 360, retryAfterSeconds: null })).toEqual({ delayMs: 20_000, reason: 'backoff after attempt 1: 1/18 of the 360 s retry window' });
    expect(nextRetryDelayMs({ attempt: 3, nowMs: t0 + 100_000, windowEndMs: end, windowSeconds: 360, retryAfterSeconds: null })).toEqual({ delayMs: 80_000, reason: 'backoff after attempt 3: 4/18 of the 360 s retry window' });
    expect(nextRetryDelayMs({ attempt: 1, nowMs: t0, windowEndMs: end, windowSeconds: 360, retryAfterSeconds: 90 })).toEqual({ delayMs: 90_000, reason: "the service's Retry-After: 90 s" });
    expect(nextRetryDelayMs({ attempt: 1, nowMs: t0, windowEndMs: end, windowSeconds: 360, retryAfterSeconds: 600 }).delayMs).toBeNull();
    expect(nextRetryDelayMs({ attempt: 3, nowMs: end - 1000, windowEndMs: end, windowSeconds: 360, retryAfterSeconds: null })).toEqual({ delayMs: 1000, reason: 'what is left of the retry window (1 s)' });
  });
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('90')).toBe(90);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30);
    expect(parseRetryAfter('soon')).toBeNull();
  });
  it('retries 5xx, 429, timeouts and connection errors only', () => {
    expect(isRetryable(classifyStatus(503).errorClass)).toBe(true);
    expect(isRetryable(classifyStatus(429).errorClass)).toBe(true);
    expect(isRetryable(classifyStatus(404).errorClass)).toBe(false);
    for (const c of ['timeout', 'connection'] as const) expect(isRetryable(c)).toBe(true);
    for (const c of ['blocked', 'template', 'config', 'tls', 'dns'] as const) expect(isRetryable(c)).toBe(false);
  });
});

describe('capture', () => {
  const body = { data: { id: 7, tier: 'gold', items: [{ sku: 'a' }, { sku: 'b' }] } };
  it('extracts named fields by JSONPath, with or without $', () => {
    expect(captureFields(body, [{ name: 'tier', path: 'data.tier' }, { name: 'id', path: '$.data.id' }, { name: 'skus', path: '$.data.items[*].sku' }, { name: 'none', path: '$.nope' }])).toEqual({
      tier: 'gold',
      id: 7,
      skus: ['a', 'b'],
      none: null,
    });
  });
  it('never evaluates script in a path', () => {
    expect(captureFields(body, [{ name: 'x', path: '$..[?(@.constructor.constructor("return process")())]' }])).toEqual({ x: null });
    expect(checkCapturePath('')).toMatch(/Enter a path/);
  });
});



describe('buildRequest', () => {
  const webhook = {
    method: 'POST',
    path: '/customers/${Customer.Id}',
    bodyTemplate: '{"email": "${Customer.Email}"}',
    headers: [{ name: 'Idempotency-Key', value: '${WebhookRequest.TransactionalId}' }],
    disabledHeaders: ['X-Off'],
    integration: { rootUrl: 'https://api.example.com/', headers: [{ name: 'Authorization', value: 'Bearer s3cret', secret: true }, { name: 'X-Off', value: '1' }] },
  };
  const context = { Customer: { Id: 'a/b', Email: 'q"@x' }, WebhookRequest: { TransactionalId: 'tx-1' } };
  it('renders URL, headers and body', () => {
    expect(buildRequest(webhook, context)).toEqual({
      method: 'POST',
      url: 'https://api.example.com/customers/a%2Fb',
      headers: [
        { name: 'Authorization', value: 'Bearer s3cret', secret: true },
        { name: 'Idempotency-Key', value: 'tx-1', secret: false },
        { name: 'Content-Type', value: 'application/json', secret: false },
      ],
      body: '{"email": "q\\"@x"}',
    });
  });
  it('says which part is broken', () => {
    expect(() => buildRequest({ ...webhook, bodyTemplate: '{"a": {% if %}}' }, context)).toThrow(RequestBuildError);
    expect(() => buildRequest({ ...webhook, bodyTemplate: '{"a": }' }, context)).toThrow(/^Body, line 1: The body is not valid JSON with this data: unexpected }/);
  });
});

describe('secrets', () => {
  it('round-trips with the key and fails clearly with another', () => {
    const key = Buffer.alloc(32, 1);
    const envelope = encryptSecret('Bearer top-secret', key);
    expect(envelope).not.toContain('top-secret');
    expect(decryptSecret(envelope, key)).toBe('Bearer top-secret');
    expect(() => decryptSecret(envelope, Buffer.alloc(32, 2))).toThrow(/HOOKFLOW_SECRET_KEY/);
  });
});
