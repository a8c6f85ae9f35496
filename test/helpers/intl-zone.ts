// A zone's wall clocks and offsets as Intl tells them, asked directly: the oracle zone tests check
// the facade's zone arithmetic (src/time/zone.ts) against, so none of it is its own oracle.

const DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DDTHH:mm:ss' as Intl prints the instant in `tz`. */
export function intlWallClock(ms: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const two = (k: string): string => p[k]!.padStart(2, '0');
  return `${p.year!.padStart(4, '0')}-${two('month')}-${two('day')}T${two('hour')}:${two('minute')}:${two('second')}`;
}

/** The offset of `tz` at the instant (ms, whole seconds: local mean time has seconds). */
export function intlOffsetMs(ms: number, tz: string): number {
  return Date.parse(`${intlWallClock(ms, tz)}Z`) - Math.floor(ms / 1000) * 1000;
}

/** The instants at which `tz` changes its offset between `from` and `to` (to the millisecond). */
export function offsetChanges(tz: string, from: number, to: number): number[] {
  const out: number[] = [];
  let before = intlOffsetMs(from, tz);
  for (let t = from + DAY; t <= to; t += DAY) {
    const now = intlOffsetMs(t, tz);
    if (now === before) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (intlOffsetMs(mid, tz) === before) lo = mid; else hi = mid;
    }
    out.push(hi);
    before = now;
  }
  return out;
}
