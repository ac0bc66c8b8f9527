import { describe, expect, it } from 'vitest';
import { readSegmentMessage } from './segment';
import { eventTypeSchema } from './schema';

describe('reading Segment messages', () => {
  it('maps track: event → type, properties → data, context.traits → customer traits, timestamp → occurredAt', () => {
    const read = readSegmentMessage(
      { userId: 42, event: 'Order Completed', properties: { total: 10 }, context: { traits: { email: 'a@example.com' }, page: { url: 'https://x' } }, messageId: 'm-1', timestamp: '2026-11-30T10:00:00Z' },
      'track',
    );
    expect(read).toEqual({
      ok: true,
      message: {
        call: 'track',
        type: 'Order Completed',
        userId: '42',
        anonymousId: undefined,
        messageId: 'm-1',
        data: { total: 10 },
        traits: { email: 'a@example.com' },
        context: { traits: { email: 'a@example.com' }, page: { url: 'https://x' } },
        occurredAt: '2026-11-30T10:00:00Z',
      },
    });
  });

  it('maps identify to the identify event type, traits winning over context.traits, and alias to a link', () => {
    const identify = readSegmentMessage({ type: 'identify', userId: 'u', traits: { plan: 'pro' }, context: { traits: { plan: 'free', tz: 'UTC' } }, originalTimestamp: '2026-11-30T09:00:00Z' }, 'batch');
    expect(identify).toMatchObject({ ok: true, message: { call: 'identify', type: '$identify', data: { plan: 'pro' }, traits: { plan: 'pro', tz: 'UTC' }, occurredAt: '2026-11-30T09:00:00Z' } });
    const alias = readSegmentMessage({ type: 'alias', previousId: 'anon-1', userId: 'u' }, 'batch');
    expect(alias).toMatchObject({ ok: true, message: { call: 'alias', type: '$alias', userId: 'u', anonymousId: 'anon-1', data: { previousId: 'anon-1' } } });
  });

  it('ignores page, screen and group, and refuses what it cannot store with the field at fault', () => {
    expect(readSegmentMessage({ type: 'page', userId: 'u' }, 'batch')).toEqual({ ok: false, ignored: 'page calls are accepted and not stored' });
    expect(readSegmentMessage({ userId: 'u', name: 'Home' }, 'screen')).toMatchObject({ ok: false, ignored: expect.any(String) });
    expect(readSegmentMessage({ userId: 'u' }, 'batch')).toMatchObject({ ok: false, field: 'type' });
    expect(readSegmentMessage('track me', 'batch')).toMatchObject({ ok: false, field: '(message)' });
    expect(readSegmentMessage({ event: 'Signed Up' }, 'track')).toEqual({ ok: false, field: 'userId', error: 'userId or anonymousId is required' });
    expect(readSegmentMessage({ userId: 'u', event: '  ' }, 'track')).toMatchObject({ ok: false, field: 'event' });
    expect(readSegmentMessage({ userId: 'u', event: 'Bad\u0000Name' }, 'track')).toMatchObject({ ok: false, field: 'event' });
    expect(readSegmentMessage({ userId: '\u0000 \ud800', anonymousId: '__proto__', previousId: 'fuzz-anon' }, 'alias')).toMatchObject({ ok: false, field: 'userId' });
    expect(readSegmentMessage({ userId: 'u', event: 'x', properties: [1] }, 'track')).toMatchObject({ ok: false, field: 'properties' });
    expect(readSegmentMessage({ previousId: 'a' }, 'alias')).toMatchObject({ ok: false, field: 'userId' });
    expect(readSegmentMessage({ userId: 'u', event: 'x', properties: { big: 'x'.repeat(33 * 1024) } }, 'track')).toMatchObject({ ok: false, error: expect.stringContaining('32 KB') });
  });
});

describe('event types', () => {
  it('take Segment names with spaces, and the identify type, but no control characters or edge spaces', () => {
    for (const ok of ['order.placed', 'Order Completed', 'Checkout Step 1 Viewed', 'Commande passée', '$identify']) expect(eventTypeSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', '$alias', 'Tab\there', 'x'.repeat(101), '-start']) expect(eventTypeSchema.safeParse(bad).success, bad).toBe(false);
  });
});
