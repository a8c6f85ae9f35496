// Slot search parameters: what booking tools send (design principle 1: this table drives
// parsing, the CapabilityStatement and the tests).
import type { Slot } from 'fhir/r4.js';
import type { IncludeDef, SearchParamDef } from '../../fhir/index.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';
export const SLOT_STATUS_SYSTEM = 'http://hl7.org/fhir/slotstatus';

/** The CodeSystem of OSCAR's schedule template codes: one case-sensitive character each (scheduling §7.2). */
export const templateCodeSystem = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, '')}/CodeSystem/oscar-schedule-template-code`;

export const SLOT_SEARCH_PARAMS: SearchParamDef[] = [
  {
    name: 'schedule', type: 'reference', definition: `${R4}Slot-schedule`, target: ['Schedule'],
    description: 'The provider\'s schedule (Schedule/prov-{providerNo}). Without schedule or schedule.actor every bookable provider is searched.',
  },
  {
    name: 'schedule.actor', type: 'reference', target: ['Practitioner'],
    description: 'The provider whose schedule holds the slot (chained on schedule: Practitioner/{providerNo}).',
  },
  {
    name: 'start', type: 'date', definition: `${R4}Slot-start`,
    description: 'When the slot starts (FHIR prefixes; date-only values are clinic days). Without a lower bound the search starts now, without an upper bound it ends with the planning horizon; a range longer than the horizon (BOOKING_HORIZON_DAYS) is refused as too costly, and no slot beyond the horizon is offered. Costs one SOAP getDayWorkSchedule per provider per day and one getAppointmentsForDateRangeAndProvider2 per provider.',
  },
  {
    name: 'status', type: 'token', definition: `${R4}Slot-status`, system: SLOT_STATUS_SYSTEM,
    codes: ['free', 'busy', 'busy-unavailable', 'busy-tentative', 'entered-in-error'],
    description: 'free, busy (the cell holds as many appointments as its capacity) or busy-unavailable (holiday, a code not bookable online, Do_Not_Book, same-day/same-week codes out of their window, lead time, the repeated hour of a DST change: Slot.comment says which). busy-tentative and entered-in-error never occur.',
  },
  {
    name: 'service-type', type: 'token', definition: `${R4}Slot-service-type`,
    description: 'The OSCAR schedule template code (system {FHIR_BASE_URL}/CodeSystem/oscar-schedule-template-code, code = the exact, case-sensitive character).',
  },
];

export const SLOT_INCLUDES: IncludeDef[] = [
  { param: 'schedule', targetType: 'Schedule', references: (r) => [(r as Slot).schedule.reference].filter((x): x is string => typeof x === 'string') },
];
