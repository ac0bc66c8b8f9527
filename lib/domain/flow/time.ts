/**
 * Milliseconds from `nowMs` until the next wall-clock `HH:MM` in `timeZone` (0 < result ≤ 25 h: a day
 * holds 23 or 25 hours when the zone changes its offset). The target is found as a local date and time and
 * turned into an instant with the zone's offset at that instant, so a wait that crosses a daylight-saving
 * change still ends at `HH:MM` there. A time skipped by a change (02:30 on the night clocks go forward)
 * ends an hour later, at 03:30; a time that happens twice ends the first time. Pure.
 */
export function msUntilTimeOfDay(nowMs: number, time: string, timeZone: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const today = localParts(nowMs, timeZone);
  for (let days = 0; days <= 2; days++) {
    const at = instantsOf(Date.UTC(today.year, today.month - 1, today.day + days, hour, minute), timeZone).find((t) => t > nowMs);
    if (at !== undefined) return at - nowMs;
  }
  throw new Error(`no ${time} in ${timeZone} within two days`);
}

/**
 * The instants, earliest first, at which the wall clock in `timeZone` shows `localMs` (a local date and
 * time written as UTC): two when clocks go back over it; none when clocks go forward over it, and then the
 * instant as if the old offset still held (an hour later on the wall clock).
 */
function instantsOf(localMs: number, timeZone: string): number[] {
  const offsets = [...new Set([offsetAt(localMs - 14 * 3600_000, timeZone), offsetAt(localMs + 14 * 3600_000, timeZone)])];
  const instants = offsets.map((offset) => localMs - offset).filter((instant) => instant + offsetAt(instant, timeZone) === localMs);
  return instants.length > 0 ? instants.sort((x, y) => x - y) : [localMs - offsets[0]!];
}

/** How far the zone's wall clock is ahead of UTC at `instantMs`. */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = localParts(instantMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instantMs / 1000) * 1000;
}

function localParts(instantMs: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(instantMs))
    .filter((p) => p.type !== 'literal')
    .map((p) => [p.type, Number(p.value)]);
  return Object.fromEntries(parts) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}
