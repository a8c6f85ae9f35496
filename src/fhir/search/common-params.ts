// Search parameters every resource type MAY declare (R4 Resource-level parameters). They are not
// accepted automatically: a type lists them in its `searchParams` only when its handler applies
// them, so nothing is advertised that does not work (design principle 1).
import type { SearchParamDef } from './types.js';

export const ID_PARAM: SearchParamDef = {
  name: '_id',
  type: 'token',
  description: 'Logical id of the resource (the OSCAR record number).',
  definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
};

export const LAST_UPDATED_PARAM: SearchParamDef = {
  name: '_lastUpdated',
  type: 'date',
  description: 'When the resource last changed in OSCAR (meta.lastUpdated).',
  definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
};
