// ScheduleWs (contract 4.6): appointments. Times are local (`…-04:00`) unless the call's
// useGMTTime flag asks for the same instants in GMT (`…Z`); the end is the stored inclusive time.

import { wallClockOf, wallDateOf } from '../../wall-clock.js';
import type { AppointmentRow } from '../../clinic/model.js';
import { filterByProviderConsent, hasPatientConsented, providerConsentType } from '../consent.js';
import { callerOf } from '../context.js';
import type { CallContext } from '../context.js';
import { npeFault, serverFault } from '../faults.js';
import { field } from '../parse.js';
import type { ArgObject, ParsedCalendar } from '../parse.js';
import { programProviderArgs } from './program-provider-args.js';
import { checkLimit, equalsCi, inPkOrder, page, sortBy } from '../query.js';
import type { OperationDef, ServiceDef, WireObject, XsInstant } from '../schema.js';
import { appointmentTransfer, localInstant } from '../transfers.js';
import { appointmentTypes, dayWorkSchedule, templateCodes } from './schedule-templates.js';

const byPk = (ctx: CallContext, where?: (r: AppointmentRow) => boolean): AppointmentRow[] => inPkOrder(ctx.store.data.appointments, (r) => r.appointmentNo, where);
const updatedAt = (ctx: CallContext) => (r: AppointmentRow): number | null => localInstant(r.updateDateTime, ctx.tz)?.epochMs ?? null;
const toTransfers = (ctx: CallContext, rows: readonly AppointmentRow[], gmt: boolean): WireObject[] =>
  rows.map((r) => appointmentTransfer(r, ctx.tz, gmt, ctx.now));

/** JPA find(id) with a null id. */
const nullIdFault = () => serverFault('id to load is required for loading');

/** A Spring-translated NOT NULL violation from the INSERT/UPDATE [U: exact text]. */
const notNullFault = () => serverFault('could not execute statement; SQL [n/a]; constraint [null]; nested exception is org.hibernate.exception.ConstraintViolationException: could not execute statement');

function getAppointment(ctx: CallContext, id: number | null, gmt: boolean): WireObject | null {
  if (id === null) throw nullIdFault();
  const row = ctx.store.appointment(id);
  return row ? appointmentTransfer(row, ctx.tz, gmt, ctx.now) : null;
}

/** findByProviderAndDayandNotStatus: that local day, status not exactly 'C' (status is BINARY). */
function dayAppointments(ctx: CallContext, providerNo: string | null, date: ParsedCalendar | null, gmt: boolean): WireObject[] {
  if (date === null) throw npeFault('java.util.Calendar.getTime()', 'date');
  // The Calendar's instant is bound to a DATE parameter, i.e. truncated to the JVM zone's date.
  const day = wallDateOf(date.epochMs, ctx.tz);
  const rows = ctx.store.data.appointments.filter((a) => providerNo !== null && equalsCi(a.providerNo, providerNo)
    && a.appointmentDate === day && a.status !== 'C');
  rows.sort((a, b) => (a.appointmentDate + a.startTime < b.appointmentDate + b.startTime ? -1 : a.appointmentDate + a.startTime > b.appointmentDate + b.startTime ? 1 : 0));
  return toTransfers(ctx, rows, gmt);
}

/** findByDemographicId: ORDER BY appointment_date DESC, paged, no 5000 cap (contract 4.6). */
function forPatient(ctx: CallContext, demographicNo: number | null, start: number, max: number, gmt: boolean): WireObject[] {
  const rows = byPk(ctx, (a) => a.demographicNo === demographicNo);
  rows.sort((a, b) => (a.appointmentDate < b.appointmentDate ? 1 : a.appointmentDate > b.appointmentDate ? -1 : 0));
  return toTransfers(ctx, page(rows, start, max), gmt);
}

/** findByDateRangeAndProvider: appointment_date >= start and < end, both bound as local DATEs. */
function dateRange(ctx: CallContext, start: ParsedCalendar | null, end: ParsedCalendar | null, providerNo: string | null, gmt: boolean): WireObject[] {
  if (start === null || end === null || providerNo === null) return []; // comparisons with NULL match nothing
  const from = wallDateOf(start.epochMs, ctx.tz);
  const to = wallDateOf(end.epochMs, ctx.tz);
  return toTransfers(ctx, byPk(ctx, (a) => a.appointmentDate >= from && a.appointmentDate < to && equalsCi(a.providerNo, providerNo)), gmt);
}

/** The wall-clock parts of an instant in the JVM zone: [date, time truncated to whole seconds]. */
function wallClock(epochMs: number, tz: string): [string, string] {
  const s = wallClockOf(epochMs, tz);
  return [s.slice(0, 10), s.slice(11, 19)];
}

type AppointmentChanges = Omit<AppointmentRow, 'appointmentNo' | 'createDateTime' | 'updateDateTime' | 'creator' | 'lastUpdateUser' | 'creatorSecurityId' | 'reasonCode' | 'importedStatus' | 'appointmentDate' | 'startTime' | 'endTime'>
  & Partial<Pick<AppointmentRow, 'appointmentDate' | 'startTime' | 'endTime'>>;

/**
 * AppointmentTransfer.copyTo: BeanUtils copies every property, nulls included (absent ints are 0);
 * the start sets date and start time; 1 ms is taken off the end before it is stored in a TIME
 * column (contract 4.6). The store cannot hold NULL in some text columns; those become ''.
 */
function copyTo(t: ArgObject, tz: string): AppointmentChanges {
  const s = (k: string): string | null => field.str(t, k);
  const out: AppointmentChanges = {
    providerNo: s('providerNo') ?? '', name: s('name') ?? '', demographicNo: field.int(t, 'demographicNo') ?? 0,
    programId: field.int(t, 'programId') ?? 0, notes: s('notes') ?? '', reason: s('reason') ?? '', location: s('location') ?? '',
    resources: s('resources') ?? '', type: s('type'), style: s('style'), billing: s('billing'), status: s('status') ?? '',
    remarks: s('remarks') ?? '', urgency: s('urgency'), bookingSource: s('bookingSource') === 'OSCAR' ? 'OSCAR' : null,
  };
  if (s('providerNo') === null) throw notNullFault(); // provider_no is NOT NULL
  const start = field.cal(t, 'appointmentStartDateTime');
  if (start) [out.appointmentDate, out.startTime] = wallClock(start.epochMs, tz);
  const end = field.cal(t, 'appointmentEndDateTime');
  if (end) out.endTime = wallClock(end.epochMs - 1, tz)[1];
  return out;
}

function addAppointment(ctx: CallContext, t: ArgObject | null): number {
  const caller = callerOf(ctx);
  if (t === null) throw npeFault('ca.openosp.openo.webserv.transfer_objects.AppointmentTransfer.copyTo(ca.openosp.openo.commn.model.Appointment)', 'appointmentTransfer');
  const c = copyTo(t, ctx.tz);
  const { appointmentDate, startTime, endTime } = c;
  if (appointmentDate === undefined || startTime === undefined || endTime === undefined) throw notNullFault();
  const now = wallClockOf(ctx.now, ctx.tz);
  const id = ctx.store.nextId('appointment');
  ctx.store.insertAppointment({
    ...c, appointmentNo: id, appointmentDate, startTime, endTime, reasonCode: null, importedStatus: null,
    createDateTime: now, updateDateTime: now,
    // ScheduleManager.addAppointment stamps the caller's Security: creator = user name (contract 4.6).
    creator: caller.security.userName, creatorSecurityId: caller.security.securityNo,
    // OSCAR leaves lastupdateuser NULL on insert; the store's column is not nullable, so the caller's provider is kept.
    lastUpdateUser: caller.security.providerNo ?? '',
  });
  return id;
}

function updateAppointment(ctx: CallContext, t: ArgObject | null): null {
  const caller = callerOf(ctx);
  if (t === null) throw npeFault('ca.openosp.openo.webserv.transfer_objects.AppointmentTransfer.getId()', 'appointmentTransfer');
  const id = field.int(t, 'id');
  if (id === null) throw nullIdFault();
  const row = ctx.store.appointment(id);
  if (!row) throw serverFault('Target must not be null'); // BeanUtils.copyProperties(this, null)
  const c = copyTo(t, ctx.tz);
  // ScheduleManager.updateAppointment archives the version it replaces first (contract 4.6).
  ctx.store.archiveAppointment(row);
  Object.assign(row, c, { lastUpdateUser: caller.security.providerNo ?? '', updateDateTime: wallClockOf(ctx.now, ctx.tz) });
  return null;
}

/**
 * AppointmentArchiveDaoImpl.findByUpdateDate: `updateDateTime > after ORDER BY updateDateTime`,
 * limited. AppointmentArchiveTransfer.toTransfer copies properties by name, and the entity's
 * appointmentNo is not the transfer's appointmentId: the appointment's id never reaches the wire
 * (contract 4.6, docs/bulk-data.md §f.3); `id` is the archive row's.
 */
function archivesAfter(ctx: CallContext, after: ParsedCalendar | null, max: number, gmt: boolean): WireObject[] {
  checkLimit(max);
  if (after === null) return [];
  const stamp = (r: AppointmentRow): number => localInstant(r.updateDateTime, ctx.tz)?.epochMs ?? -Infinity;
  const rows = sortBy(inPkOrder(ctx.store.data.appointmentArchive ?? [], (r) => r.id, (r) => stamp(r) > after.epochMs), stamp);
  return page(rows, 0, max).map((r) => ({
    appointmentEndDateTime: localInstant(`${r.appointmentDate}T${r.endTime}`, ctx.tz, gmt), appointmentId: null,
    appointmentStartDateTime: localInstant(`${r.appointmentDate}T${r.startTime}`, ctx.tz, gmt),
    billing: r.billing, bookingSource: r.bookingSource, createDateTime: localInstant(r.createDateTime, ctx.tz, gmt), creator: r.creator,
    demographicNo: r.demographicNo, id: r.id, lastUpdateUser: r.lastUpdateUser, location: r.location, name: r.name, notes: r.notes,
    programId: r.programId, providerNo: r.providerNo, reason: r.reason, remarks: r.remarks, resources: r.resources, status: r.status,
    style: r.style, type: r.type, updateDateTime: localInstant(r.updateDateTime, ctx.tz, gmt), urgency: r.urgency,
  }));
}

/** new GregorianCalendar(1492, 05, 12, 18, 26, 32): June (month index 5), Julian calendar, LMT offset. */
function testTimeZone(ctx: CallContext, gmt: boolean): XsInstant {
  const offsetName = new Intl.DateTimeFormat('en-US', { timeZone: ctx.tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date(Date.UTC(1492, 5, 12, 18))).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(offsetName);
  const offsetSec = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) : 0;
  const wall = new Date(0);
  wall.setUTCFullYear(1492, 5, 12);
  wall.setUTCHours(18, 26, 32, 0);
  const utc = new Date(wall.getTime() - offsetSec * 1000);
  const fmt = (d: Date): string => `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}T${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}`;
  // JAXB truncates the offset to whole minutes (-05:17:32 prints as -05:17).
  const offMin = Math.trunc(offsetSec / 60);
  const off = offMin === 0 ? 'Z' : `${offMin < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offMin) / 60)).padStart(2, '0')}:${String(Math.abs(offMin) % 60).padStart(2, '0')}`;
  return { kind: 'instant', epochMs: utc.getTime(), gmt, literal: gmt ? `${fmt(utc)}Z` : `${fmt(wall)}${off}` };
}

const operations: OperationDef[] = [
  { name: 'getScheduleTemplateCodes', params: [], returns: 'scheduleTemplateCodeTransfer[]', handler: (_a, ctx) => templateCodes(ctx) },
  { name: 'getAppointment', params: [['arg0', 'int']], returns: 'appointmentTransfer', handler: (a, ctx) => getAppointment(ctx, a.int('arg0'), false) },
  {
    name: 'getAppointmentsForProvider', params: [['arg0', 'string'], ['arg1', 'dateTime']], returns: 'appointmentTransfer[]',
    handler: (a, ctx) => dayAppointments(ctx, a.str('arg0'), a.cal('arg1'), false),
  },
  {
    name: 'getAppointmentsForPatient', params: [['arg0', 'int'], ['arg1', 'int!'], ['arg2', 'int!']], returns: 'appointmentTransfer[]',
    handler: (a, ctx) => forPatient(ctx, a.int('arg0'), a.intP('arg1'), a.intP('arg2'), false),
  },
  {
    name: 'getAppointment2', params: [['arg0', 'int'], ['arg1', 'boolean!']], returns: 'appointmentTransfer',
    handler: (a, ctx) => getAppointment(ctx, a.int('arg0'), a.bool('arg1')),
  },
  {
    name: 'getAppointmentsForProvider2', params: [['arg0', 'string'], ['arg1', 'dateTime'], ['arg2', 'boolean!']], returns: 'appointmentTransfer[]',
    handler: (a, ctx) => dayAppointments(ctx, a.str('arg0'), a.cal('arg1'), a.bool('arg2')),
  },
  {
    name: 'getAppointmentsForPatient2', params: [['arg0', 'int'], ['arg1', 'int!'], ['arg2', 'int!'], ['arg3', 'boolean!']],
    returns: 'appointmentTransfer[]',
    handler: (a, ctx) => forPatient(ctx, a.int('arg0'), a.intP('arg1'), a.intP('arg2'), a.bool('arg3')),
  },
  {
    name: 'getDayWorkSchedule', params: [['arg0', 'string'], ['arg1', 'dateTime']], returns: 'dayWorkScheduleTransfer',
    handler: (a, ctx) => dayWorkSchedule(ctx, a.str('arg0'), a.cal('arg1')),
  },
  { name: 'getAppointmentTypes', params: [], returns: 'appointmentTypeTransfer[]', handler: (_a, ctx) => appointmentTypes(ctx) },
  { name: 'addAppointment', params: [['arg0', 'appointmentTransfer']], returns: 'int', handler: (a, ctx) => addAppointment(ctx, a.obj('arg0')) },
  { name: 'updateAppointment', params: [['arg0', 'appointmentTransfer']], returns: 'void', handler: (a, ctx) => updateAppointment(ctx, a.obj('arg0')) },
  {
    name: 'getAppointmentsForDateRangeAndProvider', params: [['arg0', 'dateTime'], ['arg1', 'dateTime'], ['arg2', 'string']],
    returns: 'appointmentTransfer[]',
    handler: (a, ctx) => dateRange(ctx, a.cal('arg0'), a.cal('arg1'), a.str('arg2'), false),
  },
  {
    name: 'getAppointmentsForDateRangeAndProvider2', params: [['arg0', 'dateTime'], ['arg1', 'dateTime'], ['arg2', 'string'], ['arg3', 'boolean!']],
    returns: 'appointmentTransfer[]',
    handler: (a, ctx) => dateRange(ctx, a.cal('arg0'), a.cal('arg1'), a.str('arg2'), a.bool('arg3')),
  },
  {
    name: 'getAppointmentsUpdatedAfterDate', params: [['arg0', 'dateTime'], ['arg1', 'int!'], ['arg2', 'boolean!']],
    returns: 'appointmentTransfer[]',
    handler: (a, ctx) => {
      const max = a.intP('arg1');
      checkLimit(max);
      const after = a.cal('arg0');
      if (after === null) return [];
      const rows = sortBy(byPk(ctx, (r) => (updatedAt(ctx)(r) ?? -Infinity) > after.epochMs), updatedAt(ctx));
      // Without the _appointment.UpdatedAfterDate privilege the consent filter runs after the LIMIT.
      return toTransfers(ctx, filterByProviderConsent(ctx.store, callerOf(ctx), page(rows, 0, max), (r) => r.demographicNo), a.bool('arg2'));
    },
  },
  {
    name: 'getAppointmentArchivesUpdatedAfterDate', params: [['arg0', 'dateTime'], ['arg1', 'int!'], ['arg2', 'boolean!']],
    returns: 'appointmentArchiveTransfer[]',
    handler: (a, ctx) => archivesAfter(ctx, a.cal('arg0'), a.intP('arg1'), a.bool('arg2')),
  },
  {
    name: 'getAppointmentsByProgramProviderDemographicDate',
    params: [['arg0', 'int'], ['arg1', 'string'], ['arg2', 'int'], ['arg3', 'dateTime'], ['arg4', 'int!'], ['arg5', 'boolean!']],
    returns: 'appointmentTransfer[]',
    handler: (a, ctx) => {
      const { programId, providerNo, demographicId, after, max } = programProviderArgs(a, 'updatedAfterThisDateExclusive');
      const rows = sortBy(byPk(ctx, (r) => (r.programId === programId || r.programId === 0)
        && r.demographicNo === demographicId && providerNo !== null && equalsCi(r.providerNo, providerNo)
        && (updatedAt(ctx)(r) ?? -Infinity) > after.epochMs), updatedAt(ctx));
      return toTransfers(ctx, page(rows, 0, max), a.bool('arg5'));
    },
  },
  {
    name: 'testTimeZone_1492_05_12_18_26_32', params: [['arg0', 'boolean!']], returns: 'dateTime',
    handler: (a, ctx) => testTimeZone(ctx, a.bool('arg0')),
  },
  {
    name: 'getAllDemographicIdByProgramProvider', params: [['arg0', 'int'], ['arg1', 'string']], returns: 'int[]',
    handler: (a, ctx) => {
      const programId = a.int('arg0');
      const providerNo = a.str('arg1');
      const ids: number[] = [];
      for (const r of byPk(ctx)) {
        if (providerNo !== null && equalsCi(r.providerNo, providerNo) && (programId === null || r.programId === programId) && !ids.includes(r.demographicNo)) ids.push(r.demographicNo);
      }
      return ids;
    },
  },
  {
    // contract 7.9: consent-gated — empty unless the patient consented to the caller's consent type.
    name: 'getAppointmentsByDemographicIdAfter', params: [['lastUpdate', 'dateTime'], ['demographicId', 'int'], ['useGMTTime', 'boolean!']],
    returns: 'appointmentTransfer[]',
    handler: (a, ctx) => {
      const lastUpdate = a.cal('lastUpdate');
      if (lastUpdate === null) throw npeFault('java.util.Calendar.getTime()', 'lastUpdate');
      const demographicId = a.int('demographicId');
      if (demographicId === null) throw npeFault('java.lang.Integer.intValue()', 'demographicId');
      if (!hasPatientConsented(ctx.store, demographicId, providerConsentType(ctx.store, callerOf(ctx)))) return [];
      const rows = sortBy(byPk(ctx, (r) => r.demographicNo === demographicId && (updatedAt(ctx)(r) ?? -Infinity) > lastUpdate.epochMs), updatedAt(ctx));
      return toTransfers(ctx, rows, a.bool('useGMTTime'));
    },
  },
];

export const scheduleService: ServiceDef = { path: 'ScheduleService', portType: 'ScheduleWs', secured: true, operations };
