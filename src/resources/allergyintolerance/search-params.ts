// AllergyIntolerance search parameters: what each one means on this server and which OSCAR call
// answers it (design principle 1: this table drives parsing, the CapabilityStatement and the tests).
import { ID_PARAM, LAST_UPDATED_PARAM, type SearchParamDef } from '../../fhir/index.js';
import { SYSTEMS } from '../systems.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';
const ANCHOR = 'Needs _id, patient or _lastUpdated to be searched (alone it would read every allergy of the clinic).';

const PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'allergyid; SOAP AllergyService.getAllergy per id (at most 50), clinical status from REST /allergies/active of each patient.' },
  {
    name: 'patient', type: 'reference', definition: `${R4}clinical-patient`, target: ['Patient'],
    description: "The patient's allergies, archived ones included (inactive): SOAP getAllergiesByProgramProviderDemographicDate (no consent gate) plus REST /allergies/active for the clinical status. At most LIMIT_SEARCH_PATIENTS patients per search (20 by default).",
  },
  {
    ...LAST_UPDATED_PARAM,
    description: 'Allergies changed in a time window, all patients: SOAP getAllergiesUpdatedAfterDate (inclusive, ordered by change time). Clinical status costs one REST /allergies/active call per patient of the returned page (a page is cut short at 50 patients).',
  },
  {
    name: 'clinical-status', type: 'token', definition: `${R4}AllergyIntolerance-clinical-status`,
    system: SYSTEMS.allergyClinical, codes: ['active', 'inactive', 'resolved'],
    description: 'active = in the REST /allergies/active list; inactive = archived in OSCAR. OSCAR has no "resolved", so it never matches. With _lastUpdated, at most LIMIT_STATUS_PATIENTS patients (50 by default) may be involved.',
  },
  {
    name: 'verification-status', type: 'token', definition: `${R4}AllergyIntolerance-verification-status`,
    system: SYSTEMS.allergyVerification, codes: ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'],
    description: 'Every allergy entered in OSCAR is confirmed (OSCAR records no verification state).',
  },
  {
    name: 'category', type: 'token', definition: `${R4}AllergyIntolerance-category`,
    system: 'http://hl7.org/fhir/allergy-intolerance-category', codes: ['food', 'medication', 'environment', 'biologic'],
    description: 'medication for drug allergies (OSCAR type codes 8, 10–14). Custom / free-text allergies (type 0: foods, latex, NKDA…) have no category, so they match no category.',
  },
  {
    name: 'criticality', type: 'token', definition: `${R4}AllergyIntolerance-criticality`,
    system: 'http://hl7.org/fhir/allergy-intolerance-criticality', codes: ['low', 'high', 'unable-to-assess'],
    description: 'From OSCAR severity: 3 severe = high, 4 unknown = unable-to-assess; other severities have no criticality.',
  },
  {
    name: 'code', type: 'token', definition: `${R4}clinical-code`, modifiers: ['text'],
    description: `The allergen: DIN (${SYSTEMS.din}), SNOMED CT 409137002 for NKDA; :text searches the allergen description.`,
  },
  {
    name: 'date', type: 'date', definition: `${R4}clinical-date`,
    description: 'When the allergy was recorded (OSCAR entry date), any prefix.',
  },
];

/** The anchors (_id, patient, _lastUpdated) choose the OSCAR call; every other parameter filters their rows. */
export const ALLERGY_ANCHORS: readonly string[] = ['_id', 'patient', '_lastUpdated'];

export const ALLERGY_SEARCH_PARAMS: SearchParamDef[] = PARAMS.map((p) => (ALLERGY_ANCHORS.includes(p.name) ? p : { ...p, description: `${p.description} ${ANCHOR}` }));
