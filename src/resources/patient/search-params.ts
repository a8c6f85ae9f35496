// Patient search parameters: what each one means on this server and which OSCAR call answers it
// (design.md principle 1: this table drives parsing, the CapabilityStatement and the tests).
import { ID_PARAM, LAST_UPDATED_PARAM, type SearchParamDef } from '../../fhir/index.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';

export const PATIENT_SEARCH_PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'demographic_no; answered by SOAP getDemographics (up to 100 ids).' },
  {
    ...LAST_UPDATED_PARAM,
    prefixes: ['gt', 'ge', 'eq', 'sa', 'ap'],
    description: 'Patients changed since a time, from SOAP getActiveDemographicsAfter. OSCAR reports ACTIVE patients only (contract 4.5); an upper bound alone cannot be searched.',
  },
  {
    name: 'identifier', type: 'token', definition: `${R4}Patient-identifier`, modifiers: ['text'],
    description: 'Health card (system = the provincial health-number system; all three Ontario HCN systems are accepted), demographic number or chart number (local systems). SOAP searchDemographicsByAttributes(hin) / getDemographics; chart numbers via REST search.',
  },
  {
    name: 'name', type: 'string', definition: `${R4}Patient-name`, modifiers: ['exact', 'contains'],
    description: 'Any part of the name (family, given, prefix, alias); starts-with by default, accent- and case-insensitive. SOAP searchDemographicsByAttributes on last and first name.',
  },
  {
    name: 'family', type: 'string', definition: `${R4}individual-family`, modifiers: ['exact', 'contains'],
    description: 'Family name; starts-with by default. SOAP searchDemographicsByAttributes(lastName).',
  },
  {
    name: 'given', type: 'string', definition: `${R4}individual-given`, modifiers: ['exact', 'contains'],
    description: 'Given or middle name; starts-with by default. SOAP searchDemographicsByAttributes(firstName).',
  },
  {
    name: 'birthdate', type: 'date', definition: `${R4}individual-birthdate`,
    description: 'Birth date with any prefix and precision. An exact day is searched in OSCAR; other forms filter the matches of another criterion (alone they would scan the clinic).',
  },
  {
    name: 'gender', type: 'token', definition: `${R4}individual-gender`, system: 'http://hl7.org/fhir/administrative-gender',
    codes: ['male', 'female', 'other', 'unknown'], modifiers: ['not'],
    description: 'Administrative gender from OSCAR sex (M male, F female, X/O other, U unknown). SOAP searchDemographicsByAttributes(gender).',
  },
  {
    name: 'phone', type: 'token', definition: `${R4}individual-phone`,
    description: 'Any phone number (home, work, mobile); punctuation is ignored. SOAP searchDemographicsByAttributes(phone).',
  },
  {
    name: 'email', type: 'token', definition: `${R4}individual-email`,
    description: 'Email address, case-insensitive. SOAP searchDemographicsByAttributes(email).',
  },
  {
    name: 'address-city', type: 'string', definition: `${R4}individual-address-city`, modifiers: ['exact', 'contains'],
    description: 'City of the address; starts-with by default. SOAP searchDemographicsByAttributes(city).',
  },
  {
    name: 'address-state', type: 'string', definition: `${R4}individual-address-state`, modifiers: ['exact'],
    description: 'Province code (ON, BC, …). SOAP searchDemographicsByAttributes(province).',
  },
  {
    name: 'active', type: 'token', definition: `${R4}Patient-active`, codes: ['true', 'false'],
    description: 'OSCAR patient status AC = true, any other status = false. active=true alone lists the active patients (SOAP getActiveDemographicsAfter); active=false needs another criterion.',
  },
];
