// ScheduleService (contract 3.2, 3.7, 7.8, 7.26): /schedule under /ws/services.

import { epochOfWallClock, utcMs, wallClockOf, wallDateOf } from '../wall-clock.js';
import type { AppointmentRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import type { JsonEntity, Schema } from './body.js';
import { ContainerError } from './errors.js';
import { dateMs, dateTimeMs } from './jackson.js';
import { JSON_TYPE } from './media.js';
import { entity, intParam, searchResponse, type RestContext, type RestResult, type RestRoute } from './route.js';
import { equalsCi } from '../soap/query.js';

const J = [JSON_TYPE] as const;
const MAX_LIST_RETURN_SIZE = 5000;

const APPOINTMENT_TO1: Schema = {
  id: 'Integer', providerNo: 'String', appointmentDate: 'Date', startTime: 'Date', endTime: 'Date', name: 'String',
  demographicNo: 'int', programId: 'int', notes: 'String', reason: 'String', location: 'String', resources: 'String',
  type: 'String', style: 'String', billing: 'String', status: 'String', importedStatus: 'String',
  createDateTime: 'Date', updateDateTime: 'Date', creator: 'String', lastUpdateUser: 'String', remarks: 'String',
  urgency: 'String', creatorSecurityId: 'Integer', bookingSource: { enumOf: ['OSCAR', 'MYOSCAR_SELF_BOOKING'] },
  reasonCode: 'Integer', demographic: 'any', provider: 'any', billingDetail: 'any',
};

const NEW_APPOINTMENT_TO1: Schema = {
  providerNo: 'String', appointmentDate: 'String', startTime: 'String', startTime12hWithMedian: 'String', name: 'String',
  demographicNo: 'int', notes: 'String', reason: 'String', location: 'String', resources: 'String', type: 'String',
  status: 'String', duration: 'int', urgency: 'String', reasonCode: 'Integer',
};

const emptySchedulingResponse = (): Record<string, unknown> => ({ appointment: null, statuses: null, types: null, reasons: null, appointments: null });

/** AppointmentTo1 of a row loaded from the DB: java.sql.Time fields stay "HH:mm:ss" (contract 1.3). */
export function appointmentTo1(a: AppointmentRow, tz: string): Record<string, unknown> {
  return {
    id: a.appointmentNo, providerNo: a.providerNo, appointmentDate: dateMs(a.appointmentDate, tz),
    startTime: a.startTime, endTime: a.endTime, name: a.name, demographicNo: a.demographicNo, programId: a.programId,
    notes: a.notes, reason: a.reason, location: a.location, resources: a.resources, type: a.type ?? '',
    style: a.style, billing: a.billing, status: a.status, importedStatus: a.importedStatus,
    createDateTime: dateTimeMs(a.createDateTime, tz), updateDateTime: dateTimeMs(a.updateDateTime, tz),
    creator: a.creator, lastUpdateUser: a.lastUpdateUser, remarks: a.remarks, urgency: a.urgency,
    creatorSecurityId: a.creatorSecurityId, bookingSource: a.bookingSource, reasonCode: a.reasonCode,
    demographic: null, provider: null, billingDetail: null,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A JPA entity as Jackson writes it: its bean properties, Dates as epoch ms. The simulator's rows
 * carry the entities' property names; a DATE column is local midnight, a DATETIME its instant.
 */
function entityJson(row: object, tz: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) out[k] = dateMs(v, tz);
    else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v)) out[k] = dateTimeMs(v, tz);
    else out[k] = v;
  }
  return out;
}

/**
 * POST /schedule/getAppointment: AppointmentConverter(true, true) — the row's AppointmentTo1 plus
 * the Demographic (when demographicNo > 0) and Provider entities. An unknown id leaves the manager
 * with null, and BeanUtils.copyProperties(null, …) throws (contract 1.6: the container's 500 page).
 */
function getAppointment(ctx: RestContext): Record<string, unknown> {
  ctx.provider();
  const id = ctx.body?.id;
  const appt = typeof id === 'number' ? ctx.store.appointment(id) : undefined;
  if (!appt) throw new ContainerError('java.lang.IllegalArgumentException: Source must not be null');
  const demographic = appt.demographicNo > 0 ? ctx.store.demographic(appt.demographicNo) : undefined;
  const provider = ctx.store.provider(appt.providerNo);
  return {
    ...emptySchedulingResponse(),
    appointment: {
      ...appointmentTo1(appt, ctx.tz),
      demographic: demographic ? entityJson(demographic, ctx.tz) : null,
      provider: provider ? entityJson(provider, ctx.tz) : null,
    },
  };
}

/** Lenient SimpleDateFormat-style parse of the booking's local start into epoch ms; bad text → 500. */
function bookingStart(to: JsonEntity, tz: string): number {
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(String(to.appointmentDate ?? '').trim());
  let hour: number;
  let minute: number;
  const t24 = typeof to.startTime === 'string' ? /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(to.startTime.trim()) : null;
  const t12 = typeof to.startTime12hWithMedian === 'string' ? /^(\d{1,2}):(\d{2})\s*([AaPp][Mm])$/.exec(to.startTime12hWithMedian.trim()) : null;
  if (t24) { hour = Number(t24[1]); minute = Number(t24[2]); }
  else if (t12) { hour = (Number(t12[1]) % 12) + ((t12[3] ?? '').toUpperCase() === 'PM' ? 12 : 0); minute = Number(t12[2]); }
  else throw new ContainerError('ca.openosp.openo.webserv.rest.conversion.ConversionException: java.text.ParseException: Unparseable date');
  if (!date) throw new ContainerError('ca.openosp.openo.webserv.rest.conversion.ConversionException: java.text.ParseException: Unparseable date');
  const n = new Date(utcMs(Number(date[1]), Number(date[2]) - 1, Number(date[3]), hour, minute));
  const local = `${String(n.getUTCFullYear()).padStart(4, '0')}-${pad(n.getUTCMonth() + 1)}-${pad(n.getUTCDate())}T${pad(n.getUTCHours())}:${pad(n.getUTCMinutes())}:00`;
  return epochOfWallClock(local, tz);
}

/** POST /schedule/add via NewAppointmentConverter; the answer is the in-memory object (ms times). */
function addAppointment(ctx: RestContext): Record<string, unknown> {
  const store = ctx.store;
  const tz = ctx.tz;
  const caller = ctx.provider().providerNo;
  const to = ctx.body;
  if (to === null) throw new ContainerError('java.lang.NullPointerException');
  const start = bookingStart(to, tz);
  const patient = store.demographic(to.demographicNo as number);
  if (!patient) throw new ContainerError('ca.openosp.openo.webserv.rest.conversion.ConversionException: Unable to find patient');
  // contract 7.8: the stored end is the last included minute
  const end = start + ((to.duration as number | undefined) ?? 0) * 60_000 - 60_000;
  const providerNo = (to.providerNo ?? null) as string | null;
  if (providerNo === null) throw new ContainerError('org.hibernate.PropertyValueException: not-null property references a null value: Appointment.providerNo');
  const s = (k: string): string | null => (to[k] ?? null) as string | null;
  const name = `${patient.lastName}, ${patient.firstName}`; // contract 7.26: the request's name is ignored
  const now = store.now();
  const startLocal = wallClockOf(start, tz);
  const row: AppointmentRow = {
    appointmentNo: store.nextId('appointment'), providerNo, appointmentDate: startLocal.slice(0, 10),
    startTime: startLocal.slice(11), endTime: wallClockOf(end, tz).slice(11), name, demographicNo: patient.demographicNo,
    programId: 0, notes: s('notes') ?? '', reason: s('reason') ?? '', reasonCode: (to.reasonCode ?? null) as number | null,
    location: s('location') ?? '', resources: s('resources') ?? '', type: s('type'), style: null, billing: null,
    status: s('status') ?? 't', importedStatus: null, createDateTime: store.nowLocal(), updateDateTime: store.nowLocal(),
    creator: caller, lastUpdateUser: caller, remarks: '', urgency: s('urgency'), creatorSecurityId: null, bookingSource: null,
  };
  store.insertAppointment(row);
  return {
    id: row.appointmentNo, providerNo, appointmentDate: start, startTime: start, endTime: end, name,
    demographicNo: patient.demographicNo, programId: 0, notes: s('notes'), reason: s('reason'), location: s('location'),
    resources: s('resources'), type: s('type') ?? '', style: null, billing: null, status: s('status'), importedStatus: null,
    createDateTime: now, updateDateTime: now, creator: caller, lastUpdateUser: caller, remarks: '', urgency: s('urgency'),
    creatorSecurityId: null, bookingSource: null, reasonCode: (to.reasonCode ?? null) as number | null,
    demographic: null, provider: null, billingDetail: null,
  };
}

/** updateAppointmentStatus / updateAppointmentType: the loaded entity, changed and returned. */
function updateField(ctx: RestContext, field: 'status' | 'type'): Record<string, unknown> {
  ctx.provider();
  const to = ctx.body;
  if (to === null) throw new ContainerError('java.lang.NullPointerException');
  const appt = ctx.store.appointment(intParam(ctx, 'id'));
  if (!appt) throw new ContainerError('java.lang.NullPointerException');
  const value = (to[field] ?? null) as string | null;
  // contract 3.8: the manager archives the version it replaces, sets that one column, and the
  // entity's @PreUpdate stamps updateDateTime.
  ctx.store.archiveAppointment(appt);
  if (field === 'status') appt.status = value ?? ''; else appt.type = value;
  appt.updateDateTime = ctx.store.nowLocal();
  return { ...emptySchedulingResponse(), appointment: appointmentTo1(appt, ctx.tz) };
}

function formatHhMmAa(hhmmss: string): string {
  const [h = 0, m = 0] = hhmmss.split(':').map(Number);
  return `${pad(h % 12 === 0 ? 12 : h % 12)}:${pad(m)} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Appointment.getDuration() (contract 3.8): "<h>H " when hours > 0, then "<m>m " when minutes > 0. */
export function durationText(a: Pick<AppointmentRow, 'startTime' | 'endTime'>): string {
  const toMin = (t: string): number => { const [h = 0, m = 0] = t.split(':').map(Number); return h * 60 + m; };
  const minutes = toMin(a.endTime) - toMin(a.startTime);
  const h = Math.floor(minutes / 60);
  return `${h > 0 ? `${h}H ` : ''}${minutes % 60 > 0 ? `${minutes % 60}m ` : ''}`;
}

/** PatientListApptItemBean[] for one provider's day, excluding status exactly 'C'. */
function dayList(store: ClinicStore, providerNo: string, date: string): Array<Record<string, unknown>> {
  let day: string;
  if (date === 'today') day = wallDateOf(store.now(), store.serverZone);
  else {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date);
    if (!m) throw new ContainerError('java.lang.RuntimeException: Invalid Date sent, use yyyy-MM-dd format');
    const n = new Date(utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    day = n.toISOString().slice(0, 10);
  }
  return store.data.appointments
    .filter((a) => a.providerNo === providerNo && a.appointmentDate === day && a.status !== 'C')
    .sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.appointmentNo - b.appointmentNo))
    .map((a) => {
      const patient = a.demographicNo === 0 ? undefined : store.demographic(a.demographicNo);
      return {
        demographicNo: a.demographicNo, appointmentNo: a.appointmentNo,
        name: a.demographicNo === 0 ? a.name : patient ? `${patient.lastName}, ${patient.firstName}` : null,
        status: a.status, startTime: formatHhMmAa(a.startTime), reason: a.reason, duration: durationText(a),
        type: a.type, notes: a.notes, date: epochOfWallClock(`${a.appointmentDate}T${a.startTime}`, store.serverZone),
      };
    });
}

/**
 * org.apache.tools.ant.util.DateUtils.parseIso8601Date: a lenient SimpleDateFormat("yyyy-MM-dd")
 * (month 13 rolls into the next year, text after the day is ignored); null when it cannot parse.
 */
function iso8601Date(s: string): string | null {
  const m = /^(\d+)-(\d+)-(\d+)/.exec(s);
  if (!m) return null;
  return new Date(utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10);
}

/** ProviderPeriodAppsTo(Appointment): no times; updateDatetime in SECONDS (contract 3.8). */
function providerPeriodAppsTo(a: AppointmentRow, tz: string): Record<string, unknown> {
  return {
    appointmentNo: a.appointmentNo, providerNo: a.providerNo, appointmentDate: dateMs(a.appointmentDate, tz),
    demographicNo: a.demographicNo, notes: a.notes, location: a.location, resources: a.resources, status: a.status,
    lastUpdateUser: a.lastUpdateUser, updateDatetime: Math.floor((dateTimeMs(a.updateDateTime, tz) ?? 0) / 1000), name: a.name,
  };
}

/**
 * GET /schedule/fetchProviderAppts/{providerNo}/{sDate}/{eDate} (contract 3.8): the SOAP range
 * query (appointment_date >= sDate and < eDate, every status, by primary key) as a
 * ProviderPeriodAppsResponse. Its getContent() carries @XmlElement(name="ProviderPeriodApps") and
 * @XmlElementWrapper(name="content"); Jackson's JAXB introspector names the property after the
 * element, not the wrapper (USE_WRAPPER_NAME_AS_PROPERTY_NAME is off), as OscarSearchResponse's
 * "Item". An unparsable date's 400 is thrown inside the method's catch-all, which answers 500
 * "Internal server error" instead.
 */
function providerPeriodAppts(ctx: RestContext): RestResult {
  ctx.provider();
  const from = iso8601Date(ctx.params.sDate ?? '');
  const to = iso8601Date(ctx.params.eDate ?? '');
  if (from === null || to === null) return { kind: 'response', status: 500, body: 'Internal server error', contentType: JSON_TYPE };
  const providerNo = ctx.params.providerNo ?? '';
  const rows = [...ctx.store.data.appointments]
    .filter((a) => a.appointmentDate >= from && a.appointmentDate < to && equalsCi(a.providerNo, providerNo))
    .sort((a, b) => a.appointmentNo - b.appointmentNo);
  const { content: _content, query, ...head } = searchResponse([], 0, ctx.store.now(), null);
  return entity({ ...head, ProviderPeriodApps: rows.map((a) => providerPeriodAppsTo(a, ctx.tz)), query });
}

export const scheduleRoutes: RestRoute[] = [
  {
    method: 'GET', path: '/schedule/fetchProviderAppts/{providerNo}/{sDate}/{eDate}', produces: J, consumes: J,
    handle: providerPeriodAppts,
  },
  {
    method: 'GET', path: '/schedule/statuses', produces: J, consumes: J,
    handle(ctx) {
      ctx.provider();
      const rows = ctx.store.data.appointmentStatuses.slice(0, 100);
      const content = rows.map((s) => ({
        id: s.id, status: s.status, description: s.description, color: s.color, icon: s.icon, active: s.active,
        editable: s.editable, shortLetters: s.shortLetters, shortLetterColour: s.shortLetterColour,
      }));
      return entity(searchResponse(content, rows.length, ctx.store.now(), null));
    },
  },
  {
    method: 'GET', path: '/schedule/day/{date}', produces: J, consumes: J,
    handle(ctx) {
      const me = ctx.provider().providerNo;
      return entity(dayList(ctx.store, me, ctx.params.date ?? ''));
    },
  },
  {
    method: 'GET', path: '/schedule/{providerNo}/day/{date}', produces: J, consumes: J,
    handle(ctx) {
      ctx.provider();
      return entity(dayList(ctx.store, ctx.params.providerNo ?? '', ctx.params.date ?? ''));
    },
  },
  {
    method: 'POST', path: '/schedule/add', produces: J, consumes: J, entity: { kind: 'bean', schema: NEW_APPOINTMENT_TO1 },
    handle(ctx) {
      return entity({ ...emptySchedulingResponse(), appointment: addAppointment(ctx) });
    },
  },
  {
    method: 'POST', path: '/schedule/getAppointment', produces: J, consumes: J, entity: { kind: 'bean', schema: APPOINTMENT_TO1 },
    handle(ctx) { return entity(getAppointment(ctx)); },
  },
  {
    method: 'POST', path: '/schedule/updateAppointment', produces: J, consumes: J, entity: { kind: 'bean', schema: APPOINTMENT_TO1 },
    handle(ctx) {
      ctx.provider();
      // contract 3.2: AppointmentConverter.getAsDomainObject returns null, so the update NPEs
      throw new ContainerError('java.lang.NullPointerException');
    },
  },
  {
    method: 'POST', path: '/schedule/deleteAppointment', produces: J, consumes: J, entity: { kind: 'bean', schema: APPOINTMENT_TO1 },
    handle(ctx) {
      ctx.provider();
      const id = ctx.body?.id;
      if (ctx.body === null || id == null) throw new ContainerError('java.lang.IllegalArgumentException: id to load is required');
      if (!ctx.store.deleteAppointment(id as number)) throw new ContainerError('java.lang.NullPointerException');
      return { kind: 'response', status: 200 };
    },
  },
  {
    // no entity parameter: the body is never read (contract 3.2: "send {}")
    method: 'POST', path: '/schedule/{demographicNo}/appointmentHistory', produces: J, consumes: J, intParams: ['demographicNo'],
    handle(ctx) {
      ctx.provider();
      const demographicNo = intParam(ctx, 'demographicNo');
      const appts = ctx.store.data.appointments
        .filter((a) => a.demographicNo === demographicNo && a.status !== 'D')
        .sort((a, b) => (a.appointmentDate !== b.appointmentDate ? (a.appointmentDate < b.appointmentDate ? 1 : -1)
          : a.startTime !== b.startTime ? (a.startTime < b.startTime ? 1 : -1) : b.appointmentNo - a.appointmentNo))
        .slice(0, MAX_LIST_RETURN_SIZE);
      return entity({ ...emptySchedulingResponse(), appointments: appts.map((a) => appointmentTo1(a, ctx.tz)) });
    },
  },
  {
    method: 'POST', path: '/schedule/appointment/{id}/updateStatus', produces: J, consumes: J, intParams: ['id'],
    entity: { kind: 'bean', schema: APPOINTMENT_TO1 },
    handle(ctx) { return entity(updateField(ctx, 'status')); },
  },
  {
    method: 'POST', path: '/schedule/appointment/{id}/updateType', produces: J, consumes: J, intParams: ['id'],
    entity: { kind: 'bean', schema: APPOINTMENT_TO1 },
    handle(ctx) { return entity(updateField(ctx, 'type')); },
  },
];
