// OSCAR date values → FHIR date / dateTime / instant (mapping §1.5; contract 1.3, 4.1, 7.3).
// REST sends epoch ms (date-only columns = local midnight of the OSCAR zone); SOAP sends
// xs:dateTime, wall-clock columns already carrying the clinic's offset (the client normalises
// them, variants §7.5) and OSCAR's own time stamps the JVM's offset. Malformed values
// yield undefined so one bad column drops one element instead of failing the whole read.

import {
  epochOfLocal, formatFhirDateTime, isJaxbDateTime, localDateOf, localDateTimeOf, parseXsDateTime, spelledInZone, xsLexical,
} from '../time/zone.js';

/** Epoch ms of an xs:dateTime, or undefined when it is missing or malformed. */
export function xsEpoch(value: string | null | undefined, tz: string): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return parseXsDateTime(value, tz);
  } catch {
    return undefined;
  }
}

/** FHIR instant of an xs:dateTime, re-rendered with the OSCAR zone's offset for that instant. */
export function xsInstant(value: string | null | undefined, tz: string): string | undefined {
  // Already so rendered: as is (formatFhirDateTime spells a zero offset 'Z').
  if (typeof value === 'string' && spelledInZone(value, tz) && !value.endsWith('+00:00')) return value;
  const ms = xsEpoch(value, tz);
  return ms === undefined ? undefined : formatFhirDateTime(ms, tz);
}

/**
 * Wall clock of an xs:dateTime in the OSCAR zone. A value carrying a numeric offset keeps its own
 * wall clock (OSCAR rendered it in its own zone); a Z or offset-less value is read back onto the
 * configured zone.
 */
export function xsWallClock(value: string | null | undefined, tz: string): { date: string; time: string } | undefined {
  if (typeof value !== 'string') return undefined;
  // OSCAR's usual spelling, 'YYYY-MM-DDThh:mm:ss±hh:mm' naming a real day and time: xsLexical
  // reads it as that wall clock with a numeric offset, kept as it is. Read a character at a time:
  // the pattern, its captures and the objects around them cost a tenth of the Patient mapper's
  // time over benchmark 6's page (bench/results.md, "The page's own CPU on a miss").
  if (value.length === 25 && isJaxbDateTime(value)) return { date: value.slice(0, 10), time: value.slice(11, 19) };
  const parts = xsLexical(value);
  // A FHIR date has a four-digit year: xs:dateTime's wider years ('12026-…', '-0001-…') drop the element.
  if (!parts || parts.local.indexOf('T') !== 10) return undefined;
  let wall = parts.local;
  if (!parts.zone || parts.zone === 'Z') {
    const ms = xsEpoch(value, tz);
    if (ms === undefined) return undefined;
    wall = localDateTimeOf(ms, tz);
  }
  return { date: wall.slice(0, 10), time: wall.slice(11, 19) };
}

/** FHIR date (calendar date in the OSCAR zone) of an xs:dateTime from a date-only column. */
export function xsDate(value: string | null | undefined, tz: string): string | undefined {
  return xsWallClock(value, tz)?.date;
}

/** A date when the value is local midnight (a date-only entry), else a full instant. */
export function xsDateOrDateTime(value: string | null | undefined, tz: string): string | undefined {
  const wall = xsWallClock(value, tz);
  if (!wall) return undefined;
  return wall.time === '00:00:00' ? wall.date : xsInstant(value, tz);
}

/**
 * Wall clock of a REST epoch-ms value (contract 1.3, 7.3): Jackson rendered what OSCAR stored
 * as an instant of the server JVM's zone, so the server zone gives the stored wall clock back.
 */
export function restWallClock(ms: number | null | undefined, serverZone: string): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? localDateTimeOf(ms, serverZone) : undefined;
}

/**
 * Epoch ms of a REST date-time value: its stored wall clock, meant in the clinic zone (variants
 * §7.5). The same instant when the JVM runs in the clinic zone.
 */
export function restEpoch(ms: number | null | undefined, serverZone: string, clinicZone: string): number | undefined {
  const wall = restWallClock(ms, serverZone);
  return wall === undefined ? undefined : epochOfLocal(wall, clinicZone);
}

/**
 * The calendar date a REST epoch-ms value names when it renders the wall clock `time` of that date
 * in the OSCAR JVM's zone, which the facade may not know (contract 7.3; variants §6 B10): the date
 * whose `time` in the clinic zone lies nearest the value. Exact while the JVM's offset is within
 * 12 hours of the clinic's.
 */
export function restDateNear(ms: number | null | undefined, time: string, clinicZone: string): string | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  let best: string | undefined;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const days of [-1, 0, 1]) {
    const date = new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
    const gap = Math.abs(epochOfLocal(`${date}T${time}`, clinicZone) - ms);
    if (gap < bestGap) { best = date; bestGap = gap; }
  }
  return best;
}

/**
 * A REST date-only column: epoch ms of the JVM's midnight of that day (contract 1.3), read as the
 * day whose clinic midnight lies nearest, so the JVM's zone need not be known (contract 3.8 "Times").
 */
export function restDay(ms: number | null | undefined, clinicZone: string): string | undefined {
  return restDateNear(ms, '00:00:00', clinicZone);
}

/** A REST stamp OSCAR set from its own clock (lastUpdateDate): an exact instant, shown in the clinic zone. */
export function restStamp(ms: number | null | undefined, clinicZone: string): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? formatFhirDateTime(ms, clinicZone) : undefined;
}

/**
 * A date-only value for REST (contract 7.25: epoch ms, never a bare date string). OSCAR keeps the
 * calendar day the instant has in its JVM's zone, which need not be the clinic's (variants B10):
 * noon of that day in the clinic zone is the same day in every JVM zone within 12 hours of it,
 * where the clinic's midnight is the day before in any zone west of the clinic.
 */
export function restMsOfDate(date: string, tz: string): number {
  return epochOfLocal(`${date}T12:00:00`, tz);
}

/**
 * The REST value for a date-only column: `current` (OSCAR's own epoch ms, the JVM's midnight) when
 * it already names `date` in the clinic zone, so an unchanged date is sent back as it came; else
 * restMsOfDate. (A JVM east of the clinic puts its midnight on the clinic's previous day: the
 * value is then rewritten, to the same stored day.)
 */
export function restDayMs(date: string, current: number | null | undefined, tz: string): number {
  return typeof current === 'number' && localDateOf(current, tz) === date ? current : restMsOfDate(date, tz);
}

const FHIR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar date of a FHIR date or dateTime, seen in the OSCAR zone; undefined if partial. */
export function fhirCalendarDate(value: string | undefined, tz: string): string | undefined {
  if (!value) return undefined;
  if (FHIR_DATE.test(value)) return value;
  if (!/T/.test(value)) return undefined; // YYYY or YYYY-MM: partial
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : localDateOf(ms, tz);
}
