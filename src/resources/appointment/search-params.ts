// Appointment search parameters: what each one means on this server and which OSCAR call answers
// it (design principle 1: this table drives parsing, the CapabilityStatement and the tests).
import type { Appointment, Resource } from 'fhir/r4.js';
import { ID_PARAM, LAST_UPDATED_PARAM, type IncludeDef, type SearchParamDef } from '../../fhir/index.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';
export const APPOINTMENT_STATUS_SYSTEM = 'http://hl7.org/fhir/appointmentstatus';

/** Longest practitioner date range searched in one OSCAR call (days). */
export const MAX_PRACTITIONER_RANGE_DAYS = 366;

/** Longest date range of a clinic-wide day list (one OSCAR call per provider; rows grow with days). */
export const MAX_CLINIC_RANGE_DAYS = 31;

export const APPOINTMENT_SEARCH_PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'appointment_no; SOAP getAppointment2 per id (at most LIMIT_SEARCH_IDS ids, 50 by default).' },
  {
    name: 'patient', type: 'reference', definition: `${R4}Appointment-patient`, target: ['Patient'],
    description: 'The patient booked; SOAP getAppointmentsForPatient2 (every appointment of the patient, whatever its status; never the consent-gated getAppointmentsByDemographicIdAfter), newest first in pages, stopping below a date lower bound. More matching rows than the upstream row limit are refused as too costly.',
  },
  {
    name: 'practitioner', type: 'reference', definition: `${R4}Appointment-practitioner`, target: ['Practitioner'],
    description: `The provider booked. Needs a bounded date range (e.g. date=ge2024-03-01&date=lt2024-04-01, at most ${MAX_PRACTITIONER_RANGE_DAYS} days) unless patient, _id or _lastUpdated is also given; SOAP getAppointmentsForDateRangeAndProvider2 over the calendar days of the range.`,
  },
  {
    name: 'actor', type: 'reference', definition: `${R4}Appointment-actor`, target: ['Patient', 'Practitioner'],
    description: 'Any participant: a Patient reference searches like patient, a Practitioner reference like practitioner (with the same date-range rule). An untyped id is tried as both.',
  },
  {
    name: 'identifier', type: 'token', definition: `${R4}Appointment-identifier`,
    description: 'The client\'s own identifier of a booking (system|value), kept in OSCAR\'s resources column. Filters the matches of another criterion (usually patient), so a retried create can find its booking: If-None-Exist: patient=…&identifier=system|value.',
  },
  {
    name: 'date', type: 'date', definition: `${R4}Appointment-date`,
    description: `The appointment period [start, end) compared with FHIR prefix semantics (eq ne lt gt le ge sa eb ap), in memory. Date-only values are days in the OSCAR server's zone. With practitioner it must be bounded on both sides (at most ${MAX_PRACTITIONER_RANGE_DAYS} days). Alone, bounded on both sides and at most ${MAX_CLINIC_RANGE_DAYS} days (date=2026-12-07, or date=ge…&date=lt…), it lists the whole clinic's appointments, cancelled ones included unless status says otherwise: one SOAP getAppointmentsForDateRangeAndProvider2 per OSCAR provider (every provider, active or not); more rows than LIMIT_UPSTREAM_ROWS are refused as too costly. Unbounded alone it is refused as too costly.`,
  },
  {
    name: 'status', type: 'token', definition: `${R4}Appointment-status`, system: APPOINTMENT_STATUS_SYSTEM, modifiers: ['not'],
    codes: ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist'],
    description: 'FHIR status of the OSCAR status code through the configured status table (t/T/h/a–f booked, H arrived, P/E checked-in, N noshow, C cancelled, B fulfilled; a second letter S/V is ignored). Filters the matches of another criterion.',
  },
  {
    ...LAST_UPDATED_PARAM,
    description: 'Appointments of every patient changed after a time: SOAP getAppointmentsUpdatedAfterDate (exclusive lower bound). Alone it needs a lower bound (gt, ge, eq, sa or ap). If the OSCAR user owns a provider consent filter, OSCAR leaves out patients who did not consent (contract 4.6).',
  },
];

function refsOf(type: 'Patient' | 'Practitioner') {
  return (r: Resource): string[] => ((r as Appointment).participant ?? [])
    .map((p) => p.actor?.reference)
    .filter((ref): ref is string => typeof ref === 'string' && ref.startsWith(`${type}/`));
}

export const APPOINTMENT_INCLUDES: IncludeDef[] = [
  { param: 'patient', targetType: 'Patient', references: refsOf('Patient') },
  { param: 'practitioner', targetType: 'Practitioner', references: refsOf('Practitioner') },
  { param: 'actor', targetType: 'Patient', references: refsOf('Patient') },
  { param: 'actor', targetType: 'Practitioner', references: refsOf('Practitioner') },
];
