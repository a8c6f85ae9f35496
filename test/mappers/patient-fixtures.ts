// Sample 4 (docs/oscar-samples.md) as the FHIR Patient every read path must give.
import type { Patient } from 'fhir/r4.js';

export const ON = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';

export const expectedJane: Patient = {
  resourceType: 'Patient',
  id: '1001',
  meta: { lastUpdated: '2024-03-08T10:00:00-05:00', profile: ['http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-patient'] },
  identifier: [
    {
      extension: [{ url: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/ext-identifierversion', valueString: 'AB' }],
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'JHN', display: 'Jurisdictional health number (Canada)' }] },
      system: ON, value: '9876543217', period: { start: '2019-03-01', end: '2026-01-17' },
    },
    {
      use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] },
      system: 'https://emr.example.org/oscar/fhir-ids/demographic-no', value: '1001',
    },
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] },
      system: 'https://emr.example.org/oscar/fhir-ids/chart-no', value: 'C-1001',
    },
  ],
  active: true,
  name: [{ use: 'official', family: 'DOE', given: ['JANE'], prefix: ['MS'] }],
  telecom: [
    { system: 'phone', value: '416-555-0100', use: 'home' },
    { system: 'phone', value: '647-555-0199', use: 'mobile' },
    { system: 'email', value: 'jane.doe@example.org' },
  ],
  gender: 'female',
  birthDate: '1980-01-17',
  address: [{ use: 'home', line: ['123 Main St'], city: 'Toronto', state: 'ON', postalCode: 'M5V1A1', country: 'CA' }],
  communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en', display: 'English' }], text: 'English' }, preferred: true }],
  generalPractitioner: [{ reference: 'Practitioner/999998', display: 'doctor oscardoc' }],
};
