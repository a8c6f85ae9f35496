// Code systems and canonical URLs the mappers emit, in one place (mapping §5.3, §8).

export const SYSTEMS = {
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  v2ParticipationRole: 'http://terminology.hl7.org/CodeSystem/v2-0443',
  v3ActReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  immunizationOrigin: 'http://terminology.hl7.org/CodeSystem/immunization-origin',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  din: 'http://hl7.org/fhir/sid/ca-hc-din',
  bcp47: 'urn:ietf:bcp:47',
} as const;

/** CA Baseline profile canonicals (none exists for Appointment or is required for Practitioner). */
export const CA_BASELINE_PROFILES = {
  Patient: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-patient',
  AllergyIntolerance: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-allergyintolerance',
  Immunization: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-immunization',
  DocumentReference: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-documentreference',
} as const;

/** CA Baseline extension for the health-card version code (mapping §8.1). */
export const IDENTIFIER_VERSION_EXTENSION = 'http://hl7.org/fhir/ca/baseline/StructureDefinition/ext-identifierversion';
