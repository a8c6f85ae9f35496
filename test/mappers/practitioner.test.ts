import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoginResultTransfer2, ProviderTransfer } from '../../src/oscar/types.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { practitionerFromSoap } from '../../src/resources/practitioner/mapper.js';
import { assertValidResource } from './fhir-assert.js';
import { soapReturns } from './soap-fixtures.js';
import { SOAP_LOGIN2 } from './wire-samples.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids' });
const doctor = (): ProviderTransfer => soapReturns<LoginResultTransfer2>(SOAP_LOGIN2, ['securityId'])[0]!.provider!;

describe('Practitioner from OSCAR', () => {
  it('maps the provider of the login2 wire sample (8)', () => {
    const p = practitionerFromSoap(doctor(), cfg);
    assert.deepEqual(p, {
      resourceType: 'Practitioner',
      id: '999998',
      identifier: [{ use: 'usual', system: 'https://emr.example.org/oscar/fhir-ids/provider-no', value: '999998' }],
      active: true,
      name: [{ use: 'official', family: 'oscardoc', given: ['doctor'] }],
      gender: 'male',
    });
    assertValidResource(p);
  });

  it('adds the OHIP billing number and the licence number by practitionerNoType', () => {
    const p = practitionerFromSoap({ ...doctor(), ohipNo: '123456', practitionerNo: '98765', practitionerNoType: 'CPSO', status: '0', workPhone: '416-555-0000', title: 'Dr.' }, cfg);
    assert.deepEqual(p.identifier?.slice(1), [
      { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PRN', display: 'Provider number' }] }, system: 'https://emr.example.org/oscar/fhir-ids/ohip-billing-no', value: '123456' },
      { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MD', display: 'Medical License number' }] }, system: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-license-physician', value: '98765' },
    ]);
    assert.equal(p.active, false);
    assert.deepEqual(p.telecom, [{ system: 'phone', value: '416-555-0000', use: 'work' }]);
    assert.deepEqual(p.name?.[0]?.prefix, ['Dr.']);
    assertValidResource(p);
    const nurse = practitionerFromSoap({ ...doctor(), practitionerNo: '55', practitionerNoType: 'CNORN' }, cfg);
    assert.equal(nurse.identifier?.[1]?.system, 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-license-nurse');
    const untyped = practitionerFromSoap({ ...doctor(), practitionerNo: '66', practitionerNoType: ' ' }, cfg);
    assert.deepEqual(untyped.identifier?.[1], { type: { text: 'Licence number' }, system: 'https://emr.example.org/oscar/fhir-ids/practitioner-no', value: '66' });
    const other = practitionerFromSoap({ ...doctor(), practitionerNo: '77', practitionerNoType: 'CPSBC' }, cfg);
    assert.deepEqual(other.identifier?.[1], { type: { text: 'Licence number (CPSBC)' }, system: 'https://emr.example.org/oscar/fhir-ids/practitioner-no', value: '77' });
    const configured = defaultMappingConfig({ practitionerSystems: { ohipBilling: 'https://example.ca/ohip' } });
    assert.equal(practitionerFromSoap({ ...doctor(), ohipNo: '1' }, configured).identifier?.[1]?.system, 'https://example.ca/ohip');
  });

  it('maps the work phone, the home phone and the email address, each with its kind', () => {
    const p = practitionerFromSoap({ ...doctor(), workPhone: '416-555-0000', phone: '416-555-1111', email: 'doc@example.org' }, cfg);
    assert.deepEqual(p.telecom, [
      { system: 'phone', value: '416-555-0000', use: 'work' },
      { system: 'phone', value: '416-555-1111', use: 'home' },
      { system: 'email', value: 'doc@example.org' },
    ]);
    assertValidResource(p);
  });

  it('maps each OSCAR sex code to its FHIR gender, case-insensitively (mapping §7)', () => {
    // variants B9: the third code is X on Open-O and CARLOS, T on OSCAR 15/19 and Juno.
    const expected: [string, string | undefined][] = [
      ['M', 'male'], ['F', 'female'], ['f', 'female'], ['X', 'other'], ['T', 'other'], ['t', 'other'], ['O', 'other'], ['U', 'unknown'], ['Q', 'unknown'], ['', undefined],
    ];
    for (const [sex, gender] of expected) assert.equal(practitionerFromSoap({ ...doctor(), sex }, cfg).gender, gender, `sex ${JSON.stringify(sex)}`);
  });
});
