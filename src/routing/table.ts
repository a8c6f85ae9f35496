// The routing table (variants §7.4): for each FHIR interaction this server implements, the ways
// of serving it through OscarClient operations, best first. Resolution (resolve.ts) picks, per
// OSCAR instance, the first option whose every operation the instance offers (wire-ops.ts
// `missing`); an interaction none of whose options is possible is left out of the
// CapabilityStatement and answered 501 (variants §7.3).
//
// Keys are `Type.interaction`, `Type.search.<param>` for a search parameter that needs an
// operation of its own (without it the rest of the search still works), and `Type.$operation`.
// `requires` names entries an option cannot do without (a create reads the record back).
import type { OscarOperation } from '../oscar/capabilities/wire-ops.js';

export interface RouteOption {
  /** Stable name a resource switches on, e.g. 'soap-with-rest-status'. */
  id: string;
  /** The protocol the option leans on (CapabilityStatement documentation, README table). */
  backend: 'rest' | 'soap';
  /** Every OscarClient operation the option may call: all must be offered for it to be chosen. */
  calls: readonly OscarOperation[];
  /** What a client gets less of through this option (said in the resource and the CapabilityStatement). */
  degraded?: string;
}

export interface RouteEntry {
  type: string;
  /** `read`, `search-type`, `create`, `update`, `search.<param>` or `$<operation>`. */
  interaction: string;
  options: readonly RouteOption[];
  /** Keys of entries this one cannot work without (a create reads the record back). */
  requires?: readonly string[];
}

const soap = <I extends string>(id: I, calls: readonly OscarOperation[], degraded?: string) =>
  ({ id, backend: 'soap' as const, calls, ...(degraded ? { degraded } : {}) });
const rest = <I extends string>(id: I, calls: readonly OscarOperation[], degraded?: string) =>
  ({ id, backend: 'rest' as const, calls, ...(degraded ? { degraded } : {}) });

/** variants B14: SOAP returns archived allergies unmarked; only REST /allergies/active tells them apart. */
const NO_ALLERGY_STATUS = 'no clinical status: without OSCAR REST an archived allergy cannot be told from an active one (variants §6 B14)';

/** contract 4.13: Juno's SOAP demographic writes refuse any sex but M and F. */
const JUNO_SEX = "only male or female can be stored (Juno's SOAP web services refuse other sexes, contract 4.13)";

/** contract 7.23, 7.24: what OSCAR REST's demographic record lacks, and the patients it cannot read. */
const PATIENT_OVER_REST = 'no residential address, email consent or roster enrolment (OSCAR REST has none, contract 7.24); a patient whose birth date is partial, which OSCAR REST cannot read (contract 7.23), comes with names, sex, phone, chart number, status and family physician only (no birth date)';

/** contract 3.1, 3.6, 3.7: OSCAR REST's demographic search, one mode per call, answers summary rows. */
const PATIENT_SEARCH_OVER_REST = 'found through OSCAR REST\'s demographic search: by _id, identifier, family, given, name or an exact birth date; results carry names, sex, birth date, phone, chart number, status and family physician only (read the Patient for the rest), and patients whose birth date is partial have none (contract 3.7)';

/** contract 3.9: REST prevention lists carry the latest row of each type and none of the ext details. */
const REST_PREVENTIONS = 'searched by patient only, the latest immunization of each vaccine type, without lot, site, route, dose or edit history (contract 3.9)';

/** A Schedule: the bookable providers and the template codes (scheduling §7.1). */
const SCHEDULE_CALLS = ['soapGetProviders2', 'soapGetScheduleTemplateCodes'] as const satisfies readonly OscarOperation[];
/** Free/busy: each day's template, the codes and the provider's appointments (scheduling §7.3). */
const SLOT_CALLS = [...SCHEDULE_CALLS, 'soapGetDayWorkSchedule', 'soapGetAppointmentsForDateRangeAndProvider2'] as const satisfies readonly OscarOperation[];

export const ROUTE_TABLE = {
  // Patient (variants §7.4: SOAP reads work for every patient, REST /demographics is the only write API)
  'Patient.read': {
    type: 'Patient', interaction: 'read', options: [
      soap('complete', ['soapGetDemographic2', 'soapGetDemographic']),
      soap('transfer1', ['soapGetDemographic'], 'no middle names, residential address, email consent or roster enrolment (this OSCAR has no getDemographic2, variants §4.1)'),
      rest('rest', ['restSearchDemographics', 'restGetDemographicBasic'], PATIENT_OVER_REST),
    ],
  },
  'Patient.search-type': {
    type: 'Patient', interaction: 'search-type', options: [
      soap('attributes', ['soapSearchDemographicsByAttributes', 'soapGetDemographics']),
      rest('rest-search', ['restSearchDemographics'], PATIENT_SEARCH_OVER_REST),
    ],
  },
  'Patient.search.identifier': {
    type: 'Patient', interaction: 'search.identifier', options: [
      rest('with-chart-numbers', ['restSearchDemographics', 'soapGetDemographics']),
      // contract 3.10: Juno's integrator search finds chart numbers (its parameter is spelled charNo).
      rest('juno-chart-numbers', ['restV1SearchDemographics', 'soapGetDemographics']),
      soap('without-chart-numbers', ['soapSearchDemographicsByAttributes', 'soapGetDemographics'], 'chart numbers cannot be searched (OSCAR REST demographics search is unavailable)'),
      rest('rest-search', ['restSearchDemographics'], "a health number is matched without its province (OSCAR REST's search rows do not carry it, contract 3.7)"),
    ],
  },
  // OSCAR REST's search rows carry no email, address or work phone (contract 3.7): SOAP only.
  'Patient.search.phone': { type: 'Patient', interaction: 'search.phone', options: [soap('attributes', ['soapSearchDemographicsByAttributes'])] },
  'Patient.search.email': { type: 'Patient', interaction: 'search.email', options: [soap('attributes', ['soapSearchDemographicsByAttributes'])] },
  'Patient.search.address-city': { type: 'Patient', interaction: 'search.address-city', options: [soap('attributes', ['soapSearchDemographicsByAttributes'])] },
  'Patient.search.address-state': { type: 'Patient', interaction: 'search.address-state', options: [soap('attributes', ['soapSearchDemographicsByAttributes'])] },
  'Patient.search._lastUpdated': {
    type: 'Patient', interaction: 'search._lastUpdated', options: [soap('active-after', ['soapGetActiveDemographicsAfter'])],
  },
  'Patient.create': {
    type: 'Patient', interaction: 'create', requires: ['Patient.read'], options: [
      rest('rest', ['restCreateDemographic']),
      soap('juno-soap', ['soapAddDemographic'], JUNO_SEX),
    ],
  },
  'Patient.update': {
    type: 'Patient', interaction: 'update', requires: ['Patient.read'], options: [
      rest('rest-put', ['restGetDemographicBasic', 'restUpdateDemographic']),
      soap('juno-soap', ['soapGetDemographic', 'soapUpdateDemographic'], JUNO_SEX),
    ],
  },
  'Patient.$everything': {
    type: 'Patient', interaction: '$everything', options: [soap('compartment', [])], requires: ['Patient.read'],
  },

  // Appointment: SOAP ScheduleService in every line (variants §4.1)
  // SOAP first, unlike variants §7.4: it tells an unknown id from a failure and keeps cancelled
  // bookings in a practitioner's day; REST serves instances whose SOAP is out of reach (contract 3.8).
  'Appointment.read': {
    type: 'Appointment', interaction: 'read', options: [
      soap('soap', ['soapGetAppointment2']),
      rest('rest', ['restGetAppointment'], 'an appointment id OSCAR does not know is answered as an OSCAR failure (502), not 404 (contract 3.8)'),
    ],
  },
  'Appointment.search-type': {
    type: 'Appointment', interaction: 'search-type', options: [
      soap('soap', ['soapGetAppointmentsForPatient2', 'soapGetAppointmentsForDateRangeAndProvider2', 'soapGetAppointment2']),
      rest('rest', ['restAppointmentHistory', 'restProviderDay'],
        "a practitioner's appointments are searched one day at a time (at most 31 days), without cancelled ones, and carry no creation or update time (contract 3.8)"),
    ],
  },
  'Appointment.search._id': {
    type: 'Appointment', interaction: 'search._id', options: [soap('soap', ['soapGetAppointment2']), rest('rest', ['restGetAppointment'])],
  },
  'Appointment.search._lastUpdated': {
    type: 'Appointment', interaction: 'search._lastUpdated', options: [soap('soap', ['soapGetAppointmentsUpdatedAfterDate'])],
  },
  'Appointment.create': {
    type: 'Appointment', interaction: 'create', requires: ['Appointment.read'], options: [
      soap('soap', ['soapAddAppointment', 'soapGetDemographic', 'soapGetProviders2', 'soapGetAppointmentsForDateRangeAndProvider2']),
      rest('rest', ['restAddAppointment', 'restSearchDemographics', 'restGetAppointment', 'restProviderDay', 'restUpdateAppointmentStatus'],
        "the practitioner is not checked against OSCAR's provider list, which only SOAP gives (OSCAR books any provider number, contract 5.2); a booking is checked against the practitioner's other bookings one at a time: no REST call gives the day template, so BOOKING_CAPACITY and BOOKING_PLAIN_CHECK=rules do not apply"),
    ],
  },
  'Appointment.update': {
    type: 'Appointment', interaction: 'update', requires: ['Appointment.read'], options: [
      soap('soap', ['soapGetAppointment2', 'soapUpdateAppointment', 'soapGetDemographic', 'soapGetProviders2', 'soapGetAppointmentsForDateRangeAndProvider2']),
      rest('rest', ['restGetAppointment', 'restUpdateAppointmentStatus', 'restUpdateAppointmentType'],
        'only the status and the appointment type can change; a reschedule or another participant is refused (contract 3.8)'),
    ],
  },

  // AllergyIntolerance: SOAP rows, REST active list for the clinical status (variants §6 B14)
  'AllergyIntolerance.read': {
    type: 'AllergyIntolerance', interaction: 'read', options: [
      soap('with-rest-status', ['soapGetAllergy', 'restActiveAllergies']),
      soap('without-status', ['soapGetAllergy'], NO_ALLERGY_STATUS),
    ],
  },
  'AllergyIntolerance.search-type': {
    type: 'AllergyIntolerance', interaction: 'search-type', options: [
      soap('with-rest-status', ['soapGetAllergiesByProgramProviderDemographicDate', 'soapGetAllergy', 'restActiveAllergies']),
      soap('without-status', ['soapGetAllergiesByProgramProviderDemographicDate', 'soapGetAllergy'], NO_ALLERGY_STATUS),
      rest('rest-active', ['restActiveAllergies'],
        "a patient's active allergies only, searched by patient: OSCAR REST lists no archived allergy and reads none by id (contract 3.3)"),
    ],
  },
  'AllergyIntolerance.search.clinical-status': {
    type: 'AllergyIntolerance', interaction: 'search.clinical-status', options: [rest('rest', ['restActiveAllergies'])],
  },
  'AllergyIntolerance.search._lastUpdated': {
    type: 'AllergyIntolerance', interaction: 'search._lastUpdated', options: [soap('soap', ['soapGetAllergiesUpdatedAfterDate'])],
  },

  // Immunization: SOAP preventions (variants §7.4)
  'Immunization.read': { type: 'Immunization', interaction: 'read', options: [soap('soap', ['soapGetPrevention'])] },
  'Immunization.search-type': {
    type: 'Immunization', interaction: 'search-type', options: [
      soap('by-demographic', ['soapGetPreventionsByDemographicIdAfter', 'soapGetPrevention']),
      soap('by-recorder', ['soapGetPreventionsByProgramProviderDemographicDate', 'soapGetProviders2', 'soapGetPrevention'],
        'a patient\'s immunizations are listed one recording provider at a time (a call per OSCAR provider), and one recorded by someone who is neither an OSCAR provider nor an outside provider is not found (this OSCAR has no getPreventionsByDemographicIdAfter, variants §6 B23)'),
      rest('rest-immunizations', ['restImmunizations'], REST_PREVENTIONS),
      rest('rest-active-preventions', ['restActivePreventions'], REST_PREVENTIONS),
    ],
  },
  // The anchors other than patient read preventions by id: SOAP only.
  'Immunization.search._id': { type: 'Immunization', interaction: 'search._id', options: [soap('soap', ['soapGetPrevention'])] },
  'Immunization.search.identifier': { type: 'Immunization', interaction: 'search.identifier', options: [soap('soap', ['soapGetPrevention'])] },
  'Immunization.search._lastUpdated': {
    type: 'Immunization', interaction: 'search._lastUpdated', options: [soap('soap', ['soapGetPreventionsUpdatedAfterDate'])],
  },

  // DocumentReference and Binary: SOAP DocumentService; upload only over REST (variants §7.4)
  'DocumentReference.read': { type: 'DocumentReference', interaction: 'read', options: [soap('soap', ['soapGetDocument'])] },
  'DocumentReference.search-type': {
    type: 'DocumentReference', interaction: 'search-type', options: [
      soap('by-demographic', ['soapGetDocumentsByDemographicIdAfter', 'soapGetDocumentsByProgramProviderDemographicDate', 'soapGetProviders2', 'soapGetDocument']),
      soap('by-creator', ['soapGetDocumentsByProgramProviderDemographicDate', 'soapGetProviders2', 'soapGetDocument'],
        'documents whose creator is not an OSCAR provider, or filed under another program, are not found (this OSCAR has no getDocumentsByDemographicIdAfter, variants §6 B23)'),
    ],
  },
  'DocumentReference.search._lastUpdated': {
    type: 'DocumentReference', interaction: 'search._lastUpdated', options: [soap('soap', ['soapGetDocumentsUpdateAfterDate'])],
  },
  // The preferred way reads the new document back through SOAP (soapGetDocument, as a read does).
  'DocumentReference.create': {
    type: 'DocumentReference', interaction: 'create', options: [
      rest('rest', ['restSaveDocumentToDemographic', 'soapGetDemographic', 'soapGetDocument']),
      // variants §3 H, contract 3.10: Juno uploads to its inbox, then files the document in the chart.
      rest('juno-v1', ['restV1PostDocument', 'restV1AssignDocument', 'soapGetLoggedInProviderTransfer', 'soapGetDemographic', 'soapGetDocument'],
        "a description of at most 60 characters (Juno's limit, contract 3.10)"),
      rest('rest-only', ['restSaveDocumentToDemographic', 'restSearchDemographics'],
        "answered from OSCAR's reply to the upload: the document cannot be read or searched afterwards, OSCAR REST has no document read (contract 3.5)"),
    ],
  },
  'Binary.read': { type: 'Binary', interaction: 'read', options: [soap('soap', ['soapGetDocument'])] },

  // Schedule and Slot: SOAP ScheduleService only — no REST call exposes a day template (scheduling §3)
  'Schedule.read': { type: 'Schedule', interaction: 'read', options: [soap('soap', SCHEDULE_CALLS)] },
  'Schedule.search-type': { type: 'Schedule', interaction: 'search-type', options: [soap('soap', SCHEDULE_CALLS)] },
  'Slot.read': { type: 'Slot', interaction: 'read', options: [soap('soap', SLOT_CALLS)] },
  'Slot.search-type': { type: 'Slot', interaction: 'search-type', options: [soap('soap', SLOT_CALLS)] },

  // Practitioner: the provider list (resources/provider-directory.ts)
  'Practitioner.read': { type: 'Practitioner', interaction: 'read', options: [soap('soap', ['soapGetProviders2'])] },
  'Practitioner.search-type': { type: 'Practitioner', interaction: 'search-type', options: [soap('soap', ['soapGetProviders2'])] },
} as const satisfies Record<string, RouteEntry>;

export type RouteKey = keyof typeof ROUTE_TABLE;

/** The option ids of one entry, as a union a resource can switch on exhaustively. */
export type OptionId<K extends RouteKey> = (typeof ROUTE_TABLE)[K]['options'][number]['id'];
