// The cells of one provider's day, read back from getDayWorkSchedule (scheduling §7.3 steps 1-2).
// OSCAR keys each cell by JVM midnight + i × cell length in ELAPSED minutes, so on a
// daylight-saving change day every cell after the change comes back an hour off, and the last
// ones can even land on the next date (scheduling §2.2). The template itself is wall clock: cell
// i starts at 00:00 + i × length. So the index is recovered from elapsed time, and the start is
// rebuilt as that wall-clock time in the clinic zone.
import type { DayWorkScheduleTransfer } from '../oscar/types.js';
import { addDays } from './calendar-days.js';
import { epochOfLocal, localDateTimeOf, offsetMinutesAt, parseXsDateTime } from '../time/zone.js';

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

export interface DayCell {
  /** Position in the template string. */
  index: number;
  /** The exact code character. */
  code: string;
  /** Minutes after midnight on the wall clock. */
  wallMinute: number;
  startMs: number;
  /** The wall-clock end (the next cell's start, or the next midnight). */
  endMs: number;
  /** The wall-clock time happens twice (the repeated hour of a fall-back day). */
  repeated: boolean;
}

export type DayCells =
  | { kind: 'cells'; holiday: boolean; cellMinutes: number; cells: DayCell[] }
  /** No active scheduledate row: not scheduled (or not generated yet; OSCAR cannot tell, scheduling §7.5 trap 3). */
  | { kind: 'unscheduled' }
  /** A template OSCAR could not give (missing, or a cell length that does not divide the day, trap 5). */
  | { kind: 'unknown'; holiday: boolean; why: string };

const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Minutes of the offset an xs:dateTime is written with; undefined when it has none. */
function writtenOffset(value: string): number | undefined {
  const m = /(?:([+-])(\d{2}):(\d{2})|Z)$/.exec(value.trim());
  if (!m) return undefined;
  if (!m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The instant a wall-clock minute of `date` starts at in `tz`; undefined inside a spring-forward gap. */
export function wallInstant(date: string, minute: number, tz: string): number | undefined {
  const local = minute >= DAY_MINUTES ? `${addDays(date, 1)}T${hhmm(minute - DAY_MINUTES)}:00` : `${date}T${hhmm(minute)}:00`;
  const ms = epochOfLocal(local, tz);
  return localDateTimeOf(ms, tz) === local ? ms : undefined;
}

/** Whether the wall clock of `ms` in `tz` is read again later that day (fall-back overlap). */
function isRepeated(ms: number, tz: string): boolean {
  const drop = offsetMinutesAt(ms, tz) - offsetMinutesAt(ms + 6 * 3_600_000, tz);
  return drop > 0 && localDateTimeOf(ms + drop * MINUTE, tz) === localDateTimeOf(ms, tz);
}

/**
 * The day's cells in wall-clock order. `tz` is the clinic zone. When the JVM runs in another zone
 * (variants B10) its offset differs from the clinic's by what the key itself shows; its midnight is
 * the clinic midnight moved by that difference. On a DST day the two zones change at different
 * instants, and a cell keyed between the two changes (the JVM's first hours) is read an hour off:
 * run OSCAR's JVM in the clinic's zone for exact early-morning slots on those two days.
 */
export function dayCells(date: string, dw: DayWorkScheduleTransfer | undefined, tz: string): DayCells {
  if (!dw) return { kind: 'unscheduled' };
  const holiday = dw.holiday === true;
  const len = dw.timeSlotDurationMin;
  if (len === undefined || len === null) return { kind: 'unknown', holiday, why: 'no template for the day' };
  if (!Number.isInteger(len) || len <= 0 || DAY_MINUTES % len !== 0) return { kind: 'unknown', holiday, why: `cell length ${len} does not divide the day` };
  const clinicMidnight = epochOfLocal(date, tz);
  // An ordinary day (one offset from midnight to midnight) needs no zone arithmetic per cell.
  const nextMidnight = epochOfLocal(addDays(date, 1), tz);
  const ordinary = nextMidnight - clinicMidnight === DAY_MINUTES * MINUTE && offsetMinutesAt(clinicMidnight, tz) === offsetMinutesAt(nextMidnight - 1, tz);
  const slots = dw.timeSlots === undefined ? [] : Array.isArray(dw.timeSlots) ? dw.timeSlots : [dw.timeSlots];
  const cells: DayCell[] = [];
  const seen = new Set<number>();
  for (const s of slots) {
    if (typeof s.date !== 'string' || typeof s.scheduleCode !== 'number') continue;
    const at = parseXsDateTime(s.date, tz);
    const written = writtenOffset(s.date);
    const jvmShift = written === undefined ? 0 : written - (ordinary ? offsetMinutesAt(clinicMidnight, tz) : offsetMinutesAt(at, tz));
    const elapsed = at - (clinicMidnight - jvmShift * MINUTE);
    const index = elapsed / (len * MINUTE);
    if (!Number.isInteger(index) || index < 0 || index >= DAY_MINUTES / len || seen.has(index)) continue;
    seen.add(index);
    const wallMinute = index * len;
    const code = String.fromCharCode(s.scheduleCode);
    if (ordinary) {
      const startMs = clinicMidnight + wallMinute * MINUTE;
      cells.push({ index, code, wallMinute, startMs, endMs: startMs + len * MINUTE, repeated: false });
      continue;
    }
    const startMs = wallInstant(date, wallMinute, tz);
    const endMs = wallInstant(date, wallMinute + len, tz) ?? (startMs === undefined ? undefined : startMs + len * MINUTE);
    if (startMs === undefined || endMs === undefined) continue; // the wall time does not exist today
    cells.push({ index, code, wallMinute, startMs, endMs, repeated: isRepeated(startMs, tz) });
  }
  cells.sort((a, b) => a.index - b.index);
  return { kind: 'cells', holiday, cellMinutes: len, cells };
}
