// Cached zone arithmetic for bulk reads. src/time/zone.ts answers each question through Intl (~50 µs per
// local→epoch conversion), which is too slow when a 5000-row list is filtered, sorted and rendered
// per request. The zone offset is cached per 15-minute UTC bucket (transitions fall on quarter
// hours), and anything within a day of a transition is still delegated to src/time/zone.ts, so DST gaps
// and overlaps keep Java's lenient-calendar answers.

import { epochOfLocal, formatXsDateTime, offsetMinutesAt } from '../../time/zone.js';

const BUCKET_MS = 900_000;
const DAY_MS = 86_400_000;
const offsets = new Map<string, number>();

/** Offset of `tz` from UTC in minutes at the instant (cached per quarter hour). */
export function offsetAt(epochMs: number, tz: string): number {
  const key = `${tz}|${Math.floor(epochMs / BUCKET_MS)}`;
  let off = offsets.get(key);
  if (off === undefined) {
    if (offsets.size > 200_000) offsets.clear();
    off = offsetMinutesAt(Math.floor(epochMs / BUCKET_MS) * BUCKET_MS, tz);
    offsets.set(key, off);
  }
  return off;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/** epochOfLocal, fast when no offset change lies within a day of the wall-clock time. */
export function epochOf(local: string, tz: string): number {
  const m = LOCAL_RE.exec(local);
  if (!m) return epochOfLocal(local, tz);
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
  const before = offsetAt(asUtc - DAY_MS, tz);
  if (before !== offsetAt(asUtc + DAY_MS, tz) || before !== offsetAt(asUtc, tz)) return epochOfLocal(local, tz);
  return asUtc - before * 60_000;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** formatXsDateTime (JAXB's xs:dateTime: zone offset at the instant, ms only when non-zero, or Z for GMT). */
export function formatDateTime(epochMs: number, tz: string, gmt: boolean): string {
  if (gmt) return formatXsDateTime(epochMs, tz, true);
  const off = offsetAt(epochMs, tz);
  if (off !== offsetAt(epochMs - BUCKET_MS, tz) || off !== offsetAt(epochMs + BUCKET_MS, tz)) return formatXsDateTime(epochMs, tz, false);
  const w = new Date(epochMs + off * 60_000);
  const ms = w.getUTCMilliseconds();
  const a = Math.abs(off);
  const zone = `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  return `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}${zone}`;
}
