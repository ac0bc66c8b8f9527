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
