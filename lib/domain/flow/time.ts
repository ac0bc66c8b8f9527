/** Milliseconds from `nowMs` until the next wall-clock `HH:MM` in `timeZone` (0 < result ≤ 24 h). Pure. */
export function msUntilTimeOfDay(nowMs: number, time: string, timeZone: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(nowMs))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const nowOfDay = ((parts.hour! * 60 + parts.minute!) * 60 + parts.second!) * 1000 + (nowMs % 1000);
  const targetOfDay = (hour * 60 + minute) * 60 * 1000;
  const day = 24 * 60 * 60 * 1000;
  const delta = (targetOfDay - nowOfDay + day) % day;
  return delta === 0 ? day : delta;
}
