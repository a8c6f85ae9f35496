// The declarative description of OSCAR's SOAP surface: transfer-object types (contract 4.5–4.11)
// and the shape of service/operation tables. One description drives three things: the WSDL
// (wsdl.ts), request unmarshalling (parse.ts) and response marshalling (render.ts), so the
// simulator cannot advertise a type it does not send or accept an element it does not advertise.

import type { CallContext } from './context.js';
import type { Args } from './parse.js';

/**
 * A type reference as written in the tables:
 * - XSD simple types 'int' 'boolean' 'string' 'dateTime' 'base64Binary' 'unsignedShort';
 * - a trailing '!' marks a Java primitive (int, boolean, char): always present, never null,
 *   default 0/false when the element is absent (JAXB writes no minOccurs="0" for them);
 * - a trailing '[]' marks a Java array: repeated elements, one per item;
 * - any other name is a complex type or enum declared below.
 */
export type TypeRef = string;

export type XsdSimple = 'int' | 'boolean' | 'string' | 'dateTime' | 'base64Binary' | 'unsignedShort';
export const XSD_SIMPLE: ReadonlySet<string> = new Set<XsdSimple>(['int', 'boolean', 'string', 'dateTime', 'base64Binary', 'unsignedShort']);

export interface ParsedRef { base: string; primitive: boolean; array: boolean }

export function parseRef(ref: TypeRef): ParsedRef {
  const array = ref.endsWith('[]');
  const noArray = array ? ref.slice(0, -2) : ref;
  const primitive = noArray.endsWith('!');
  return { base: primitive ? noArray.slice(0, -1) : noArray, primitive, array };
}

/** Transfer-object properties: [property name, type]. Wire order is computed (alphabetical), not written. */
export type FieldTable = readonly (readonly [string, TypeRef])[];

const DEMOGRAPHIC_FIELDS: FieldTable = [
  ['activeCount', 'int'], ['address', 'string'], ['alias', 'string'], ['anonymous', 'string'],
  ['cellPhone', 'string'], ['chartNo', 'string'], ['children', 'string'], ['citizenship', 'string'],
  ['city', 'string'], ['dateJoined', 'dateTime'], ['dateOfBirth', 'string'], ['demographicNo', 'int'],
  ['displayName', 'string'], ['effDate', 'dateTime'], ['email', 'string'], ['endDate', 'dateTime'],
  ['familyDoctor', 'string'], ['firstName', 'string'], ['gender', 'string'], ['genderId', 'int'],
  ['hcRenewDate', 'dateTime'], ['hcType', 'string'], ['headRecord', 'int'], ['hin', 'string'],
  ['hsAlertCount', 'int'], ['lastName', 'string'], ['lastUpdateDate', 'dateTime'], ['lastUpdateUser', 'string'],
  ['links', 'string'], ['monthOfBirth', 'string'], ['officialLanguage', 'string'], ['patientStatus', 'string'],
  ['patientStatusDate', 'dateTime'], ['pcnIndicator', 'string'], ['phone', 'string'], ['phone2', 'string'],
  ['phoneComment', 'string'], ['postal', 'string'], ['previousAddress', 'string'], ['pronoun', 'string'],
  ['pronounId', 'int'], ['providerNo', 'string'], ['province', 'string'], ['rosterDate', 'dateTime'],
  ['rosterStatus', 'string'], ['rosterTerminationDate', 'dateTime'], ['rosterTerminationReason', 'string'],
  ['sex', 'string'], ['sexDesc', 'string'], ['sin', 'string'], ['sourceOfIncome', 'string'],
  ['spokenLanguage', 'string'], ['title', 'string'], ['ver', 'string'], ['yearOfBirth', 'string'],
];

const PROVIDER_FIELDS: FieldTable = [
  ['address', 'string'], ['billingNo', 'string'], ['comments', 'string'], ['dob', 'dateTime'], ['email', 'string'],
  ['firstName', 'string'], ['hsoNo', 'string'], ['lastName', 'string'], ['ohipNo', 'string'], ['phone', 'string'],
  ['practitionerNo', 'string'], ['practitionerNoType', 'string'], ['providerActivity', 'string'],
  ['providerNo', 'string'], ['providerType', 'string'], ['rmaNo', 'string'], ['sex', 'string'],
  ['signedConfidentiality', 'dateTime'], ['specialty', 'string'], ['status', 'string'], ['team', 'string'],
  ['title', 'string'], ['workPhone', 'string'],
];

/** JAXB type names are the decapitalised Java class names. */
export const COMPLEX_TYPES: Readonly<Record<string, FieldTable>> = {
  demographicTransfer: DEMOGRAPHIC_FIELDS,
  demographicTransfer2: [
    ...DEMOGRAPHIC_FIELDS,
    ['consentToUseEmailForCare', 'boolean'], ['countryOfOrigin', 'string'], ['middleNames', 'string'],
    ['newsletter', 'string'], ['residentialAddress', 'string'], ['residentialCity', 'string'],
    ['residentialPostal', 'string'], ['residentialProvince', 'string'], ['rosterEnrolledTo', 'string'],
  ],
  appointmentTransfer: [
    ['appointmentEndDateTime', 'dateTime'], ['appointmentStartDateTime', 'dateTime'], ['billing', 'string'],
    ['bookingSource', 'bookingSource'], ['createDateTime', 'dateTime'], ['creator', 'string'],
    ['demographicNo', 'int!'], ['id', 'int'], ['lastUpdateUser', 'string'], ['location', 'string'],
    ['name', 'string'], ['notes', 'string'], ['programId', 'int!'], ['providerNo', 'string'], ['reason', 'string'],
    ['remarks', 'string'], ['resources', 'string'], ['status', 'string'], ['style', 'string'], ['type', 'string'],
    ['updateDateTime', 'dateTime'], ['urgency', 'string'],
  ],
  appointmentArchiveTransfer: [
    ['appointmentEndDateTime', 'dateTime'], ['appointmentId', 'int'], ['appointmentStartDateTime', 'dateTime'], ['billing', 'string'],
    ['bookingSource', 'bookingSource'], ['createDateTime', 'dateTime'], ['creator', 'string'],
    ['demographicNo', 'int!'], ['id', 'int'], ['lastUpdateUser', 'string'], ['location', 'string'],
    ['name', 'string'], ['notes', 'string'], ['programId', 'int!'], ['providerNo', 'string'], ['reason', 'string'],
    ['remarks', 'string'], ['resources', 'string'], ['status', 'string'], ['style', 'string'], ['type', 'string'],
    ['updateDateTime', 'dateTime'], ['urgency', 'string'],
  ],
  appointmentTypeTransfer: [
    ['duration', 'int!'], ['id', 'int'], ['location', 'string'], ['name', 'string'], ['notes', 'string'],
    ['reason', 'string'], ['resources', 'string'],
  ],
  scheduleTemplateCodeTransfer: [
    ['bookinglimit', 'int!'], ['code', 'unsignedShort'], ['color', 'string'], ['confirm', 'string'],
    ['description', 'string'], ['duration', 'string'], ['id', 'int'],
  ],
  dayWorkScheduleTransfer: [
    ['holiday', 'boolean!'], ['timeSlotDurationMin', 'int'], ['timeSlots', 'calendarScheduleCodePairTransfer[]'],
  ],
  calendarScheduleCodePairTransfer: [['date', 'dateTime'], ['scheduleCode', 'unsignedShort']],
  allergyTransfer: [
    ['agccs', 'int'], ['agcsp', 'int'], ['ageOfOnset', 'string'], ['demographicNo', 'int'], ['description', 'string'],
    ['entryDate', 'dateTime'], ['hicSeqno', 'int'], ['hiclSeqno', 'int'], ['id', 'int'], ['lastUpdateDate', 'dateTime'],
    ['lifeStage', 'string'], ['onsetOfReaction', 'string'], ['providerNo', 'string'], ['reaction', 'string'],
    ['regionalIdentifier', 'string'], ['severityOfReaction', 'string'], ['startDate', 'dateTime'], ['typeCode', 'int'],
  ],
  preventionTransfer: [
    ['creationDate', 'dateTime'], ['creatorProviderNo', 'string'], ['deleted', 'boolean!'], ['demographicId', 'int'],
    ['id', 'int'], ['lastUpdateDate', 'dateTime'], ['never', 'boolean!'], ['nextDate', 'dateTime'],
    ['preventionDate', 'dateTime'], ['preventionExts', 'preventionExtTransfer[]'], ['preventionType', 'string'],
    ['providerNo', 'string'], ['refused', 'boolean!'],
  ],
  preventionExtTransfer: [['id', 'int'], ['key', 'string'], ['preventionId', 'int'], ['value', 'string']],
  documentTransfer: [
    ['appointmentNo', 'int'], ['contenttype', 'string'], ['ctlModule', 'string'], ['ctlModuleId', 'int'],
    ['ctlStatus', 'string'], ['docClass', 'string'], ['docSubClass', 'string'], ['doccreator', 'string'],
    ['docdesc', 'string'], ['docfilename', 'string'], ['doctype', 'string'], ['documentNo', 'int'],
    ['docxml', 'string'], ['fileContents', 'base64Binary'], ['numberofpages', 'int'], ['observationdate', 'dateTime'],
    ['programId', 'int'], ['public1', 'int!'], ['responsible', 'string'], ['reviewdatetime', 'dateTime'],
    ['reviewer', 'string'], ['source', 'string'], ['sourceFacility', 'string'],
    ['status', 'unsignedShort!'], // contract 4.1: Java char → xs:unsignedShort, rendered as its code
    ['updatedatetime', 'dateTime'],
  ],
  providerTransfer: PROVIDER_FIELDS,
  providerPropertyTransfer: [['id', 'int'], ['name', 'string'], ['value', 'string']],
  loginResultTransfer: [['securityId', 'int'], ['securityTokenKey', 'string']],
  loginResultTransfer2: [['provider', 'providerTransfer'], ['securityId', 'int'], ['securityTokenKey', 'string']],
  phrVerificationTransfer: [
    ['archived', 'boolean'], ['comments', 'string'], ['createdDate', 'dateTime'], ['demographicNo', 'int'], ['id', 'int'],
    ['parentGuardian', 'boolean'], ['verificationBy', 'string'], ['verificationLevel', 'string'],
  ],
  // Checked exceptions become fault detail types (JAX-WS maps the bean properties; here only `message`).
  NotAuthorisedException: [['message', 'string']],
};

/** Enums are marshalled by name (contract 4.1). */
export const ENUM_TYPES: Readonly<Record<string, readonly string[]>> = {
  gender: ['M', 'F', 'X', 'O', 'U'],
  bookingSource: ['OSCAR'],
};

/** The value an operation handler returns, before marshalling. */
export type WireValue =
  | string | number | boolean | Buffer | XsInstant | WireObject | readonly WireValue[] | null | undefined;
export interface WireObject { readonly [property: string]: WireValue }

/** A java.util.Date/Calendar: an instant plus whether its Calendar was set to GMT (contract 4.6 useGMTTime). */
export interface XsInstant { readonly kind: 'instant'; readonly epochMs: number; readonly gmt: boolean; readonly literal?: string }

export const instant = (epochMs: number, gmt = false): XsInstant => ({ kind: 'instant', epochMs, gmt });

export interface OperationDef {
  name: string;
  /** Wire element names (`arg0`… or the @WebParam name) with their types, in Java parameter order. */
  params: readonly (readonly [string, TypeRef])[];
  /** Return type, or 'void' (empty response wrapper). */
  returns: TypeRef | 'void';
  /** Checked exceptions declared by the Java method (fault messages in the WSDL). */
  faults?: readonly string[];
  handler: (args: Args, ctx: CallContext) => WireValue | Promise<WireValue>;
}

export interface ServiceDef {
  /** URL path segment under /ws, e.g. 'DemographicService'. */
  path: string;
  /** Java implementor class = portType, e.g. 'DemographicWs' (service 'DemographicWsService'). */
  portType: string;
  /** Whether AuthenticationInWSS4JInterceptor guards the endpoint (contract 1.7). */
  secured: boolean;
  operations: readonly OperationDef[];
}

export const OSCAR_NS = 'http://ws.oscarehr.org/';

/**
 * The types and namespace one OSCAR variant's endpoints are generated from (variants §4.1, §4.3):
 * the namespace, the transfer objects' properties and the enums differ between variants.
 */
export interface SoapSchema {
  /** targetNamespace of the WSDL, the request/response wrappers and the fault details. */
  ns: string;
  complex: Readonly<Record<string, FieldTable>>;
  enums: Readonly<Record<string, readonly string[]>>;
}

/** Line F, the contract's variant (contract 4). */
export const OPENO_SCHEMA: SoapSchema = { ns: OSCAR_NS, complex: COMPLEX_TYPES, enums: ENUM_TYPES };
