// Value encodings of OSCAR's Jackson JSON (contract 1.3): java.util.Date / java.sql.Date /
// Timestamp → epoch ms, date-only columns = local midnight of the server zone; java.sql.Time
// loaded from the DB → "HH:mm:ss" (callers pass the stored string through untouched).

import { epochOfWallClock, utcMs, wallClockOf, wallDateOf } from '../wall-clock.js';
import type { LocalDate, LocalDateTime } from '../clinic/model.js';
import { ContainerError } from './errors.js';

/** A MySQL DATE as Jackson renders the java.sql.Date: epoch ms of local midnight. */
export function dateMs(d: LocalDate | null | undefined, tz: string): number | null {
  return d ? epochOfWallClock(d.slice(0, 10), tz) : null;
}

/** A MySQL DATETIME as Jackson renders the Timestamp. */
export function dateTimeMs(dt: LocalDateTime | null | undefined, tz: string): number | null {
  return dt ? epochOfWallClock(dt, tz) : null;
}

/** Java Integer.parseInt: no whitespace, optional sign; anything else throws NumberFormatException (→ 500). */
export function javaParseInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ContainerError(`java.lang.NumberFormatException: For input string: "${s}"`);
  return Number(s);
}

export interface BirthDate { year: number; month: number; day: number }

/**
 * Demographic.getBirthDay(): null when any part is null; a blank or non-numeric part throws.
 * Lenient like GregorianCalendar: month 13 rolls into the next year.
 */
export function birthDateOf(year: string | null, month: string | null, day: string | null): BirthDate | null {
  if (year === null || month === null || day === null) return null;
  const norm = new Date(utcMs(javaParseInt(year), javaParseInt(month) - 1, javaParseInt(day)));
  return { year: norm.getUTCFullYear(), month: norm.getUTCMonth() + 1, day: norm.getUTCDate() };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
export const isoDate = (b: BirthDate): string => `${pad(b.year, 4)}-${pad(b.month)}-${pad(b.day)}`;

/**
 * contract 7.4: DemographicTo1.dateOfBirth comes from a Calendar set to epoch 0 in the server zone
 * and then given y/m/d, so it keeps epoch 0's local time of day (19:00 in Toronto).
 */
export function buggyBirthDayMs(b: BirthDate, tz: string): number {
  const timeOfDay = wallClockOf(0, tz).slice(11);
  return epochOfWallClock(`${isoDate(b)}T${timeOfDay}`, tz);
}

function daysInMonth(y: number, m: number): number { return new Date(utcMs(y, m, 0)).getUTCDate(); }

function plusMonths(b: BirthDate, months: number): BirthDate {
  const total = b.year * 12 + (b.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return { year, month, day: Math.min(b.day, daysInMonth(year, month)) };
}

const ordinal = (b: BirthDate): number => utcMs(b.year, b.month - 1, b.day) / 86_400_000;

/** AgeTo1 {days, months, years}: Joda Period(birth, today, yearMonthDay) in the server zone. */
export function ageOf(b: BirthDate, nowMs: number, tz: string): { days: number; months: number; years: number } {
  const [y, m, d] = wallDateOf(nowMs, tz).split('-').map(Number) as [number, number, number];
  const today: BirthDate = { year: y, month: m, day: d };
  let months = (today.year - b.year) * 12 + (today.month - b.month);
  if (ordinal(plusMonths(b, months)) > ordinal(today)) months--;
  if (months < 0) months = Math.ceil(months); // future birth date: Joda gives negatives; keep simple
  const anchor = plusMonths(b, months);
  return { days: ordinal(today) - ordinal(anchor), months: months % 12, years: Math.trunc(months / 12) };
}
