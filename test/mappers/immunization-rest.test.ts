// Immunization from REST PreventionTo1 (contract 3.9): the SOAP path's ids, status and codes, and
// nothing REST does not carry (no lot/route/dose, no recorded or lastUpdated time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Immunization } from 'fhir/r4.js';
import type { PreventionTo1 } from '../../src/oscar/types.js';
import { immunizationFromRest, isImmunizationRow } from '../../src/resources/immunization/rest-mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { REST_PREVENTIONS_IMMUNIZATIONS } from './wire-samples.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
/** samples §3: the flu shot of sample 6 as `GET /preventions/immunizations/1001` renders it from a Toronto JVM. */
const flu = (JSON.parse(REST_PREVENTIONS_IMMUNIZATIONS) as { preventions: PreventionTo1[] }).preventions[0]!;

const expectedFlu: Immunization = {
  resourceType: 'Immunization',
  id: '42',
  meta: { profile: ['http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-immunization'] },
  identifier: [{ use: 'usual', system: 'https://emr.example.org/oscar/fhir-ids/prevention-id', value: '42' }],
  status: 'completed',
  vaccineCode: {
    coding: [
      { system: 'http://snomed.info/sct', code: '1181000221105', display: '[Inf] Influenza vaccine' },
      { system: 'http://hl7.org/fhir/sid/cvx', code: '88' },
    ],
    text: 'Flu',
  },
  patient: { reference: 'Patient/1001' },
  occurrenceDateTime: '2023-10-11',
  primarySource: true,
  performer: [{
    function: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0443', code: 'AP', display: 'Administering Provider' }] },
    actor: { reference: 'Practitioner/999998', display: 'oscardoc, doctor' },
  }],
};

describe('Immunization from REST preventions', () => {
  it('maps the REST sample to the SOAP path’s id, status, codes and date, without the response-time creationDate', () => {
    const imm = immunizationFromRest(flu, cfg, 'oscardoc, doctor');
    assert.deepEqual(imm, expectedFlu);
    assertValidResource(imm);
  });

  it('reads the date-only preventionDate rendered by a Vancouver JVM as the same calendar date', () => {
    assert.deepEqual(immunizationFromRest({ ...flu, preventionDate: 1697007600000 }, cfg, 'oscardoc, doctor', 'America/Vancouver'), expectedFlu);
  });

  it('keeps an outside provider as no practitioner reference, and a recorded time as an instant', () => {
    const imm = immunizationFromRest({ ...flu, providerNo: '-1', preventionDate: 1697036400000 }, cfg); // 2023-10-11 11:00 EDT
    assert.equal(imm.performer, undefined);
    assert.equal(imm.primarySource, false);
    assert.equal(imm.occurrenceDateTime, '2023-10-11T11:00:00-04:00');
  });

  it('tells immunizations from screenings in /preventions/active rows by the clinic’s type table', () => {
    assert.equal(isImmunizationRow(flu, cfg), true);
    assert.equal(isImmunizationRow({ ...flu, preventionType: 'PAP' }, cfg), false);
    assert.equal(isImmunizationRow({ ...flu, preventionType: 'MAM' }, cfg), false);
    assert.equal(isImmunizationRow({ ...flu, preventionType: null }, cfg), false);
  });
});
