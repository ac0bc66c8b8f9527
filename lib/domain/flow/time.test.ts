import { describe, expect, it } from 'vitest';
import { msUntilTimeOfDay } from './time';

describe('msUntilTimeOfDay', () => {
  const at = (iso: string) => Date.parse(iso);
  it('waits until the next wall-clock time in the zone', () => {
    expect(msUntilTimeOfDay(at('2026-03-04T08:00:00Z'), '09:30', 'UTC')).toBe(90 * 60_000);
    // 08:00 UTC is 09:00 in Berlin (winter): 09:30 there is 30 minutes away.
    expect(msUntilTimeOfDay(at('2026-03-04T08:00:00Z'), '09:30', 'Europe/Berlin')).toBe(30 * 60_000);
  });
  it('rolls over to tomorrow when the time has passed, and never returns 0', () => {
    expect(msUntilTimeOfDay(at('2026-03-04T10:00:00Z'), '09:00', 'UTC')).toBe(23 * 3600_000);
    expect(msUntilTimeOfDay(at('2026-03-04T09:00:00Z'), '09:00', 'UTC')).toBe(24 * 3600_000);
  });
});

describe('msUntilTimeOfDay across a daylight-saving change', () => {
  const at = (iso: string) => Date.parse(iso);
  const berlin = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  it('ends at 09:30 local the morning after clocks go back (a 25-hour day)', () => {
    // Saturday 22:00 CEST; on Sunday 25 October 2026 Berlin goes from UTC+2 to UTC+1 at 03:00.
    const now = at('2026-10-24T20:00:00Z');
    const ms = msUntilTimeOfDay(now, '09:30', 'Europe/Berlin');
    expect(new Date(now + ms).toISOString()).toBe('2026-10-25T08:30:00.000Z');
    expect(berlin(now + ms)).toBe('09:30');
  });
  it('ends at 09:30 local the morning after clocks go forward (a 23-hour day)', () => {
    // Saturday 21:00 CET; on Sunday 29 March 2026 Berlin goes from UTC+1 to UTC+2 at 02:00.
    const now = at('2026-03-28T20:00:00Z');
    const ms = msUntilTimeOfDay(now, '09:30', 'Europe/Berlin');
    expect(new Date(now + ms).toISOString()).toBe('2026-03-29T07:30:00.000Z');
    expect(berlin(now + ms)).toBe('09:30');
  });
  it('a time the change skips ends an hour later; a time that happens twice ends the first time', () => {
    const skipped = at('2026-03-28T20:00:00Z');
    expect(berlin(skipped + msUntilTimeOfDay(skipped, '02:30', 'Europe/Berlin'))).toBe('03:30');
    const twice = at('2026-10-24T20:00:00Z');
    expect(new Date(twice + msUntilTimeOfDay(twice, '02:30', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
  it('a full day when the time is now, also on a 25-hour day, and in zones with half-hour offsets', () => {
    expect(msUntilTimeOfDay(at('2026-10-24T07:30:00Z'), '09:30', 'Europe/Berlin')).toBe(25 * 3600_000);
    expect(msUntilTimeOfDay(at('2026-03-04T04:00:00Z'), '09:30', 'Asia/Kolkata')).toBe(24 * 3600_000);
    expect(msUntilTimeOfDay(at('2026-03-04T04:00:00Z'), '10:00', 'Asia/Kolkata')).toBe(30 * 60_000);
  });
});
