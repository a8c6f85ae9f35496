// The simulated OSCAR server's wall clock in its JVM zone (contract 1.3, 4.1). It is written
// apart from src/time/zone.ts on purpose, with a different method, so that a time-zone bug in the
// facade cannot be mirrored here and cancel out in round-trip tests:
// - the zone offset is read directly from Intl ('longOffset' names such as GMT-04:00), where the
//   facade derives it from the difference between wall-clock parts and UTC;
// - a local time is resolved by locating the offset transition by bisection and applying Java's
//   lenient-calendar rule to it, where the facade tries candidate offsets and reads them back.
// Java's lenient GregorianCalendar: a time inside a spring-forward gap keeps the offset in force
// before it (02:30 becomes 03:30 daylight time); a time the fall-back repeats means its first,
// daylight-time pass.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Every zone offset lies within UTC−12:00 … UTC+14:00, so a wall time's instant lies in this window. */
const EARLIEST_MS = -15 * HOUR_MS;
const LATEST_MS = 13 * HOUR_MS;
/** Offsets change on quarter hours of UTC in every zone the simulator is run with; see offsetMs. */
const BUCKET_MS = 15 * MINUTE_MS;

const namers = new Map<string, Intl.DateTimeFormat>();

function offsetNamer(tz: string): Intl.DateTimeFormat {
  let f = namers.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    namers.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone name this runtime knows. */
export function isKnownZone(tz: string): boolean {
  try { offsetNamer(tz); return true; } catch { return false; }
}

const OFFSET_NAME = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

/** The zone's offset from UTC at the instant, in ms, as Intl names it ('GMT', 'GMT+05:30', 'GMT-05:17:32'). */
function probeOffsetMs(epochMs: number, tz: string): number {
  const name = offsetNamer(tz).formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = OFFSET_NAME.exec(name);
  if (!m) throw new RangeError(`unreadable zone offset "${name}" for ${tz}`);
  const [, sign, h = '0', mi = '0', s = '0'] = m;
  return (sign === '-' ? -1 : 1) * ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000;
}

/** Offsets at both ends of each quarter hour, so a bucket with a change inside it is probed exactly. */
const bucketEnds = new Map<string, readonly [number, number]>();

function offsetMs(epochMs: number, tz: string): number {
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const key = `${tz}|${bucket}`;
  let ends = bucketEnds.get(key);
  if (!ends) {
    if (bucketEnds.size > 200_000) bucketEnds.clear();
    ends = [probeOffsetMs(bucket * BUCKET_MS, tz), probeOffsetMs((bucket + 1) * BUCKET_MS - 1, tz)];
    bucketEnds.set(key, ends);
  }
  return ends[0] === ends[1] ? ends[0] : probeOffsetMs(epochMs, tz);
}

/** Offset of `tz` from UTC at the instant, in whole minutes (e.g. -240 for EDT). */
export function zoneOffsetMinutes(epochMs: number, tz: string): number {
  return Math.round(offsetMs(epochMs, tz) / MINUTE_MS);
}

/** The first instant in (from, to] whose offset is no longer `before`. */
function transitionAfter(from: number, to: number, before: number, tz: string): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (probeOffsetMs(mid, tz) === before) lo = mid; else hi = mid;
  }
  return hi;
}

/**
 * The instant at which the wall clock of `tz` reads `wallMs` (the wall-clock fields written as if
 * they were UTC), resolved like Java's lenient calendar (see the top of this file).
 */
export function epochOfWallMs(wallMs: number, tz: string): number {
  const from = wallMs + EARLIEST_MS;
  const to = wallMs + LATEST_MS;
  const before = offsetMs(from, tz);
  const after = offsetMs(to, tz);
  if (before === after) return wallMs - before;
  const change = transitionAfter(from, to, before, tz);
  // Wall times before the later of the two readings of the change instant keep the old offset:
  // in a gap that lands after it, in an overlap that picks the first pass.
  return wallMs < change + Math.max(before, after) ? wallMs - before : wallMs - after;
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * Resolved wall clocks by zone and text. The "updated after" operations filter and sort a whole
 * table per page by a DATETIME column, so one export reads each row's stamp once per page: a
 * 5,000-patient clinic resolved every stamp ~150 times and spent most of its CPU in Intl. The
 * answer depends on nothing but (local, tz), so remembering it changes no row and no order.
 */
const resolved = new Map<string, Map<string, number>>();
const RESOLVED_MAX = 500_000;

/** Epoch ms of 'YYYY-MM-DD[THH:mm[:ss[.SSS]]]' on the wall clock of `tz` (a date alone = local midnight). */
export function epochOfWallClock(local: string, tz: string): number {
  let inZone = resolved.get(tz);
  if (!inZone) resolved.set(tz, inZone = new Map());
  let epoch = inZone.get(local);
  if (epoch === undefined) {
    epoch = resolveWallClock(local, tz);
    if (inZone.size >= RESOLVED_MAX) inZone.clear();
    inZone.set(local, epoch);
  }
  return epoch;
}

function resolveWallClock(local: string, tz: string): number {
  const m = WALL_RE.exec(local);
  if (!m) throw new RangeError(`not a local date-time: ${local}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m;
  return epochOfWallMs(utcMs(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0'))), tz);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function wallFields(epochMs: number, tz: string): Date {
  return new Date(epochMs + offsetMs(epochMs, tz));
}

/** 'YYYY-MM-DDTHH:mm:ss' on the wall clock of `tz` at the instant. */
export function wallClockOf(epochMs: number, tz: string): string {
  const w = wallFields(epochMs, tz);
  return `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}

/** 'YYYY-MM-DD' calendar date in `tz` at the instant. */
export function wallDateOf(epochMs: number, tz: string): string {
  return wallClockOf(epochMs, tz).slice(0, 10);
}

/**
 * xs:dateTime as JAXB prints a Calendar (contract 4.1): the wall clock and offset of `tz` at the
 * instant, or UTC with 'Z' when `gmt` (useGMTTime); milliseconds only when non-zero.
 */
export function formatJaxbDateTime(epochMs: number, tz: string, gmt = false): string {
  const off = gmt ? 0 : offsetMs(epochMs, tz);
  const w = new Date(epochMs + off);
  const ms = w.getUTCMilliseconds();
  const a = Math.round(Math.abs(off) / MINUTE_MS);
  const zone = gmt ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  return `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}${zone}`;
}

/**
 * Epoch ms of a UTC calendar time with the year as written, like Date.UTC but without its
 * reading of years 0-99 as 1900-1999: OSCAR's Java (GregorianCalendar, Jackson, JAXB) keeps the
 * year 50 as 50. Month is 0-based and, like the other fields, lenient (13 rolls into next year).
 */
export function utcMs(year: number, month: number, day = 1, h = 0, mi = 0, s = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.setUTCHours(h, mi, s, ms);
}

/** True when y-m-d is a day of the proleptic Gregorian calendar (2023-02-29 is not). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (![year, month, day].every(Number.isInteger) || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
