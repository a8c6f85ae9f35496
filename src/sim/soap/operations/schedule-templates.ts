// ScheduleWs template operations (scheduling §2.1-2.4): getDayWorkSchedule, getScheduleTemplateCodes
// and getAppointmentTypes, as Open-O's ScheduleManagerImpl builds them — including the parts a
// client must work around: codes sent as numbers (JAXB Character → xs:unsignedShort), nothing at
// all for an unscheduled day, a holiday flag that only matches the exact midnight, and cell
// keys built by adding ELAPSED minutes to the JVM's midnight, which shifts every cell after a
// daylight-saving change by an hour (scheduling §2.2).
import type { ScheduleDateRow } from '../../clinic/model.js';
import { epochOfWallClock, wallDateOf } from '../../wall-clock.js';
import type { CallContext } from '../context.js';
import { npeFault, serverFault } from '../faults.js';
import type { ParsedCalendar } from '../parse.js';
import { equalsCi } from '../query.js';
import { instant, type WireObject } from '../schema.js';

const MINUTE_MS = 60_000;

/**
 * ScheduleDateDaoImpl.findByProviderNoAndDate: status 'A', the first row the database returns
 * (getSingleResultOrNull, no ORDER BY); `available` is not looked at (scheduling §1.3).
 * MySQL's utf8_general_ci collation compares provider numbers and names case-insensitively.
 */
function activeScheduleDate(ctx: CallContext, providerNo: string, day: string): ScheduleDateRow | undefined {
  return ctx.store.data.scheduleDates.find((r) => r.status === 'A' && r.sdate === day && equalsCi(r.providerNo, providerNo));
}

/** The provider's own template of that name, else the Public one (ScheduleManagerImpl L142-152). */
function templateOf(ctx: CallContext, providerNo: string, name: string): string | null | undefined {
  const templates = ctx.store.data.scheduleTemplates;
  const own = templates.find((t) => equalsCi(t.providerNo, providerNo) && equalsCi(t.name, name));
  const found = own ?? templates.find((t) => t.providerNo === 'Public' && equalsCi(t.name, name));
  return found === undefined ? undefined : found.timecode;
}

export function dayWorkSchedule(ctx: CallContext, providerNo: string | null, date: ParsedCalendar | null): WireObject | null {
  if (date === null) throw npeFault('java.util.Calendar.getTime()', 'date');
  const tz = ctx.tz;
  const day = wallDateOf(date.epochMs, tz);
  const midnight = epochOfWallClock(day, tz);
  // scheduleHolidayDao.find(date.getTime()): the un-@Temporal Date id is compared as a timestamp,
  // so only the exact JVM midnight finds the holiday row (scheduling §2.2, inferred there).
  const holiday = date.epochMs === midnight && ctx.store.data.scheduleHolidays.some((h) => h.sdate === day);
  const scheduled = providerNo === null ? undefined : activeScheduleDate(ctx, providerNo, day);
  if (!scheduled || providerNo === null) return null; // CXF: an empty response wrapper, no <return>
  const code = templateOf(ctx, providerNo, scheduled.hour);
  if (code === undefined) return { holiday };
  if (code === null) throw npeFault('java.lang.String.length()', 'timecode');
  if (code.length === 0) throw serverFault('/ by zero'); // (60*24) / timecode.length()
  const cell = Math.floor(1440 / code.length);
  const timeSlots: WireObject[] = [];
  // Calendar.add(MINUTE, cell) from the truncated midnight: elapsed time, not wall-clock time.
  let at = midnight;
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (c !== '_') timeSlots.push({ date: instant(at), scheduleCode: c.charCodeAt(0) });
    at += cell * MINUTE_MS;
  }
  return { holiday, timeSlotDurationMin: cell, timeSlots };
}

/** scheduleTemplateCodeDao.findAll(): every row, no ORDER BY (here: insertion order), code as its number. */
export function templateCodes(ctx: CallContext): WireObject[] {
  return ctx.store.data.scheduleTemplateCodes.map((r) => ({
    bookinglimit: r.bookinglimit, code: r.code.charCodeAt(0), color: r.color, confirm: r.confirm,
    description: r.description, duration: r.duration, id: r.id,
  }));
}

/** appointmentTypeDao.listAll(): order by name. */
export function appointmentTypes(ctx: CallContext): WireObject[] {
  return [...ctx.store.data.appointmentTypes]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => ({ duration: t.duration, id: t.id, location: t.location, name: t.name, notes: t.notes, reason: t.reason, resources: t.resources }));
}
