import { describe, expect, it } from 'vitest';
import { eventsOfBatch, MAX_BATCH_EVENTS, validateEvent, wellFormed } from './schema';
import { customerContext, pascalCase } from './context';

describe('event validation', () => {
  it('accepts a minimal event and defaults data', () => {
    const result = validateEvent({ id: 'e-1', type: 'order.placed', customer: { id: 42, email: 'a@b.c' } });
    expect(result).toEqual({ ok: true, event: { id: 'e-1', type: 'order.placed', customer: { id: '42', email: 'a@b.c' }, data: {} } });
  });
  it('names the first wrong field and lists all', () => {
    const result = validateEvent({ type: '', customer: {} });
    expect(result).toMatchObject({ status: 400, body: { field: 'id' } });
    if ('body' in result) expect(result.body.issues.map((i) => i.field)).toEqual(['id', 'type', 'customer.id']);
  });
  it('refuses half of a surrogate pair in a value or a key, and takes whole pairs', () => {
    expect(validateEvent({ id: 'e-1', type: 't', customer: { id: 'c', name: 'a\ud800b' } })).toMatchObject({ status: 400, body: { field: 'customer.name', message: expect.stringContaining('valid Unicode') } });
    expect(validateEvent({ id: 'e-1', type: 't', customer: { id: 'c' }, data: { ['\udc00']: 1 } })).toMatchObject({ status: 400, body: { field: 'data.\udc00' } });
    expect(validateEvent({ id: 'e-1', type: 't', customer: { id: 'c', name: 'Zoë 🚀 \u0000' } })).toMatchObject({ ok: true });
  });
  it('makes text well-formed for storage: each lone half becomes U+FFFD, whole pairs stay', () => {
    expect(wellFormed('a\ud800b\udc00c')).toBe('a\ufffdb\ufffdc');
    expect(wellFormed('🚀 ok')).toBe('🚀 ok');
    // a cut through a pair leaves its first half at the end
    expect(wellFormed('x🚀'.slice(0, 2))).toBe('x\ufffd');
    expect(wellFormed('\udc00\ud800')).toBe('\ufffd\ufffd');
  });
  it('rejects a non-object body', () => {
    expect(validateEvent([1])).toMatchObject({ status: 400, body: { field: '(body)' } });
  });
});

describe('customer context', () => {
  it('offers attributes as sent and in PascalCase, with Id', () => {
    expect(pascalCase('first_name')).toBe('FirstName');
    expect(pascalCase('loyaltyTier')).toBe('LoyaltyTier');
    expect(customerContext('c-1', { id: 'ignored', email: 'a@b.c', first_name: 'Ada' })).toEqual({
      email: 'a@b.c',
      first_name: 'Ada',
      Email: 'a@b.c',
      FirstName: 'Ada',
      Id: 'c-1',
    });
  });
});

describe('a batch of events', () => {
  const event = { id: 'e', type: 't', customer: { id: 'c' } };

  it('hands over its events unchecked: each is validated on its own, so one bad event does not refuse the rest', () => {
    expect(eventsOfBatch({ events: [event, { nonsense: true }] })).toEqual({ ok: true, events: [event, { nonsense: true }] });
    expect(eventsOfBatch({ events: Array(MAX_BATCH_EVENTS).fill(event) })).toMatchObject({ ok: true });
  });

  it.each([
    [null, '(body)', 'must be a JSON object'],
    [[event], '(body)', 'must be a JSON object'],
    [{}, 'events', 'is required'],
    [{ events: {} }, 'events', 'is required'],
    [{ events: [] }, 'events', 'holds no event'],
    [{ events: Array(MAX_BATCH_EVENTS + 1).fill(event) }, 'events', `holds ${MAX_BATCH_EVENTS + 1} events; send at most ${MAX_BATCH_EVENTS}`],
    [{ events: [event], batch: [] }, 'batch', 'unknown field "batch"'],
  ])('refuses %j naming "%s"', (body, field, message) => {
    const refused = eventsOfBatch(body);
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_event', field } });
    expect('body' in refused && refused.body.message).toContain(message);
  });
});
