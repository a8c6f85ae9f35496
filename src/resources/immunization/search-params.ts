// Immunization search parameters: what each one means on this server and which OSCAR call answers
// it (design principle 1: this table drives parsing, the CapabilityStatement and the tests).
import { ID_PARAM, LAST_UPDATED_PARAM, type SearchParamDef } from '../../fhir/index.js';
import { SYSTEMS } from '../systems.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';
const ANCHOR = 'Needs _id, identifier, patient or _lastUpdated to be searched (alone it would read every prevention of the clinic).';

/** The anchors choose the OSCAR call; every other parameter filters their rows in memory. */
export const IMMUNIZATION_ANCHORS: readonly string[] = ['_id', 'identifier', 'patient', '_lastUpdated'];

const PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'Prevention id; SOAP PreventionService.getPrevention per id (at most 50). Deleted records are returned as entered-in-error.' },
  {
    name: 'identifier', type: 'token', definition: `${R4}Immunization-identifier`,
    description: 'The prevention id under the clinic\'s prevention-id system. OSCAR gives an edited prevention a new id (contract 5.4); the new record carries the old id as an identifier with use "old", so searching an old id finds both the replaced record (entered-in-error) and its replacement. SOAP getPrevention + the patient\'s list, at most LIMIT_SEARCH_IDS values (50 by default).',
  },
  {
    name: 'patient', type: 'reference', definition: `${R4}clinical-patient`, target: ['Patient'],
    description: "The patient's immunizations: SOAP getPreventionsByDemographicIdAfter (no consent gate). OSCAR leaves deleted records out of this list, so entered-in-error ones appear only through _id, identifier or _lastUpdated. At most LIMIT_SEARCH_PATIENTS patients per search (20 by default).",
  },
  {
    ...LAST_UPDATED_PARAM,
    description: 'Immunizations changed in a time window, all patients: SOAP getPreventionsUpdatedAfterDate, which includes deleted records (entered-in-error).',
  },
  {
    name: 'date', type: 'date', definition: `${R4}clinical-date`,
    description: 'Vaccination date (occurrenceDateTime), any prefix.',
  },
  {
    name: 'status', type: 'token', definition: `${R4}Immunization-status`,
    system: 'http://hl7.org/fhir/event-status', codes: ['completed', 'not-done', 'entered-in-error'],
    description: 'completed = given (here or elsewhere); not-done = refused; entered-in-error = deleted or replaced by an edit.',
  },
  {
    name: 'vaccine-code', type: 'token', definition: `${R4}Immunization-vaccine-code`, modifiers: ['text'],
    description: `SNOMED CT CA generic or tradename code (${SYSTEMS.snomed}), CVX (${SYSTEMS.cvx}) or DIN (${SYSTEMS.din}) as emitted; :text searches the product name / prevention type.`,
  },
  {
    name: 'lot-number', type: 'string', definition: `${R4}Immunization-lot-number`, modifiers: ['exact', 'contains'],
    description: 'Vaccine lot number (starts-with by default, case-insensitive).',
  },
];

export const IMMUNIZATION_SEARCH_PARAMS: SearchParamDef[] = PARAMS.map((p) => (IMMUNIZATION_ANCHORS.includes(p.name) ? p : { ...p, description: `${p.description} ${ANCHOR}` }));
