import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Immunization } from 'fhir/r4.js';
import type { PreventionExtTransfer, PreventionTransfer } from '../../src/oscar/types.js';
import {
  doseQuantityOf, immunizationFromSoap, isImmunization, isImmunizationPrevention,
} from '../../src/resources/immunization/mapper.js';
import { TRADENAMES, VACCINES_BY_TYPE, parseCsv } from '../../src/resources/immunization/vaccine-table.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { PREVENTION_BOOLEANS, PREVENTION_NUMBERS, soapReturns } from './soap-fixtures.js';
import { SOAP_PREVENTIONS } from './wire-samples.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
const flu = (): PreventionTransfer => soapReturns<PreventionTransfer>(SOAP_PREVENTIONS, PREVENTION_NUMBERS, PREVENTION_BOOLEANS)[0]!;
const withExts = (t: PreventionTransfer, exts: Record<string, string>): PreventionTransfer => ({
  ...t,
  preventionExts: [
    ...(t.preventionExts ?? []).filter((e) => !(e.key! in exts)),
    ...Object.entries(exts).map(([key, value]): PreventionExtTransfer => ({ key, value, preventionId: t.id })),
  ],
});

const expectedFlu: Immunization = {
  resourceType: 'Immunization',
  id: '42',
  meta: { lastUpdated: '2023-10-11T09:41:07-04:00', profile: ['http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-immunization'] },
  identifier: [{ use: 'usual', system: 'https://emr.example.org/oscar/fhir-ids/prevention-id', value: '42' }],
  status: 'completed',
  vaccineCode: {
    coding: [
      { system: 'http://snomed.info/sct', code: '1181000221105', display: '[Inf] Influenza vaccine' },
      { system: 'http://snomed.info/sct', code: '28531000087107' }, // brandSnomedId as sent (illustrative in the sample)
      { system: 'http://hl7.org/fhir/sid/cvx', code: '88' },
      { system: 'http://hl7.org/fhir/sid/ca-hc-din', code: '02432730' },
    ],
    text: 'FLUZONE QIV',
  },
  patient: { reference: 'Patient/1001' },
  occurrenceDateTime: '2023-10-11',
  recorded: '2023-10-11T09:41:07-04:00',
  primarySource: true,
  manufacturer: { display: 'Sanofi Pasteur' },
  lotNumber: 'AB1234',
  expirationDate: '2024-06-30',
  site: { text: 'Deltoid Lt' },
  route: { coding: [{ system: 'http://snomed.info/sct', code: '78421000', display: 'Intramuscular route' }], text: 'IM' },
  doseQuantity: { value: 0.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
  performer: [{
    function: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0443', code: 'AP', display: 'Administering Provider' }] },
    actor: { reference: 'Practitioner/999998' },
  }],
};

describe('Immunization from OSCAR preventions', () => {
  it('maps the SOAP prevention wire sample (6) to a full Immunization', () => {
    const imm = immunizationFromSoap(flu(), cfg);
    assert.deepEqual(imm, expectedFlu);
    assertValidResource(imm);
  });

  it('maps a refused prevention to not-done with reason PATOBJ and the refusal text', () => {
    const imm = immunizationFromSoap(withExts({ ...flu(), refused: true }, { neverReason: 'Prefers to wait' }), cfg);
    assert.equal(imm.status, 'not-done');
    assert.deepEqual(imm.statusReason, {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'PATOBJ', display: 'patient objection' }],
      text: 'Prefers to wait',
    });
    assertValidResource(imm);
  });

  it('maps a deleted prevention to entered-in-error (over refused) and exposes previousId', () => {
    const imm = immunizationFromSoap(withExts({ ...flu(), deleted: true, refused: true }, { previousId: '41' }), cfg);
    assert.equal(imm.status, 'entered-in-error');
    assert.equal(imm.statusReason, undefined);
    assert.deepEqual(imm.identifier, [
      { use: 'usual', system: 'https://emr.example.org/oscar/fhir-ids/prevention-id', value: '42' },
      { use: 'old', system: 'https://emr.example.org/oscar/fhir-ids/prevention-id', value: '41' },
    ]);
    assertValidResource(imm);
  });

  it('marks an outside-provider record as not primary source with a display-only performer', () => {
    const outside = immunizationFromSoap(withExts({ ...flu(), providerNo: '-1' }, { providerName: 'Public Health Clinic' }), cfg);
    assert.equal(outside.primarySource, false);
    assert.deepEqual(outside.reportOrigin, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/immunization-origin', code: 'provider', display: 'Other Provider' }] });
    assert.deepEqual(outside.performer?.[0]?.actor, { display: 'Public Health Clinic' });
    assertValidResource(outside);
    const anonymous = immunizationFromSoap({ ...flu(), providerNo: '' }, cfg);
    assert.equal(anonymous.primarySource, false);
    assert.equal(anonymous.performer, undefined);
    assertValidResource(anonymous);
  });

  it('keeps a recorded time of day, and a date-only entry as a date', () => {
    assert.equal(immunizationFromSoap({ ...flu(), preventionDate: '2024-03-10T14:30:00-04:00' }, cfg).occurrenceDateTime, '2024-03-10T14:30:00-04:00');
    assert.equal(immunizationFromSoap({ ...flu(), preventionDate: '2024-01-15T00:00:00-05:00' }, cfg).occurrenceDateTime, '2024-01-15');
  });

  it('derives the generic code and CVX from a tradename when the type is not in the table', () => {
    const imm = immunizationFromSoap(withExts({ ...flu(), preventionType: 'Vaxigrip (CVC)' }, { brandSnomedId: '7561000087109', name: '', din: '' }), cfg);
    assert.deepEqual(imm.vaccineCode, {
      coding: [
        { system: 'http://snomed.info/sct', code: '1181000221105', display: '[Inf] Influenza vaccine' },
        { system: 'http://snomed.info/sct', code: '7561000087109', display: '[Inf] Vaxigrip' },
        { system: 'http://hl7.org/fhir/sid/cvx', code: '88' },
      ],
      text: 'Vaxigrip (CVC)',
    });
    const custom = immunizationFromSoap({ ...flu(), preventionType: 'OtherA', preventionExts: [] }, cfg);
    assert.deepEqual(custom.vaccineCode, { text: 'OtherA' });
    assertValidResource(custom);
  });

  it('parses doses and routes', () => {
    assert.deepEqual(doseQuantityOf('0.5mL'), { value: 0.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' });
    assert.deepEqual(doseQuantityOf('1 capsule'), { value: 1, unit: 'capsule', system: undefined, code: undefined });
    assert.equal(doseQuantityOf('half'), undefined);
    const sc = immunizationFromSoap(withExts(flu(), { route: 'sc' }), cfg);
    assert.equal(sc.route?.coding?.[0]?.code, '34206005');
    const odd = immunizationFromSoap(withExts(flu(), { route: 'Jet', expiryDate: '2024-02-30' }), cfg);
    assert.deepEqual(odd.route, { text: 'Jet' });
    assert.equal(odd.expirationDate, undefined);
  });
});

describe('which preventions are immunizations', () => {
  it('accepts vaccine types and rejects screenings', () => {
    for (const t of ['Flu', 'HPV Vaccine', 'COVID-19', 'RSVAb', 'OtherA', 'H1N1']) assert.equal(isImmunization(t, cfg), true, t);
    for (const t of ['PAP', 'MAM', 'Tuberculosis', 'HPV-CERVIX', 'HepB screen', 'Smoking', '', undefined]) assert.equal(isImmunization(t, cfg), false, String(t));
  });

  it('lets a clinic add and remove types', () => {
    const custom = defaultMappingConfig({ immunizationTypes: { add: ['Shingles clinic'], remove: ['OtherA'] } });
    assert.equal(isImmunization('Shingles clinic', custom), true);
    assert.equal(isImmunization('OtherA', custom), false);
    assert.equal(isImmunization('Flu', custom), true);
  });

  it("applies OSCAR's own rule to unconfigured types but never to screenings", () => {
    assert.equal(isImmunizationPrevention(withExts({ ...flu(), preventionType: 'FLUZONE Quadrivalent' }, {}), cfg), true); // has dose
    assert.equal(isImmunizationPrevention({ ...flu(), preventionType: 'Mystery', preventionExts: [] }, cfg), false);
    assert.equal(isImmunizationPrevention(withExts({ ...flu(), preventionType: 'Tuberculosis' }, { dose: '0.1 mL' }), cfg), false);
  });
});

describe('vaccine code table (vaccine-codes.csv)', () => {
  it('loads every row with its codes, keeping CVX leading zeros', () => {
    assert.ok(VACCINES_BY_TYPE.size >= 50);
    assert.equal(VACCINES_BY_TYPE.get('M')?.cvx, '05');
    assert.equal(VACCINES_BY_TYPE.get('Td')?.generic?.code, '59999009');
    assert.equal(VACCINES_BY_TYPE.get('RSV')?.cvx, undefined);
    assert.equal(TRADENAMES.get('7451000087107')?.row.preventionType, 'DTaP-IPV-Hib-HB');
    assert.equal(TRADENAMES.get('20691000087107')?.display, '[Inf] FLUZONE Quadrivalent');
  });

  it('parses quoted CSV fields', () => {
    assert.deepEqual(parseCsv('a,"b, c","d ""e"""\r\n1,,3\n'), [['a', 'b, c', 'd "e"'], ['1', '', '3']]);
  });
});
