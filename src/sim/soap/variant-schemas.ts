// The SOAP types of each simulated variant, derived from line F's (schema.ts) by the differences
// variants §4.3 lists; the namespace is Juno's own on line H (variants §3 card H, B1).
import { COMPLEX_TYPES, ENUM_TYPES, OSCAR_NS } from './schema.js';
import type { FieldTable, SoapSchema } from './schema.js';

export const JUNO_NS = 'http://v1.soap.external.ws.oscarehr.org/';

/** The Gender enum of searchDemographicsByAttributes: T until Open-O's 2024 sex list, X after (B9). */
const GENDER_T = ['M', 'F', 'T', 'O', 'U'];

/** Properties Open-O (E, F) added to DemographicTransfer in 2024 (variants §3 card E). */
const OPENO_ADDED = new Set(['cellPhone', 'phoneComment', 'gender', 'pronoun', 'genderId', 'pronounId']);

const without = (table: FieldTable, names: ReadonlySet<string>): FieldTable => table.filter(([n]) => !names.has(n));

/** activeCount/hsAlertCount are Java `int` in A and H, `Integer` from D on (variants §4.3). */
const primitiveCounts = (table: FieldTable): FieldTable =>
  table.map(([n, t]) => (n === 'activeCount' || n === 'hsAlertCount' ? [n, 'int!'] as const : [n, t] as const));

const F_DEMOGRAPHIC = COMPLEX_TYPES.demographicTransfer ?? [];
/** Juno's AppointmentTransfer adds isVirtual (a boolean), currentClinicTime and confirmedAt (variants §4.3). */
const H_APPOINTMENT: FieldTable = [
  ...(COMPLEX_TYPES.appointmentTransfer ?? []),
  ['confirmedAt', 'dateTime'], ['currentClinicTime', 'dateTime'], ['isVirtual', 'boolean!'],
];
const F_DEMOGRAPHIC2 = COMPLEX_TYPES.demographicTransfer2 ?? [];
const MY_OSCAR: FieldTable = [['myOscarUserName', 'string']];

/** D (OSCAR 19): no 2024 fields, the PHR user name still there. */
const D_DEMOGRAPHIC: FieldTable = [...without(F_DEMOGRAPHIC, OPENO_ADDED), ...MY_OSCAR];

/** H (Juno): A's properties plus Juno's own (variants §4.3). */
const H_DEMOGRAPHIC: FieldTable = [
  ...primitiveCounts(D_DEMOGRAPHIC),
  ['cellPhone', 'string'], ['countryOfOrigin', 'string'], ['familyDoctor2', 'string'], ['nameOfFather', 'string'],
  ['nameOfMother', 'string'], ['newsletter', 'string'], ['notes', 'string'], ['veteranNo', 'string'],
];

/** Juno's addDemographic second argument (DemographicIntegrationTransfer). */
const DEMOGRAPHIC_INTEGRATION: FieldTable = [
  ['createdByremoteId', 'string'], ['createdBySource', 'string'], ['integrationType', 'string'], ['remoteId', 'string'],
];

/** E: F's types plus myOscarUserName (F dropped it with the PHR operations). */
export const OPENO_LEGACY_SCHEMA: SoapSchema = {
  ns: OSCAR_NS,
  complex: { ...COMPLEX_TYPES, demographicTransfer: [...F_DEMOGRAPHIC, ...MY_OSCAR], demographicTransfer2: [...F_DEMOGRAPHIC2, ...MY_OSCAR] },
  enums: ENUM_TYPES,
};

export const OSCAR19_SCHEMA: SoapSchema = {
  ns: OSCAR_NS,
  complex: { ...COMPLEX_TYPES, demographicTransfer: D_DEMOGRAPHIC, demographicTransfer2: [...without(F_DEMOGRAPHIC2, OPENO_ADDED), ...MY_OSCAR] },
  enums: { ...ENUM_TYPES, gender: GENDER_T },
};

/** A has no DemographicTransfer2 (getDemographic2 came in 2019). */
export const OSCAR15_SCHEMA: SoapSchema = {
  ns: OSCAR_NS,
  complex: { ...COMPLEX_TYPES, demographicTransfer: primitiveCounts(D_DEMOGRAPHIC) },
  enums: { ...ENUM_TYPES, gender: GENDER_T },
};

export const JUNO_SCHEMA: SoapSchema = {
  ns: JUNO_NS,
  complex: {
    ...COMPLEX_TYPES, demographicTransfer: H_DEMOGRAPHIC, demographicIntegrationTransfer: DEMOGRAPHIC_INTEGRATION,
    appointmentTransfer: H_APPOINTMENT,
    // `throws Exception`: JAX-WS maps java.lang.Exception to a fault bean with its message.
    Exception: [['message', 'string']],
  },
  enums: { ...ENUM_TYPES, gender: GENDER_T },
};
