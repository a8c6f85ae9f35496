// Wall-clock calendar arithmetic for the generator. Stored OSCAR dates are local strings
// (model.ts), so most arithmetic needs no timezone at all; only "which days change offset"
// does, and that is asked of the zone once per year.
import type { LocalDate, LocalTime } from './model.js';
import { epochOfWallClock, zoneOffsetMinutes } from '../wall-clock.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

// Proleptic Gregorian day numbers (Howard Hinnant's days_from_civil / civil_from_days):
// pure integer arithmetic, much cheaper than Date objects in the generator's hot loops.

/** Days since 1970-01-01 of a 'YYYY-MM-DD'. */
export function dayNumber(date: LocalDate): number {
  let y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** 'YYYY-MM-DD' of a day number. */
export function dateOfDay(day: number): LocalDate {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return dateOfDay(dayNumber(date) + days);
}

/** 'HH:mm:ss' of minutes after midnight. */
export function timeOfMinutes(minutes: number, seconds = 0): LocalTime {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:${pad(seconds)}`;
}

/** Day of week, 0 = Sunday. */
export function weekday(date: LocalDate): number {
  return (dayNumber(date) + 4) % 7; // 1970-01-01 was a Thursday
}

/**
 * The local dates in `year` on which `tz` changes its UTC offset (DST start and end),
 * found by comparing noon offsets month by month and then day by day.
 */
export function offsetChangeDays(year: number, tz: string): LocalDate[] {
  const key = `${tz} ${year}`;
  let days = changeDaysCache.get(key);
  if (!days) { days = findOffsetChangeDays(year, tz); changeDaysCache.set(key, days); }
  return [...days];
}

const changeDaysCache = new Map<string, LocalDate[]>();

function findOffsetChangeDays(year: number, tz: string): LocalDate[] {
  const noonOffset = (date: LocalDate): number => zoneOffsetMinutes(epochOfWallClock(`${date}T12:00:00`, tz), tz);
  const out: LocalDate[] = [];
  let prevDate = `${pad(year - 1, 4)}-12-31`;
  let prev = noonOffset(prevDate);
  for (let month = 1; month <= 12; month++) {
    const end = month === 12 ? `${pad(year, 4)}-12-31` : addDays(`${pad(year, 4)}-${pad(month + 1)}-01`, -1);
    const endOffset = noonOffset(end);
    if (endOffset !== prev) {
      for (let d = addDays(prevDate, 1); d <= end; d = addDays(d, 1)) {
        const o = noonOffset(d);
        if (o !== prev) { out.push(d); prev = o; }
      }
    }
    prevDate = end;
    prev = endOffset;
  }
  return out;
}
