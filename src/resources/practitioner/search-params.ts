// Practitioner search parameters (design principle 1: this table drives parsing, the
// CapabilityStatement and the tests). Every one is answered in memory from the cached provider
// directory (SOAP ProviderService getProviders2(null), contract 4.11): a clinic has tens of
// providers, so no search is too costly.
import { ID_PARAM, type SearchParamDef } from '../../fhir/index.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';

/**
 * Practitioner ids are OSCAR provider numbers: provider.provider_no is varchar(6) (contract 5.2,
 * 5.6), digits in practice but not by constraint, so up to six letters or digits are accepted.
 */
export const PRACTITIONER_ID = /^[A-Za-z0-9]{1,6}$/;

export const PRACTITIONER_SEARCH_PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'OSCAR provider number (up to six letters or digits).' },
  {
    name: 'identifier', type: 'token', definition: `${R4}Practitioner-identifier`,
    description: 'Provider number (the clinic-local provider-no system), licence number (CPSO, CNO… systems, by practitionerNoType) or OHIP billing number (the configured billing system).',
  },
  {
    name: 'name', type: 'string', definition: `${R4}Practitioner-name`, modifiers: ['exact', 'contains'],
    description: 'Any part of the name (family, given, title); starts-with by default, accent- and case-insensitive.',
  },
  {
    name: 'family', type: 'string', definition: `${R4}individual-family`, modifiers: ['exact', 'contains'],
    description: 'Family name; starts-with by default, accent- and case-insensitive.',
  },
  {
    name: 'given', type: 'string', definition: `${R4}individual-given`, modifiers: ['exact', 'contains'],
    description: 'Given name; starts-with by default, accent- and case-insensitive.',
  },
  {
    name: 'active', type: 'token', definition: `${R4}Practitioner-active`, codes: ['true', 'false'],
    description: 'OSCAR provider status "1" = true, "0" = false.',
  },
];
