// OSCAR appointment status (char(2) BINARY, contract 5.2) ⇄ FHIR Appointment.status
// (mapping §3.2). Clinics customise statuses, so this is only the default: the
// MappingConfig carries the table in force.

import type { Appointment } from 'fhir/r4.js';

export type AppointmentStatus = Appointment['status'];

export interface AppointmentStatusTable {
  /** Exact 1–2 char codes, checked first (case-sensitive). */
  exact: Readonly<Record<string, AppointmentStatus>>;
  /** Rule on the first char; the second char (S signed, V verified) does not change the status. */
  firstChar: Readonly<Record<string, AppointmentStatus>>;
  /** Status for codes neither table knows (e.g. a clinic status added after deployment). */
  fallback: AppointmentStatus;
  /** FHIR status → OSCAR code written on create/update; statuses absent here are rejected. */
  toOscar: Readonly<Partial<Record<AppointmentStatus, string>>>;
}

export const DEFAULT_APPOINTMENT_STATUSES: AppointmentStatusTable = {
  exact: {},
  firstChar: {
    t: 'booked', // To Do (default for new bookings)
    T: 'booked', // Daysheet printed
    h: 'booked', // Confirmed
    H: 'arrived', // Here
    P: 'checked-in', // Picked (with provider)
    E: 'checked-in', // Empty room
    N: 'noshow',
    C: 'cancelled',
    B: 'fulfilled', // Billed
    a: 'booked', b: 'booked', c: 'booked', d: 'booked', e: 'booked', f: 'booked', // Customized 1–6
    D: 'entered-in-error', // legacy deleted; OSCAR's queries filter it out, so normally never seen
  },
  fallback: 'booked',
  toOscar: { booked: 't', arrived: 'H', 'checked-in': 'P', noshow: 'N', cancelled: 'C', fulfilled: 'B' },
};
