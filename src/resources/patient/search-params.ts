// Patient search parameters: what each one means on this server and which OSCAR call answers it
// (design principle 1: this table drives parsing, the CapabilityStatement and the tests).
import { ID_PARAM, LAST_UPDATED_PARAM, type SearchParamDef } from '../../fhir/index.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';

export const PATIENT_SEARCH_PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'demographic_no; answered by SOAP getDemographics (at most LIMIT_SEARCH_IDS ids, 50 by default).' },
  {
    ...LAST_UPDATED_PARAM,
    prefixes: ['gt', 'ge', 'eq', 'sa', 'ap'],
    description: 'Patients changed since a time (gt, ge, eq, sa, ap), from SOAP getActiveDemographicsAfter. Alone, it finds ACTIVE patients only (OSCAR reports no others; the Bundle says so); with another criterion it filters all patients.',
  },
  {
    name: 'identifier', type: 'token', definition: `${R4}Patient-identifier`,
    description: 'Health card (system = the provincial health-number system; all three Ontario HCN systems are accepted, the Infoway one is emitted; out-of-country cards under the local health-card system): SOAP searchDemographicsByAttributes(hin). Demographic number (local system): SOAP getDemographics. Chart number (local system): REST demographics search, then getDemographics. Without a system: health card or demographic number.',
  },
  {
    name: 'name', type: 'string', definition: `${R4}Patient-name`, modifiers: ['exact', 'contains'],
    description: 'Family or given name (not title or alias: OSCAR cannot search them); starts-with by default, accent-, case- and apostrophe-insensitive. SOAP searchDemographicsByAttributes on last name, then on first name (two calls).',
  },
  {
    name: 'family', type: 'string', definition: `${R4}individual-family`, modifiers: ['exact', 'contains'],
    description: 'Family name; starts-with by default, accent-, case- and apostrophe-insensitive. SOAP searchDemographicsByAttributes(lastName).',
  },
  {
    name: 'given', type: 'string', definition: `${R4}individual-given`, modifiers: ['exact', 'contains'],
    description: 'Given name; starts-with by default, accent-, case- and apostrophe-insensitive. SOAP searchDemographicsByAttributes(firstName); middle names are not searchable.',
  },
  {
    name: 'birthdate', type: 'date', definition: `${R4}individual-birthdate`,
    description: 'Birth date with any prefix and precision; partial OSCAR birth dates (YYYY, YYYY-MM) compare as ranges. An exact day (eq, day precision) is searched in OSCAR; other forms only filter the matches of another criterion (alone they would scan the clinic: 400).',
  },
  {
    name: 'gender', type: 'token', definition: `${R4}individual-gender`, system: 'http://hl7.org/fhir/administrative-gender',
    codes: ['male', 'female', 'other', 'unknown'], modifiers: ['not'],
    description: 'Administrative gender from OSCAR sex (M male, F female, X/T/O other, U unknown). SOAP searchDemographicsByAttributes(gender); other = two calls (X and O).',
  },
  {
    name: 'phone', type: 'token', definition: `${R4}individual-phone`,
    description: 'Home or work phone number (OSCAR cannot search the mobile number); punctuation and a leading +1 are ignored. SOAP searchDemographicsByAttributes(phone) on the last four digits.',
  },
  {
    name: 'email', type: 'token', definition: `${R4}individual-email`,
    description: 'Email address, case-insensitive. SOAP searchDemographicsByAttributes(email).',
  },
  {
    name: 'address-city', type: 'string', definition: `${R4}individual-address-city`, modifiers: ['exact', 'contains'],
    description: 'City of the mailing address; starts-with by default, accent- and case-insensitive. SOAP searchDemographicsByAttributes(city).',
  },
  {
    name: 'address-state', type: 'string', definition: `${R4}individual-address-state`, modifiers: ['exact'],
    description: 'Province of the mailing address (ON, BC, …); starts-with. A whole two-letter code is searched in OSCAR (SOAP searchDemographicsByAttributes(province)); other values only filter.',
  },
  {
    name: 'active', type: 'token', definition: `${R4}Patient-active`, codes: ['true', 'false'],
    description: 'OSCAR patient status AC = true, any other status = false. active=true alone lists the active patients (SOAP getActiveDemographicsAfter); active=false needs another criterion (400 alone).',
  },
];
