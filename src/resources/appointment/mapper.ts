// Appointment ⇄ OSCAR appointment (mapping §3). An AppointmentTransfer (SOAP) is reduced to a
// Booking (instants as epoch ms) and built from that; rest-mapper.ts does the same for the REST
// transfers, so both paths give one appointment the same resource.

import type { Appointment, AppointmentParticipant } from 'fhir/r4.js';
import type { AppointmentTransfer } from '../../oscar/types.js';
import { formatFhirDateTime, formatXsDateTime, localDateOf } from '../../time/zone.js';
import { exclusiveEndOf } from '../../time/appointment-end.js';
import { nonBlank, withoutEmpty } from '../without-empty.js';
import type { MappingConfig } from '../mapping-config.js';
import type { MappingError } from '../mapping-errors.js';
import { xsEpoch } from '../oscar-dates.js';
import { patientRef, practitionerRef, referencedId } from '../references.js';
import type { AppointmentStatus } from './status-table.js';
import { columnFor, identifierOfColumn } from '../client-identifier.js';

const MINUTE = 60_000;

/** FHIR status of an OSCAR status code: exact code, else the first-char rule, else the fallback. */
export function appointmentStatusFor(code: string | null | undefined, cfg: MappingConfig): AppointmentStatus {
  const table = cfg.appointmentStatuses;
  const c = (code ?? '').trim(); // contract 5.2: case-sensitive, so never change case
  if (c === '') return table.fallback;
  return table.exact[c] ?? table.firstChar[c.charAt(0)] ?? table.fallback;
}

/** One appointment row, instants as epoch ms. */
export interface Booking {
  id?: number; status?: string; startMs?: number;
  /** contract 7.8: the stored end is the last included minute (or exclusive end − 1 ms via SOAP). */
  storedEndMs?: number;
  providerNo?: string; demographicNo?: number; name?: string; type?: string; reason?: string; notes?: string;
  createdMs?: number; updatedMs?: number;
  /** The `resources` column, where a client identifier is kept (client-identifier.ts). */
  resources?: string;
}

export function appointmentFromSoap(t: AppointmentTransfer, cfg: MappingConfig): Appointment {
  const tz = cfg.timezone;
  return buildAppointment({
    id: t.id, status: t.status,
    startMs: xsEpoch(t.appointmentStartDateTime, tz), storedEndMs: xsEpoch(t.appointmentEndDateTime, tz),
    providerNo: nonBlank(t.providerNo), demographicNo: t.demographicNo, name: nonBlank(t.name),
    type: nonBlank(t.type), reason: nonBlank(t.reason), notes: nonBlank(t.notes),
    createdMs: xsEpoch(t.createDateTime, tz), updatedMs: xsEpoch(t.updateDateTime, tz), resources: nonBlank(t.resources),
  }, cfg);
}

/** The booking's exclusive end (variants B11, contract 7.8: 10:19:59 → 10:20, 09:14 → 09:15). */
export function endOfBooking(b: Pick<Booking, 'storedEndMs'>): number | undefined {
  return b.storedEndMs !== undefined ? exclusiveEndOf(b.storedEndMs) : undefined;
}

/** The Appointment's participants: the patient, then the practitioner, each when the booking names one. */
export function participantsOf(b: Pick<Booking, 'demographicNo' | 'name' | 'providerNo'>): AppointmentParticipant[] {
  const participant: AppointmentParticipant[] = [];
  const patient = patientRef(b.demographicNo, b.name);
  if (patient) participant.push({ actor: patient, status: 'accepted' });
  const practitioner = practitionerRef(b.providerNo);
  if (practitioner) participant.push({ actor: practitioner, status: 'accepted' });
  return participant;
}

export function buildAppointment(b: Booking, cfg: MappingConfig): Appointment {
  const tz = cfg.timezone;
  const endMs = endOfBooking(b);
  const timed = b.startMs !== undefined && endMs !== undefined; // app-2: start and end together or not at all
  const minutes = timed ? Math.round((endMs - b.startMs!) / MINUTE) : 0;
  const participant = participantsOf(b);
  const identifier = identifierOfColumn(b.resources);

  // Members in canonical order (fhir/canonical-order.ts), so withoutEmpty keeps them without sorting a copy.
  return withoutEmpty<Appointment>({
    resourceType: 'Appointment',
    id: b.id !== undefined ? String(b.id) : undefined,
    meta: { lastUpdated: b.updatedMs !== undefined ? formatFhirDateTime(b.updatedMs, tz) : undefined },
    appointmentType: b.type ? { text: b.type } : undefined,
    comment: b.notes,
    created: b.createdMs !== undefined ? formatFhirDateTime(b.createdMs, tz) : undefined,
    description: b.reason,
    end: timed ? formatFhirDateTime(endMs, tz) : undefined,
    identifier: identifier ? [identifier] : undefined,
    minutesDuration: minutes > 0 ? minutes : undefined,
    participant,
    start: timed ? formatFhirDateTime(b.startMs!, tz) : undefined,
    status: appointmentStatusFor(b.status, cfg),
  });
}

// ---------- FHIR → OSCAR ----------

export interface AppointmentWrite {
  /** For SOAP addAppointment / updateAppointment (contract 4.6). */
  transfer: AppointmentTransfer;
  errors: MappingError[];
}

/** Appointment.identifier lives in the resources column, varchar(255) (contract 5.2). */
const IDENTIFIER_COLUMN = { expression: 'Appointment.identifier', maxLength: 255 };

/** Column widths (contract 5.2): longer text makes OSCAR's insert fail. */
const LIMITS = { reason: 80, notes: 255, type: 50, name: 50 } as const;

function parseInstant(v: string | undefined): number | undefined {
  if (!v || !/T\d{2}:\d{2}/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * OSCAR code for a FHIR status. With the current record, its code is kept when it already means
 * that status, so a PUT does not turn 'HS' (here, signed) or a custom 'a' into the plain code.
 */
function oscarStatusFor(status: AppointmentStatus, cfg: MappingConfig, currentCode: string | undefined): string | undefined {
  if (currentCode && appointmentStatusFor(currentCode, cfg) === status) return currentCode;
  return cfg.appointmentStatuses.toOscar[status];
}

/**
 * SOAP AppointmentTransfer for a FHIR Appointment. Pass the current transfer on update: OSCAR's
 * copy rules overwrite every column from the transfer, so unmapped columns (location, resources,
 * style, billing, urgency, programId, remarks…) must be sent back as they were.
 */
export function appointmentToTransfer(a: Appointment, cfg: MappingConfig, current?: AppointmentTransfer): AppointmentWrite {
  const tz = cfg.timezone;
  const errors: MappingError[] = [];

  const startMs = parseInstant(a.start);
  const endMs = parseInstant(a.end);
  if (startMs === undefined) errors.push({ expression: 'Appointment.start', message: 'OSCAR requires a start instant with a time zone' });
  if (endMs === undefined) errors.push({ expression: 'Appointment.end', message: 'OSCAR requires an end instant with a time zone' });
  if (startMs !== undefined && endMs !== undefined) {
    if (endMs <= startMs) errors.push({ expression: 'Appointment.end', message: 'end must be after start' });
    // contract 4.6: one appointment_date holds both times, so a booking cannot cross midnight.
    else if (localDateOf(startMs, tz) !== localDateOf(endMs - 1, tz)) {
      errors.push({ expression: 'Appointment.end', message: `OSCAR cannot store an appointment that crosses midnight (${tz})` });
    }
  }

  let providerNo: string | undefined;
  let demographicNo = 0;
  let patientDisplay: string | undefined;
  const practitioners = (a.participant ?? []).filter((p) => referencedId(p.actor, 'Practitioner') !== undefined);
  const patients = (a.participant ?? []).filter((p) => referencedId(p.actor, 'Patient') !== undefined);
  if (practitioners.length === 0) errors.push({ expression: 'Appointment.participant', message: 'OSCAR requires a Practitioner participant' });
  else if (practitioners.length > 1) errors.push({ expression: 'Appointment.participant', message: 'OSCAR books one Practitioner per appointment' });
  else providerNo = referencedId(practitioners[0]?.actor, 'Practitioner');
  if (patients.length > 1) errors.push({ expression: 'Appointment.participant', message: 'OSCAR books one Patient per appointment' });
  else if (patients[0]) {
    const id = referencedId(patients[0].actor, 'Patient') ?? '';
    if (!/^[1-9]\d{0,9}$/.test(id)) errors.push({ expression: 'Appointment.participant.actor', message: 'Patient reference is not an OSCAR demographic number' });
    else demographicNo = Number(id);
    patientDisplay = nonBlank(patients[0].actor?.display);
  }

  const code = oscarStatusFor(a.status, cfg, nonBlank(current?.status));
  if (!code) errors.push({ expression: 'Appointment.status', message: `OSCAR has no appointment status for '${a.status}'` });

  const type = nonBlank(a.appointmentType?.text) ?? nonBlank(a.appointmentType?.coding?.[0]?.display) ?? nonBlank(a.appointmentType?.coding?.[0]?.code) ?? '';
  const name = patientDisplay ?? (current && (current.demographicNo ?? 0) === demographicNo ? current.name ?? '' : '');
  const texts = { reason: nonBlank(a.description) ?? '', notes: nonBlank(a.comment) ?? '', type, name };
  for (const [k, limit] of Object.entries(LIMITS)) {
    if (texts[k as keyof typeof LIMITS].length > limit) {
      const path = { reason: 'Appointment.description', notes: 'Appointment.comment', type: 'Appointment.appointmentType', name: 'Appointment.participant.actor.display' }[k];
      errors.push({ expression: path ?? 'Appointment', message: `OSCAR stores at most ${limit} characters here` });
    }
  }

  const { createDateTime: _c, updateDateTime: _u, creator: _cr, lastUpdateUser: _l, ...kept } = current ?? ({} as AppointmentTransfer);
  const id = a.id && /^\d+$/.test(a.id) ? Number(a.id) : current?.id;
  const transfer: AppointmentTransfer = {
    ...kept,
    id,
    appointmentStartDateTime: startMs !== undefined ? formatXsDateTime(startMs, tz) : undefined,
    // contract 4.6: send the EXCLUSIVE end; OSCAR subtracts 1 ms before storing.
    appointmentEndDateTime: endMs !== undefined ? formatXsDateTime(endMs, tz) : undefined,
    providerNo, demographicNo, status: code, ...texts,
  };
  const resources = columnFor(IDENTIFIER_COLUMN, a.identifier, current?.resources, errors);
  if (resources !== undefined) transfer.resources = resources;
  if (transfer.id === undefined) delete transfer.id;
  return { transfer, errors };
}
