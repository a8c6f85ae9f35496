// AllergyIntolerance, Immunization and Practitioner read from OSCAR rule by rule (mapping §4, §5,
// §7; contract 4.8, 4.9, 5.3, 5.4): a wrong allergy status is a patient-safety bug, so each
// status, code and unit is pinned with its literal value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PreventionTransfer } from '../../src/oscar/types.js';
import { allergyFromSoap, buildAllergy, type AllergyFacts } from '../../src/resources/allergyintolerance/mapper.js';
import { doseQuantityOf, immunizationFromSoap, isImmunizationPrevention } from '../../src/resources/immunization/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { practitionerFromSoap } from '../../src/resources/practitioner/mapper.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const allergy = (f: Partial<AllergyFacts>) => buildAllergy({ active: true, ...f });

describe('allergy clinical status (contract 4.8)', () => {
  it('is active only when the REST active list names the row, and says so when there is no list', () => {
    const row = { id: 7, demographicNo: 1001, description: 'PENICILLIN G' };
    assert.deepEqual(allergyFromSoap(row, new Set([7]), cfg).clinicalStatus, { coding: [{ system: CLINICAL, code: 'active', display: 'Active' }] });
    assert.deepEqual(allergyFromSoap(row, new Set([8]), cfg).clinicalStatus, { coding: [{ system: CLINICAL, code: 'inactive', display: 'Inactive' }] });
    assert.deepEqual(allergyFromSoap(row, new Set(), cfg).clinicalStatus, { coding: [{ system: CLINICAL, code: 'inactive', display: 'Inactive' }] });
    assert.deepEqual(allergyFromSoap({ ...row, id: undefined }, new Set([7]), cfg).clinicalStatus, { coding: [{ system: CLINICAL, code: 'inactive', display: 'Inactive' }] });
    assert.deepEqual(allergyFromSoap(row, undefined, cfg).clinicalStatus, {
      coding: [{ system: CLINICAL, code: 'active', display: 'Active' }], text: 'Active or archived: this OSCAR does not say which',
    });
  });
});

describe('allergy codes (contract 5.3)', () => {
  it('maps each severity, onset and criticality code', () => {
    const cases: [string, string | undefined, string | undefined, string | undefined][] = [
      ['1', 'mild', undefined, 'Immediate'], ['2', 'moderate', undefined, 'Gradual'], ['3', 'severe', 'high', 'Slow'],
    ];
    for (const [code, severity, criticality, onset] of cases) {
      const a = allergy({ reaction: 'Hives', severity: code, onsetOfReaction: code });
      assert.deepEqual(a.reaction, [{ manifestation: [{ text: 'Hives' }], severity, description: `Onset of reaction: ${onset}` }], code);
      assert.equal(a.criticality, criticality, code);
    }
    assert.deepEqual(allergy({ reaction: 'Hives', onsetOfReaction: '4' }).reaction, [{ manifestation: [{ text: 'Hives' }] }]);
  });

  it('gives medication category to drug type codes only', () => {
    for (const typeCode of [8, 10, 11, 12, 13, 14]) assert.deepEqual(allergy({ typeCode }).category, ['medication'], String(typeCode));
    for (const typeCode of [0, 9, 15]) assert.equal(allergy({ typeCode }).category, undefined, String(typeCode));
  });

  it('strips spaces from a DIN and codes NKDA in any case', () => {
    assert.deepEqual(allergy({ din: '0001 2345', description: 'NkDa' }).code, {
      coding: [
        { system: 'http://hl7.org/fhir/sid/ca-hc-din', code: '00012345' },
        { system: 'http://snomed.info/sct', code: '409137002', display: 'No known drug allergy' },
      ],
      text: 'NkDa',
    });
    assert.deepEqual(allergy({ description: 'NKDA (checked)' }).code, { text: 'NKDA (checked)' });
  });

  it('reads an age at onset of one to three digits', () => {
    assert.deepEqual(allergy({ ageOfOnset: '999' }).onsetAge, { value: 999, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' });
    assert.deepEqual(allergy({ ageOfOnset: '1' }).onsetAge, { value: 1, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' });
    assert.equal(allergy({ ageOfOnset: '000' }).onsetAge, undefined);
    assert.equal(allergy({ ageOfOnset: '5', startDate: '2015-04-01' }).onsetAge, undefined);
    assert.equal(allergy({ ageOfOnset: '5', startDate: '2015-04-01' }).onsetDateTime, '2015-04-01');
  });

  it('names the id and the recorder with its display', () => {
    const a = allergy({ id: 0, providerNo: '7', recorderDisplay: 'Dr Who' });
    assert.equal(a.id, '0');
    assert.deepEqual(a.recorder, { reference: 'Practitioner/7', display: 'Dr Who' });
    assert.equal(allergy({}).id, undefined);
  });
});

const prevention = (over: Partial<PreventionTransfer>, exts: Record<string, string> = {}): PreventionTransfer => ({
  id: 42, demographicId: 1001, preventionType: 'Flu', providerNo: '999998', preventionDate: '2023-10-11T00:00:00-04:00',
  preventionExts: Object.entries(exts).map(([key, value]) => ({ key, value })), ...over,
});
const imm = (over: Partial<PreventionTransfer>, exts: Record<string, string> = {}) => immunizationFromSoap(prevention(over, exts), cfg);

describe('Immunization details (contract 5.4)', () => {
  it('reads doses with a comma or a leading point, and a unit in any case', () => {
    assert.deepEqual(doseQuantityOf(' 1,5 ML '), { value: 1.5, unit: 'ML', system: 'http://unitsofmeasure.org', code: 'mL' });
    assert.deepEqual(doseQuantityOf('.5 mg'), { value: 0.5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    assert.deepEqual(doseQuantityOf(',25g'), { value: 0.25, unit: 'g', system: 'http://unitsofmeasure.org', code: 'g' });
    assert.deepEqual(doseQuantityOf('2'), { value: 2, unit: undefined, system: undefined, code: undefined });
    assert.equal(doseQuantityOf(''), undefined);
    assert.equal(doseQuantityOf(undefined), undefined);
    assert.equal(imm({}, { dose: 'half' }).doseQuantity, undefined);
  });

  it('ignores blank keys and values, the last value of a key winning', () => {
    const i = immunizationFromSoap(prevention({ preventionExts: [
      { key: 'lot', value: 'A1' }, { key: 'lot', value: ' ' }, { key: ' ', value: 'x' }, { key: 'lot', value: 'B2' },
    ] }), cfg);
    assert.equal(i.lotNumber, 'B2');
  });

  it('strips spaces from SNOMED ids and DINs, and does not repeat a brand that is the generic code', () => {
    const i = imm({ preventionType: 'Mystery' }, { brandSnomedId: ' 7561000087109 ', din: '0243 2730' });
    assert.deepEqual(i.vaccineCode?.coding, [
      { system: 'http://snomed.info/sct', code: '1181000221105', display: '[Inf] Influenza vaccine' },
      { system: 'http://snomed.info/sct', code: '7561000087109', display: '[Inf] Vaxigrip' },
      { system: 'http://hl7.org/fhir/sid/cvx', code: '88' },
      { system: 'http://hl7.org/fhir/sid/ca-hc-din', code: '02432730' },
    ]);
    const generic = imm({}, { brandSnomedId: '1181000221105' });
    assert.deepEqual(generic.vaccineCode?.coding, [
      { system: 'http://snomed.info/sct', code: '1181000221105', display: '[Inf] Influenza vaccine' },
      { system: 'http://hl7.org/fhir/sid/cvx', code: '88' },
    ]);
    assert.deepEqual(imm({ preventionType: 'Mystery' }, { brandSnomedId: '123' }).vaccineCode,
      { coding: [{ system: 'http://snomed.info/sct', code: '123' }], text: 'Mystery' });
  });

  it('keeps a numeric previous id as an old identifier, and names no usual one without an id', () => {
    assert.deepEqual(imm({ id: undefined }, { previousId: '41' }).identifier,
      [{ use: 'old', system: 'https://emr.example.org/oscar/fhir-ids/prevention-id', value: '41' }]);
    assert.equal(imm({ id: undefined }, { previousId: '41a' }).identifier, undefined);
  });

  it('names no administering provider for a refusal, and an outside provider only by name', () => {
    const refused = imm({ refused: true, deleted: false });
    assert.equal(refused.status, 'not-done');
    assert.equal(refused.performer, undefined);
    assert.equal(refused.primarySource, true);
    assert.equal(imm({ refused: true }, { neverReason: 'r' }).statusReason?.text, 'r');
    const outside = imm({ providerNo: '-1' });
    assert.equal(outside.performer, undefined);
    assert.equal(outside.primarySource, false);
    assert.deepEqual(immunizationFromSoap(prevention({}), cfg, 'Dr Who').performer?.[0]?.actor, { reference: 'Practitioner/999998', display: 'Dr Who' });
  });

  it('says the occurrence and patient are unknown when OSCAR gives none', () => {
    const i = imm({ preventionDate: undefined, demographicId: undefined });
    assert.equal(i.occurrenceDateTime, undefined);
    assert.equal(i.occurrenceString, 'unknown');
    assert.deepEqual(i.patient, { display: 'unknown patient' });
    assert.equal(imm({}).occurrenceString, undefined);
  });

  it('keeps the site, manufacturer, comment and a space-padded expiry date; a route in any case', () => {
    const i = imm({}, { location: 'Deltoid Rt', manufacture: 'GSK', comments: 'no reaction', expiryDate: ' 2024-06-30 ', route: 'po' });
    assert.deepEqual([i.site, i.manufacturer, i.note, i.expirationDate], [{ text: 'Deltoid Rt' }, { display: 'GSK' }, [{ text: 'no reaction' }], '2024-06-30']);
    assert.deepEqual(i.route, { coding: [{ system: 'http://snomed.info/sct', code: '26643006', display: 'Oral route' }], text: 'po' });
    assert.equal(imm({}, { expiryDate: '2024-6-30' }).expirationDate, undefined);
  });

  it('takes an unconfigured type with a brand code even without a dose', () => {
    assert.equal(isImmunizationPrevention(prevention({ preventionType: 'Clinic pick' }, { brandSnomedId: '1' }), cfg), true);
    assert.equal(isImmunizationPrevention(prevention({ preventionType: 'Clinic pick' }, { lot: '1' }), cfg), false);
  });
});

describe('Practitioner from an OSCAR provider (mapping §7)', () => {
  it('reads status 1 as active and any other as inactive, none as unknown', () => {
    assert.equal(practitionerFromSoap({ providerNo: '1', status: '1' }, cfg).active, true);
    assert.equal(practitionerFromSoap({ providerNo: '1', status: '0' }, cfg).active, false);
    assert.equal(practitionerFromSoap({ providerNo: '1', status: ' ' }, cfg).active, undefined);
  });

  it('names a licence of an unknown or missing type by the local system, with the type in its text', () => {
    assert.deepEqual(practitionerFromSoap({ practitionerNo: '55', practitionerNoType: 'xyz' }, cfg).identifier, [
      { type: { text: 'Licence number (XYZ)' }, system: 'https://emr.example.org/oscar/fhir-ids/practitioner-no', value: '55' },
    ]);
    assert.deepEqual(practitionerFromSoap({ practitionerNo: '55' }, cfg).identifier, [
      { type: { text: 'Licence number' }, system: 'https://emr.example.org/oscar/fhir-ids/practitioner-no', value: '55' },
    ]);
  });

  it('gives the name, title and address it holds, and nothing for blanks', () => {
    assert.deepEqual(practitionerFromSoap({ providerNo: '1', lastName: 'WHO', firstName: ' ', title: 'Dr', address: '1 Main' }, cfg), {
      resourceType: 'Practitioner', id: '1',
      identifier: [{ use: 'usual', system: 'https://emr.example.org/oscar/fhir-ids/provider-no', value: '1' }],
      name: [{ use: 'official', family: 'WHO', prefix: ['Dr'] }], address: [{ line: ['1 Main'] }],
    });
  });
});
