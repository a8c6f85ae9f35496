// Valid resources of every type we validate, shaped the way the facade emits them (docs/mapping.md)
// and conforming to the CA Baseline profiles. Synthetic people only.
// Each test takes a fresh copy (`valid.patient()`) and breaks exactly one thing.
import type {
  AllergyIntolerance,
  Appointment,
  Binary,
  Bundle,
  CapabilityStatement,
  DocumentReference,
  FhirResource,
  Immunization,
  OperationOutcome,
  Patient,
  Practitioner,
  Resource,
} from 'fhir/r4.js';

const CA = 'http://hl7.org/fhir/ca/baseline/StructureDefinition';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const CLINIC = 'https://clinic.example.org/oscar/fhir/NamingSystem';

const patient = (): Patient => ({
  resourceType: 'Patient',
  id: '1001',
  meta: { lastUpdated: '2024-03-05T14:22:10-05:00', profile: [`${CA}/profile-patient`] },
  extension: [
    {
      url: `${CA}/ext-patientbirthsex`,
      valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender', code: 'F' },
    },
  ],
  identifier: [
    {
      use: 'official',
      type: { coding: [{ system: V2_0203, code: 'JHN' }] },
      system: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn',
      value: '9876543217',
      period: { start: '2019-01-01', end: '2029-01-01' },
      extension: [{ url: `${CA}/ext-identifierversion`, valueString: 'AB' }],
    },
    { type: { coding: [{ system: V2_0203, code: 'MR' }] }, system: `${CLINIC}/demographic-no`, value: '1001' },
  ],
  active: true,
  name: [{ use: 'official', family: 'TESTPATIENT', given: ['ALEX', 'MARIE'], prefix: ['MS'] }],
  telecom: [
    { system: 'phone', value: '416-555-0100', use: 'home' },
    { system: 'email', value: 'alex@example.org' },
  ],
  gender: 'female',
  birthDate: '1980-02-29',
  address: [
    {
      use: 'home',
      line: ['1 Example St'],
      city: 'Toronto',
      state: 'ON',
      postalCode: 'M5V 1A1',
      country: 'CA',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-preferred', valueBoolean: true }],
    },
  ],
  communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] }, preferred: true }],
  generalPractitioner: [{ reference: 'Practitioner/999998', display: 'DOCTOR OSCAR' }],
});

const practitioner = (): Practitioner => ({
  resourceType: 'Practitioner',
  id: '999998',
  meta: { profile: [`${CA}/profile-practitioner`] },
  identifier: [{ system: `${CLINIC}/provider-no`, value: '999998' }],
  active: true,
  name: [{ family: 'OSCAR', given: ['DOCTOR'] }],
  telecom: [{ system: 'phone', value: '416-555-0199', use: 'work' }],
});

const appointment = (): Appointment => ({
  resourceType: 'Appointment',
  id: '501',
  status: 'booked',
  appointmentType: { text: 'Follow-up' },
  description: 'Follow-up',
  start: '2024-03-06T14:00:00Z',
  end: '2024-03-06T14:15:00Z',
  minutesDuration: 15,
  created: '2024-03-01T09:12:00-05:00',
  participant: [
    { actor: { reference: 'Patient/1001', display: 'TESTPATIENT, ALEX' }, status: 'accepted' },
    { actor: { reference: 'Practitioner/999998', display: 'DOCTOR OSCAR' }, status: 'accepted', required: 'required' },
  ],
});

const allergy = (): AllergyIntolerance => ({
  resourceType: 'AllergyIntolerance',
  id: '77',
  meta: { profile: [`${CA}/profile-allergyintolerance`] },
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  verificationStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }],
  },
  category: ['medication'],
  criticality: 'high',
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/ca-hc-din', code: '00000000' }], text: 'PENICILLIN' },
  patient: { reference: 'Patient/1001' },
  onsetDateTime: '2010-05',
  recordedDate: '2015-06-01',
  recorder: { reference: 'Practitioner/999998' },
  reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }],
});

/** CA Baseline "No known allergy" (SNOMED 716186003) with a confirmed verification status. */
const noKnownAllergy = (): AllergyIntolerance => ({
  resourceType: 'AllergyIntolerance',
  id: '78',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  verificationStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }],
  },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '716186003', display: 'No known allergy' }] },
  patient: { reference: 'Patient/1001' },
});

const immunization = (): Immunization => ({
  resourceType: 'Immunization',
  id: '3001',
  meta: { profile: [`${CA}/profile-immunization`] },
  status: 'completed',
  vaccineCode: {
    coding: [
      {
        system: 'http://snomed.info/sct',
        version: 'http://snomed.info/sct/20611000087101',
        code: '871831003',
        display: 'Measles, mumps and rubella vaccine',
      },
      { system: 'http://hl7.org/fhir/sid/cvx', code: '03' },
    ],
    text: 'MMR',
  },
  patient: { reference: 'Patient/1001' },
  occurrenceDateTime: '2023-11-02',
  _occurrenceDateTime: { extension: [{ url: `${CA}/ext-dateestimated`, valueBoolean: false }] },
  recorded: '2023-11-02T10:30:00-04:00',
  primarySource: true,
  lotNumber: 'L123',
  expirationDate: '2025-01-31',
  route: { coding: [{ system: 'http://snomed.info/sct', code: '78421000', display: 'Intramuscular route' }] },
  doseQuantity: { value: 0.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
  performer: [
    {
      function: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0443', code: 'AP' }] },
      actor: { reference: 'Practitioner/999998' },
    },
  ],
  note: [{ text: 'Tolerated well' }],
});

const documentReference = (): DocumentReference => ({
  resourceType: 'DocumentReference',
  id: '42',
  meta: { profile: [`${CA}/profile-documentreference`] },
  status: 'current',
  docStatus: 'final',
  type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }], text: 'consult' },
  subject: { reference: 'Patient/1001' },
  date: '2024-02-01T12:00:00-05:00',
  author: [{ reference: 'Practitioner/999998' }],
  description: 'Consult note',
  content: [
    {
      attachment: {
        contentType: 'application/pdf',
        url: 'https://fhir.example.org/fhir/Binary/42',
        title: 'consult.pdf',
        size: 1024,
        hash: 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=',
        creation: '2024-01-31',
      },
    },
  ],
});

const binary = (): Binary => ({ resourceType: 'Binary', id: '42', contentType: 'application/pdf', data: 'JVBERi0xLjQK' });

const operationOutcome = (): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Patient/9 is not known' }],
});

const capabilityStatement = (): CapabilityStatement => ({
  resourceType: 'CapabilityStatement',
  name: 'OscarFhirFacade',
  status: 'active',
  date: '2024-03-01',
  kind: 'instance',
  software: { name: 'oscar-fhir', version: '0.1.0' },
  implementation: { description: 'OSCAR FHIR facade', url: 'https://fhir.example.org/fhir' },
  fhirVersion: '4.0.1',
  format: ['json', 'application/fhir+json'],
  rest: [
    {
      mode: 'server',
      resource: [
        {
          type: 'Patient',
          profile: `${CA}/profile-patient`,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [
            { name: 'identifier', type: 'token' },
            { name: 'birthdate', type: 'date' },
          ],
        },
      ],
    },
  ],
});

const searchBundle = (): Bundle<FhirResource> => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: 2,
  link: [{ relation: 'self', url: 'https://fhir.example.org/fhir/Patient?birthdate=1980-02-29' }],
  entry: [
    { fullUrl: 'https://fhir.example.org/fhir/Patient/1001', resource: patient(), search: { mode: 'match' } },
    { fullUrl: 'https://fhir.example.org/fhir/Practitioner/999998', resource: practitioner(), search: { mode: 'include' } },
  ],
});

export const valid = {
  patient,
  practitioner,
  appointment,
  allergy,
  noKnownAllergy,
  immunization,
  documentReference,
  binary,
  operationOutcome,
  capabilityStatement,
  searchBundle,
};

/** A mutable view for breaking things in tests without fighting the FHIR types. */
export type Json = Record<string, any>;
export const json = (r: object): Json => r as Json;

/** valid.patient() with one change made by `change` (a fresh copy each time). */
export function changedPatient(change: (p: Json) => void): Resource {
  const p = json(valid.patient());
  change(p);
  return p as Resource;
}
