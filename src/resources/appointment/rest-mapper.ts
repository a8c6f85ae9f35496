// Appointment ⇄ OSCAR's REST schedule transfers (contract 3.8), for instances whose SOAP is out of
// reach (variants §7.4 "REST-only mode"). Each transfer is reduced to the Booking the SOAP mapper
// builds from, so an appointment reads the same whichever path fetched it.

import type { Appointment } from 'fhir/r4.js';
import type { AppointmentTo1, NewAppointmentTo1, PatientListApptItemBean } from '../../oscar/types.js';
import { epochOfLocal, localDateTimeOf } from '../../time/zone.js';
import type { MappingConfig } from '../mapping-config.js';
import type { MappingError } from '../mapping-errors.js';
import { restDateNear, restEpoch, restWallClock } from '../oscar-dates.js';
import { nonBlank } from '../without-empty.js';
import { appointmentToTransfer, buildAppointment } from './mapper.js';

const MINUTE = 60_000;
const HMS = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The stored wall-clock time of an AppointmentTo1 time field: "HH:mm:ss" when loaded from the
 * database, epoch ms when OSCAR answers with the object it just built (contract 3.7, 3.8).
 */
function wallTime(v: string | number | null | undefined, serverZone: string): string | undefined {
  if (typeof v === 'number') return restWallClock(v, serverZone)?.slice(11);
  const m = typeof v === 'string' ? HMS.exec(v.trim()) : null;
  if (!m) return undefined;
  return `${(m[1] ?? '').padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
}

/** Epoch ms of `date` + a stored time field, the wall clock meant in the clinic zone. */
function instantOn(date: string | undefined, time: string | number | null | undefined, serverZone: string, clinicZone: string): number | undefined {
  const t = wallTime(time, serverZone);
  return date !== undefined && t !== undefined ? epochOfLocal(`${date}T${t}`, clinicZone) : undefined;
}

/**
 * AppointmentTo1 → Appointment. `serverZone` is the OSCAR JVM's zone, which Jackson used to render
 * the epoch-ms values (contract 7.3); it defaults to the mapping zone. Start and end of a row loaded
 * from the database need no zone: its date is the midnight nearest the clinic's and its times are
 * text; only the create/update stamps and the answer of `POST /schedule/add` depend on it.
 */
export function appointmentFromRest(t: AppointmentTo1, cfg: MappingConfig, serverZone = cfg.timezone): Appointment {
  const tz = cfg.timezone;
  const date = typeof t.startTime === 'number'
    ? restWallClock(t.appointmentDate, serverZone)?.slice(0, 10)
    : restDateNear(t.appointmentDate, '00:00:00', tz);
  return buildAppointment({
    id: t.id ?? undefined, status: t.status ?? undefined,
    startMs: instantOn(date, t.startTime, serverZone, tz),
    // contract 7.8: the stored end is the last included minute; buildAppointment adds the minute back.
    storedEndMs: instantOn(date, t.endTime, serverZone, tz),
    providerNo: nonBlank(t.providerNo), demographicNo: t.demographicNo, name: nonBlank(t.name),
    type: nonBlank(t.type), reason: nonBlank(t.reason), notes: nonBlank(t.notes),
    createdMs: restEpoch(t.createDateTime, serverZone, tz), updatedMs: restEpoch(t.updateDateTime, serverZone, tz),
    resources: nonBlank(t.resources),
  }, cfg);
}

/**
 * Minutes of Appointment.getDuration() text (contract 3.8): "1H 14m ", "14m ", "1H ", or "" when
 * the stored end equals the start; whole minutes, seconds dropped.
 */
function durationMinutes(text: string | null | undefined): number | undefined {
  const m = typeof text === 'string' ? /^\s*(?:(\d+)H\s*)?(?:(\d+)m\s*)?$/.exec(text) : null;
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : undefined;
}

/** "hh:mm AM" (SimpleDateFormat "hh:mm aa" of the stored start, contract 3.7) → "HH:mm:00". */
function clockOf12h(text: string | null | undefined): string | undefined {
  const m = typeof text === 'string' ? /^\s*(\d{1,2}):(\d{2})\s*([AaPp])[Mm]\s*$/.exec(text) : null;
  if (!m) return undefined;
  const hour = (Number(m[1]) % 12) + ((m[3] ?? '').toUpperCase() === 'P' ? 12 : 0);
  return `${String(hour).padStart(2, '0')}:${m[2]}:00`;
}

/** The start of a day-list row: its stored wall clock on the date its epoch ms is nearest to. */
function dayItemStart(i: PatientListApptItemBean, cfg: MappingConfig, serverZone: string): number | undefined {
  const time = clockOf12h(i.startTime);
  if (time === undefined) return restEpoch(i.date, serverZone, cfg.timezone);
  const date = restDateNear(i.date, time, cfg.timezone);
  return date === undefined ? undefined : epochOfLocal(`${date}T${time}`, cfg.timezone);
}

/** A day-list row's start and stored end, as far as it carries them. */
export function dayItemTimes(i: PatientListApptItemBean, cfg: MappingConfig, serverZone = cfg.timezone): { startMs?: number; storedEndMs?: number } {
  const startMs = dayItemStart(i, cfg, serverZone);
  const minutes = durationMinutes(i.duration);
  // getDuration() is end − start of the stored times, and the stored end is the last included minute.
  return { startMs, storedEndMs: startMs !== undefined && minutes !== undefined ? startMs + minutes * MINUTE : undefined };
}

/**
 * One row of a provider's day list → Appointment, with what the row carries (contract 3.8): no
 * created/updated times and no client identifier. `providerNo` is the day list's provider. The
 * start needs no zone (its time is text), `serverZone` only helps a row without one.
 */
export function appointmentFromDayItem(i: PatientListApptItemBean, providerNo: string, cfg: MappingConfig, serverZone = cfg.timezone): Appointment {
  const { startMs, storedEndMs } = dayItemTimes(i, cfg, serverZone);
  return buildAppointment({
    id: i.appointmentNo ?? undefined, status: i.status ?? undefined, startMs, storedEndMs,
    providerNo: nonBlank(providerNo), demographicNo: i.demographicNo ?? undefined, name: nonBlank(i.name),
    type: nonBlank(i.type), reason: nonBlank(i.reason), notes: nonBlank(i.notes),
  }, cfg);
}

export interface NewAppointmentWrite {
  body: NewAppointmentTo1;
  errors: MappingError[];
}

/**
 * Appointment → the body of `POST /schedule/add` (contract 3.8): the clinic-zone wall-clock date
 * and start minute, and the duration in whole minutes (OSCAR stores start + duration − 1 min).
 * The checks of the SOAP path apply, plus what the REST booking cannot express.
 */
export function appointmentToNewAppointment(a: Appointment, cfg: MappingConfig): NewAppointmentWrite {
  const { transfer, errors } = appointmentToTransfer(a, cfg);
  const startMs = a.start ? Date.parse(a.start) : Number.NaN;
  const endMs = a.end ? Date.parse(a.end) : Number.NaN;
  const timed = Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs;
  if (timed && (startMs % MINUTE !== 0 || endMs % MINUTE !== 0)) {
    errors.push({ expression: 'Appointment.start', message: 'OSCAR REST bookings start and end on whole minutes' });
  }
  if (transfer.demographicNo === 0 && !errors.some((e) => e.expression === 'Appointment.participant')) {
    errors.push({ expression: 'Appointment.participant', message: 'an OSCAR REST booking needs a Patient participant' });
  }
  const wall = timed ? localDateTimeOf(startMs, cfg.timezone) : '';
  const body: NewAppointmentTo1 = {
    providerNo: transfer.providerNo ?? '', appointmentDate: wall.slice(0, 10), startTime: wall.slice(11, 16),
    duration: timed ? Math.round((endMs - startMs) / MINUTE) : 0, demographicNo: transfer.demographicNo ?? 0,
    status: transfer.status ?? '', type: transfer.type, reason: transfer.reason, notes: transfer.notes,
  };
  if (transfer.resources !== undefined) body.resources = transfer.resources;
  return { body, errors };
}

export interface RestAppointmentUpdate {
  /** The OSCAR status code to set, when it changes. */
  status?: string;
  /** The appointment type to set, when it changes. */
  type?: string;
  errors: MappingError[];
}

const sameInstant = (a: string | undefined, b: string | undefined): boolean =>
  (a === undefined && b === undefined) || (a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b));
const refs = (a: Appointment): string => (a.participant ?? []).map((p) => p.actor?.reference ?? '').sort().join(' ');
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * What a FHIR update of `current` can do over REST (contract 3.8): OSCAR's REST can set the status
 * and the type, nothing else (`updateAppointment` is unusable), so any other change is refused
 * with the element named, before anything is written.
 */
export function restAppointmentUpdate(proposed: Appointment, current: AppointmentTo1, cfg: MappingConfig, serverZone = cfg.timezone): RestAppointmentUpdate {
  const was = appointmentFromRest(current, cfg, serverZone);
  const { transfer, errors } = appointmentToTransfer(proposed, cfg, { status: current.status ?? undefined });
  const fixed: Array<[string, boolean]> = [
    ['Appointment.start', sameInstant(proposed.start, was.start)],
    ['Appointment.end', sameInstant(proposed.end, was.end)],
    ['Appointment.participant', refs(proposed) === refs(was)],
    ['Appointment.description', (nonBlank(proposed.description) ?? '') === (was.description ?? '')],
    ['Appointment.comment', (nonBlank(proposed.comment) ?? '') === (was.comment ?? '')],
    ['Appointment.identifier', same(proposed.identifier, was.identifier)],
  ];
  for (const [expression, unchanged] of fixed) {
    if (!unchanged) errors.push({ expression, message: 'OSCAR can change only the status and the appointment type of a booking through its REST web services' });
  }
  const out: RestAppointmentUpdate = { errors };
  if (transfer.status !== undefined && transfer.status !== (current.status ?? '')) out.status = transfer.status;
  if ((transfer.type ?? '') !== (current.type ?? '')) out.type = transfer.type ?? '';
  return out;
}
