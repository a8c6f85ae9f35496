import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import type { DemographicTo1, DemographicTransfer, DemographicTransfer2 } from '../../src/oscar/types.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import {
  birthDateOf, emptyDemographic, hcnSystemFor, hcTypeForSystem, patientFromSoap, patientToDemographic,
} from '../../src/resources/patient/mapper.js';
import { assertValidResource } from './fhir-assert.js';
import { DEMOGRAPHIC_NUMBERS, soapReturns } from './soap-fixtures.js';
import { REST_DEMOGRAPHIC_1001, SOAP_GET_DEMOGRAPHIC } from './wire-samples.js';
import { expectedJane, ON } from './patient-fixtures.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
const rest = (): DemographicTo1 => JSON.parse(REST_DEMOGRAPHIC_1001) as DemographicTo1;
const soap = (): DemographicTransfer => soapReturns<DemographicTransfer>(SOAP_GET_DEMOGRAPHIC, DEMOGRAPHIC_NUMBERS)[0]!;


describe('Patient from OSCAR', () => {
  it('maps the SOAP getDemographic wire sample (sample 4) to a valid CA Baseline Patient', () => {
    const p = patientFromSoap(soap(), cfg, { providerDisplay: 'doctor oscardoc' });
    assert.deepEqual(p, expectedJane);
    assertValidResource(p);
  });

  it('names the official language whatever the case OSCAR wrote it in, and no other language', () => {
    const language = (officialLanguage: string): unknown => patientFromSoap({ ...soap(), officialLanguage }, cfg).communication;
    const french = [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'fr', display: 'French' }], text: 'French' }, preferred: true }];
    assert.deepEqual(language('French'), french);
    assert.deepEqual(language('FRENCH'), french);
    assert.deepEqual(language(' french '), french);
    assert.equal(language('Spanish'), undefined);
    assert.equal(language('constructor'), undefined);
    assert.equal(language(''), undefined);
  });

  it('reads a health-card type whatever its case and nothing that merely sits on an object', () => {
    assert.equal(hcnSystemFor(' qc '), 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id');
    for (const t of ['CONSTRUCTOR', '__PROTO__', 'TOSTRING', 'XX']) assert.equal(hcnSystemFor(t), undefined, t);
  });

  it('gives the SOAP generalPractitioner no display when the provider name is unknown', () => {
    assert.deepEqual(patientFromSoap(soap(), cfg).generalPractitioner, [{ reference: 'Practitioner/999998' }]);
  });

  it('emits partial birth dates at the precision OSCAR holds', () => {
    const base = soap();
    const bd = (y: string, m: string, d: string): string | undefined => patientFromSoap({ ...base, yearOfBirth: y, monthOfBirth: m, dateOfBirth: d }, cfg).birthDate;
    assert.equal(bd('1980', '', ''), '1980');
    assert.equal(bd('1980', '07', ''), '1980-07');
    assert.equal(bd('', '', ''), undefined);
    assert.equal(bd('1980', '02', '30'), '1980-02'); // invalid day: keep what is valid
    assert.equal(bd('1980', '13', '01'), '1980');
    assert.equal(birthDateOf('1980', '1', '7'), '1980-01-07');
    const p = patientFromSoap({ ...base, monthOfBirth: '', dateOfBirth: '' }, cfg);
    assertValidResource(p);
  });

  it('uses the province system for BC, QC and legacy PQ/NF cards, and no JHN for OT', () => {
    const withCard = (hcType: string): Patient => patientFromSoap({ ...soap(), hcType, ver: '' }, cfg);
    assert.equal(withCard('BC').identifier?.[0]?.system, 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id');
    assert.equal(withCard('QC').identifier?.[0]?.system, 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id');
    assert.equal(withCard('PQ').identifier?.[0]?.system, 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id');
    assert.equal(withCard('NF').identifier?.[0]?.system, 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-nl-patient-healthcare-id');
    assert.equal(withCard('BC').identifier?.[0]?.extension, undefined);
    const ot = withCard('OT');
    assert.equal(ot.identifier?.some((i) => i.type?.coding?.some((c) => c.code === 'JHN')), false);
    assert.deepEqual(ot.identifier?.[0], {
      system: 'https://emr.example.org/oscar/fhir-ids/health-card-no', value: '9876543217',
      period: { start: '2019-03-01', end: '2026-01-17' }, assigner: { display: 'OT' },
    });
    assertValidResource(ot);
    const none = patientFromSoap({ ...soap(), hin: '' }, cfg);
    assert.equal(none.identifier?.length, 2); // only the two MR identifiers
  });

  it('adds the residential address only when it differs from the mailing address', () => {
    const t2: DemographicTransfer2 = { ...soap(), residentialAddress: '9 Side Rd', residentialCity: 'Ottawa', residentialProvince: 'ON', residentialPostal: 'K1A0B1' };
    const p = patientFromSoap(t2, cfg);
    assert.deepEqual(p.address?.[1], { use: 'home', type: 'physical', line: ['9 Side Rd'], city: 'Ottawa', state: 'ON', postalCode: 'K1A0B1', country: 'CA' });
    assertValidResource(p);
    const same = patientFromSoap({ ...soap(), residentialAddress: '123 MAIN ST', residentialCity: 'Toronto', residentialProvince: 'ON', residentialPostal: 'M5V 1A1' } as DemographicTransfer2, cfg);
    assert.equal(same.address?.length, 1);
  });

  it('maps sex, status and alias', () => {
    const g = (sex: string): Patient['gender'] => patientFromSoap({ ...soap(), sex }, cfg).gender;
    // variants B9: T is the third code of OSCAR 15/19 and Juno, X that of Open-O.
    assert.deepEqual(['M', 'F', 'X', 'T', 'O', 'U', 'Q'].map(g), ['male', 'female', 'other', 'other', 'other', 'unknown', 'unknown']);
    const dead = patientFromSoap({ ...soap(), patientStatus: 'DE', alias: 'JD' }, cfg);
    assert.equal(dead.active, false);
    assert.equal(dead.deceasedBoolean, true);
    assert.deepEqual(dead.name?.[1], { use: 'nickname', text: 'JD' });
    assert.equal(patientFromSoap({ ...soap(), patientStatus: 'MO' }, cfg).deceasedBoolean, undefined);
    assertValidResource(dead);
  });
});

describe('health-card systems', () => {
  it('accepts all three Ontario URIs on input and emits only the Infoway one', () => {
    assert.equal(hcTypeForSystem(ON), 'ON');
    assert.equal(hcTypeForSystem('https://ehealthontario.ca/API/FHIR/NamingSystem/ca-on-patient-hcn'), 'ON');
    assert.equal(hcTypeForSystem('http://ehealthontario.ca/fhir/NamingSystem/ca-on-patient-hcn'), 'ON');
    assert.equal(hcnSystemFor('on'), ON);
    assert.equal(hcTypeForSystem('https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-hcn'), undefined); // a wrong guess
    assert.equal(hcTypeForSystem('https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id'), 'QC');
    assert.equal(hcnSystemFor('OT'), undefined);
    assert.equal(hcnSystemFor(''), undefined);
  });
});

describe('Patient to OSCAR', () => {
  it('stores the mailing (non-physical) home address, and the only home address even when it is physical', () => {
    // contract 7.24: REST holds one address, the mailing one; a residential (physical) one is not stored.
    const p = structuredClone(expectedJane);
    p.address = [
      { use: 'home', type: 'physical', line: ['9 Side Rd'], city: 'Kanata', state: 'ON', postalCode: 'K2K1X1' },
      { use: 'home', type: 'postal', line: ['PO Box 12'], city: 'Ottawa', state: 'ON', postalCode: 'K1A0B1' },
    ];
    const both = patientToDemographic(p, rest(), cfg);
    assert.deepEqual(both.to.address, { province: 'ON', postal: 'K1A0B1', city: 'Ottawa', address: 'PO Box 12' });
    assert.deepEqual(both.notStored, ['Patient.address[0]']);

    p.address = [{ use: 'home', type: 'physical', line: ['9 Side Rd'], city: 'Kanata', state: 'ON', postalCode: 'K2K1X1' }];
    const only = patientToDemographic(p, rest(), cfg);
    assert.deepEqual(only.to.address, { province: 'ON', postal: 'K2K1X1', city: 'Kanata', address: '9 Side Rd' });
    assert.deepEqual(only.notStored, []);
  });

  it('applies an unchanged Patient back onto the current record without losing anything', () => {
    const current = rest();
    // expectedJane is what sample 1 (this record) and sample 4 (the same patient over SOAP) read as.
    const { to, notStored, errors } = patientToDemographic(structuredClone(expectedJane), current, cfg);
    assert.deepEqual(errors, []);
    assert.deepEqual(notStored, []);
    // only the DOB millis change: rewritten as local midnight (contract 7.25) instead of the 7.4 artefact
    // dateOfBirth is ignored by OSCAR on writes (variants B13); noon keeps the day in any JVM zone (variants B10).
    assert.deepEqual(to, { ...current, dateOfBirth: Date.parse('1980-01-17T12:00:00-05:00') });
  });

  it('applies FHIR changes, keeps unmapped OSCAR fields, and reports what it cannot store', () => {
    const current = rest();
    const p = structuredClone(expectedJane);
    p.telecom = [
      { system: 'phone', value: '416-555-0111', use: 'home' },
      { system: 'phone', value: '905-555-0122', use: 'mobile' },
      { system: 'fax', value: '416-555-0999' },
    ];
    p.maritalStatus = { text: 'married' };
    p.address = [{ use: 'home', line: ['1 New St', 'Unit 2'], city: 'Ottawa', state: 'ON', postalCode: 'K1A0B1', country: 'CA' }];
    p.identifier = [{ system: 'https://ehealthontario.ca/API/FHIR/NamingSystem/ca-on-patient-hcn', value: '1234567890', period: { start: '2024-03-10' } }];
    p.active = false;
    const { to, notStored, errors } = patientToDemographic(p, current, cfg);
    assert.deepEqual(errors, []);
    assert.deepEqual(notStored.sort(), ['Patient.maritalStatus', 'Patient.telecom[2]']);
    assert.equal(to.phone, '416-555-0111');
    assert.equal(to.cellPhone, '905-555-0122');
    assert.deepEqual(to.extras.map((e) => [e.key, e.value]), [['demo_cell', '905-555-0122']]); // contract 7.24
    assert.equal(to.email, '');
    assert.deepEqual(to.address, { province: 'ON', postal: 'K1A0B1', city: 'Ottawa', address: '1 New St, Unit 2' });
    assert.equal(to.hin, '1234567890');
    assert.equal(to.hcType, 'ON');
    assert.equal(to.ver, '');
    assert.equal(to.effDate, Date.parse('2024-03-10T12:00:00-04:00')); // noon of the DST day (variants B10)
    assert.equal(to.hcRenewDate, null);
    assert.equal(to.chartNo, '');
    assert.equal(to.patientStatus, 'IN');
    // untouched OSCAR-only fields survive
    assert.equal(to.rosterStatus, 'RO');
    assert.equal(to.familyDoctor, '<rdohip></rdohip><rd></rd>');
    assert.equal(to.spokenLanguage, 'English');
    assert.equal(to.dateJoined, current.dateJoined);
    assert.deepEqual(to.provider, current.provider);
  });

  it('accepts every province system and keeps a legacy hc_type spelling', () => {
    const withSystem = (system: string, hcType = 'ON'): DemographicTo1 => {
      const p = structuredClone(expectedJane);
      p.identifier = [{ system, value: '123' }];
      return patientToDemographic(p, { ...rest(), hcType }, cfg).to;
    };
    assert.equal(withSystem('http://ehealthontario.ca/fhir/NamingSystem/ca-on-patient-hcn').hcType, 'ON');
    assert.equal(withSystem(ON).hcType, 'ON');
    assert.equal(withSystem('https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id').hcType, 'BC');
    assert.equal(withSystem('https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id', 'PQ').hcType, 'PQ');
    assert.equal(withSystem('https://emr.example.org/oscar/fhir-ids/health-card-no').hcType, 'OT');
  });

  it('rejects what OSCAR cannot store (422)', () => {
    const errorsFor = (mutate: (p: Patient) => void): string[] => {
      const p = structuredClone(expectedJane);
      mutate(p);
      return patientToDemographic(p, rest(), cfg).errors.map((e) => e.expression);
    };
    assert.deepEqual(errorsFor((p) => { p.name = [{ given: ['JANE'] }]; }), ['Patient.name.family']);
    assert.deepEqual(errorsFor((p) => { p.name = [{ family: 'DOE' }]; }), ['Patient.name.given']);
    assert.deepEqual(errorsFor((p) => { delete p.gender; }), ['Patient.gender']);
    assert.deepEqual(errorsFor((p) => { p.birthDate = '1980-01'; }), ['Patient.birthDate']);
    assert.deepEqual(errorsFor((p) => { delete p.birthDate; }), ['Patient.birthDate']);
    assert.deepEqual(errorsFor((p) => { p.identifier = [{ system: ON, value: '1' }, { system: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id', value: '2' }]; }), ['Patient.identifier']);
    assert.deepEqual(errorsFor((p) => {
      p.identifier = [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'JHN' }] }, system: 'urn:oid:1.2.3', value: '1' }];
    }), ['Patient.identifier[0].system']);
    assert.deepEqual(errorsFor((p) => { p.name = [{ family: 'X'.repeat(31), given: ['JANE'] }]; }), ['Patient.name.family']);
  });

  it('builds a complete DemographicTo1 for a create', () => {
    const p: Patient = { resourceType: 'Patient', name: [{ family: 'ROE', given: ['RICHARD', 'A'] }], gender: 'male', birthDate: '1990-07-04', telecom: [{ system: 'phone', use: 'mobile', value: '613-555-0100' }] };
    const { to, errors, notStored } = patientToDemographic(p, undefined, cfg);
    assert.deepEqual(errors, []);
    assert.deepEqual(notStored, []);
    assert.deepEqual(Object.keys(to).sort(), Object.keys(emptyDemographic()).sort());
    assert.equal(to.lastName, 'ROE');
    assert.equal(to.middleNames, 'A');
    assert.equal(to.sex, 'M');
    assert.deepEqual([to.dobYear, to.dobMonth, to.dobDay], ['1990', '07', '04']);
    assert.equal(to.dateOfBirth, Date.parse('1990-07-04T12:00:00-04:00'));
    assert.equal(to.patientStatus, 'AC');
    assert.deepEqual(to.extras.map((e) => [e.key, e.value]), [['demo_cell', '613-555-0100']]);
  });
});
