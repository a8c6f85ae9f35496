// Date search values and their range semantics (R4 search §3.1.1.4.2 prefixes, §3.1.1.5.1 dates).
// Every date, whatever its precision, is an instant range [low, high): '1980' covers the whole
// year, '2024-03-10T02:30' the whole minute. Date-only values and date-times without an offset are
// read in the configured server timezone (the spec says to assume server local time).
import { epochOfLocal, isValidCalendarDate, utcEpoch } from '../../time/zone.js';
import type { DateClause, DatePrecision, DateRange, Prefix } from './types.js';

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function localEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, tz: string): number {
  if (tz === 'UTC') return utcEpoch(y, mo - 1, d, h, mi, s, ms);
  return epochOfLocal(`${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}`, tz);
}

/** Calendar y/m/d shifted by whole years, months or days (Date.UTC normalises overflow; utcEpoch: years 0–99 too). */
function shifted(y: number, mo: number, d: number, by: 'year' | 'month' | 'day'): [number, number, number] {
  const t = new Date(utcEpoch(y + (by === 'year' ? 1 : 0), mo - 1 + (by === 'month' ? 1 : 0), d + (by === 'day' ? 1 : 0)));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

export interface ParsedDate {
  precision: DatePrecision;
  range: DateRange;
}

/**
 * The instant range of a FHIR date, dateTime or instant string, or undefined when it is not one
 * (bad syntax, 1980-02-30, 25:00, offset beyond ±14:00).
 */
export function parseDateRange(value: string, timezone = 'UTC'): ParsedDate | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys);
  const mo = mos === undefined ? 1 : Number(mos);
  const d = ds === undefined ? 1 : Number(ds);
  if (mo < 1 || mo > 12 || !isValidCalendarDate(y, mo, d)) return undefined;
  if (hs === undefined) {
    const precision: DatePrecision = mos === undefined ? 'year' : ds === undefined ? 'month' : 'day';
    const [y2, mo2, d2] = shifted(y, mo, d, precision === 'year' ? 'year' : precision === 'month' ? 'month' : 'day');
    return { precision, range: { low: localEpoch(y, mo, d, 0, 0, 0, 0, timezone), high: localEpoch(y2, mo2, d2, 0, 0, 0, 0, timezone) } };
  }
  const h = Number(hs);
  const mi = Number(mis);
  const s = ss === undefined ? 0 : Number(ss);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let width: number;
  let precision: DatePrecision;
  if (ss === undefined) { precision = 'minute'; width = 60_000; }
  else if (frac === undefined) { precision = 'second'; width = 1000; }
  else { precision = 'millisecond'; width = frac.length >= 3 ? 1 : 10 ** (3 - frac.length); }
  let low: number;
  if (zone === undefined) {
    low = localEpoch(y, mo, d, h, mi, s, ms, timezone);
  } else {
    let offset = 0;
    if (zone !== 'Z') {
      const oh = Number(zone.slice(1, 3));
      const om = Number(zone.slice(4, 6));
      if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return undefined;
      offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
    }
    low = utcEpoch(y, mo - 1, d, h, mi, s, ms) - offset * 60_000;
  }
  return { precision, range: { low, high: low + width } };
}

/** The range of a resource's date value (for handlers filtering in memory); undefined if absent or unreadable. */
export function dateRangeOf(value: string | undefined, timezone = 'UTC'): DateRange | undefined {
  return value === undefined ? undefined : parseDateRange(value, timezone)?.range;
}

/** The range covered by a Period (open ends are unbounded). */
export function periodRange(start: string | undefined, end: string | undefined, timezone = 'UTC'): DateRange | undefined {
  if (start === undefined && end === undefined) return undefined;
  const low = start === undefined ? -Infinity : dateRangeOf(start, timezone)?.low;
  const high = end === undefined ? Infinity : dateRangeOf(end, timezone)?.high;
  return low === undefined || high === undefined ? undefined : { low, high };
}

const DAY = 86_400_000;

/**
 * Does a resource value covering `target` satisfy `prefix` + search value `range`?
 * Implements the R4 definitions literally:
 *   eq: search range fully contains target          ne: not eq
 *   gt: target extends above the search range        lt: target extends below it
 *   ge: gt or eq                                     le: lt or eq
 *   sa: target starts at/after the end of the range  eb: target ends at/before its start
 *   ap: ranges overlap once the search range is widened by 10% of its distance from now (≥ 1 day)
 */
export function matchesDate(range: DateRange, prefix: Prefix, target: DateRange, now: number = Date.now()): boolean {
  const contained = target.low >= range.low && target.high <= range.high;
  switch (prefix) {
    case 'eq': return contained;
    case 'ne': return !contained;
    case 'gt': return target.high > range.high;
    case 'lt': return target.low < range.low;
    case 'ge': return target.high > range.high || contained;
    case 'le': return target.low < range.low || contained;
    case 'sa': return target.low >= range.high;
    case 'eb': return target.high <= range.low;
    case 'ap': {
      const mid = (range.low + range.high) / 2;
      const tolerance = Math.max(DAY, 0.1 * Math.abs(now - mid));
      return target.low < range.high + tolerance && target.high > range.low - tolerance;
    }
  }
}

/**
 * The instant window [low, high) that a resource value matching the clause must intersect (values
 * ORed: the hull of their windows; an open side is ±Infinity). Handlers ask OSCAR for that window,
 * then apply matchesDateClause in memory. `ap` gets one day more than matchesDate's tolerance, so
 * the clock moving between the two never loses a match.
 */
export function dateClauseWindow(clause: DateClause, now: number = Date.now()): DateRange {
  if (clause.missing !== undefined || clause.values.length === 0) return { low: -Infinity, high: Infinity };
  const windows = clause.values.map(({ prefix, range: { low, high } }): DateRange => {
    switch (prefix) {
      case 'eq': return { low, high };
      case 'ne': return { low: -Infinity, high: Infinity };
      case 'gt': case 'sa': return { low: high, high: Infinity };
      case 'ge': return { low, high: Infinity };
      case 'lt': case 'eb': return { low: -Infinity, high: low };
      case 'le': return { low: -Infinity, high };
      case 'ap': {
        const tolerance = Math.max(DAY, 0.1 * Math.abs(now - (low + high) / 2)) + DAY;
        return { low: low - tolerance, high: high + tolerance };
      }
    }
  });
  return { low: Math.min(...windows.map((w) => w.low)), high: Math.max(...windows.map((w) => w.high)) };
}

/** Does a resource whose date values cover `targets` satisfy the clause (values ORed, any target)? */
export function matchesDateClause(clause: DateClause, targets: readonly (DateRange | undefined)[], now: number = Date.now()): boolean {
  const present = targets.filter((t): t is DateRange => t !== undefined);
  if (clause.missing !== undefined) return clause.missing === (present.length === 0);
  return clause.values.some((v) => present.some((t) => matchesDate(v.range, v.prefix, t, now)));
}
