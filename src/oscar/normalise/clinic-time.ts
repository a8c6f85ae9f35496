// OSCAR's times, read and written so that they mean the clinic's wall clock whatever zone the
// OSCAR JVM runs in (variants B10, §7.5). OSCAR stores what clinic staff typed (an appointment at
// 09:00, a shot given on 2 March) as wall-clock columns without a zone; its JVM renders them with
// its own zone's offset (OpenOSP's compose file sets America/Vancouver), and reads an offset-less
// xs:dateTime in that zone too (contract 4.1). So a wall-clock value is read by its lexical date
// and time, in the clinic zone, and written as lexical clinic time without an offset: the JVM
// stores the same wall clock whatever its zone. Columns OSCAR stamps from its own clock
// (lastUpdateDate, createDateTime, updatedatetime…) are true instants: their offset is right.

import { epochOfLocal, formatXsDateTime, formatXsLocal, lexicalLocalOf, parseXsDateTime, spelledInZone } from '../../time/zone.js';
import { ZoneMemo } from '../../time/zone-memo.js';

/** The wall-clock columns of each transfer object (date-only columns are wall-clock dates). */
export const WALL_CLOCK = {
  appointment: ['appointmentStartDateTime', 'appointmentEndDateTime'],
  allergy: ['startDate', 'entryDate'],
  prevention: ['preventionDate', 'nextDate'],
  document: ['observationdate'],
  demographic: ['dateJoined', 'effDate', 'endDate', 'hcRenewDate', 'patientStatusDate', 'rosterDate', 'rosterTerminationDate'],
  provider: ['dob'],
} as const;

type Rewrite = (value: string) => string | undefined;

function rewritten<T extends object>(row: T, fields: readonly string[], rewrite: Rewrite): T {
  let out: T | undefined;
  for (const f of fields) {
    const v = (row as Record<string, unknown>)[f];
    if (typeof v !== 'string') continue;
    const w = rewrite(v);
    if (w === undefined || w === v) continue;
    out ??= { ...row };
    (out as Record<string, unknown>)[f] = w;
  }
  return out ?? row;
}

/** `f()`, or undefined when it throws (a malformed value is left as OSCAR sent it). */
function unlessMalformed(f: () => string): string | undefined {
  try { return f(); } catch { return undefined; }
}

const clinicWallClocks = new ZoneMemo<string, string>(10_000);

/** The wall clock the JVM spelled, as an xs:dateTime with the clinic's offset. */
function clinicWallClock(value: string, clinicZone: string): string | undefined {
  const known = clinicWallClocks.get(clinicZone, value);
  if (known !== undefined) return known;
  if (spelledInZone(value, clinicZone)) return clinicWallClocks.set(clinicZone, value, value); // the JVM runs in the clinic's zone
  const local = lexicalLocalOf(value);
  const w = local === undefined ? undefined : unlessMalformed(() => formatXsDateTime(epochOfLocal(local, clinicZone), clinicZone));
  return w === undefined ? undefined : clinicWallClocks.set(clinicZone, value, w);
}

/** A transfer read from OSCAR with its wall-clock columns in the clinic zone. */
export function readWallClock<T extends object>(row: T, fields: readonly string[], clinicZone: string): T {
  return rewritten(row, fields, (v) => clinicWallClock(v, clinicZone));
}

/** The clinic wall clock of an xs:dateTime, without an offset, for the JVM to read in its own zone. */
function jvmLocal(value: string, clinicZone: string): string | undefined {
  return unlessMalformed(() => formatXsLocal(parseXsDateTime(value, clinicZone), clinicZone));
}

/** A transfer to send to OSCAR, its wall-clock columns as clinic wall clock without an offset. */
export function writeWallClock<T extends object>(row: T, fields: readonly string[], clinicZone: string): T {
  return rewritten(row, fields, (v) => jvmLocal(v, clinicZone));
}

/**
 * A Calendar/Date argument. A calendar date ('YYYY-MM-DD') is a day of the clinic's calendar:
 * sent as offset-less midnight, which the JVM reads as its own midnight of that day, the day OSCAR
 * compares its date columns with. An instant (epoch ms, e.g. "changed since") is exact: sent with
 * the clinic's offset.
 */
export function calendarArg(d: number | string, clinicZone: string): string {
  if (typeof d === 'number') return formatXsDateTime(d, clinicZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new RangeError(`not a calendar date: ${d}`);
  return `${d}T00:00:00`;
}
