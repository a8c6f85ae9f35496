import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllergyIntolerance } from 'fhir/r4.js';
import type { AllergyTo1, AllergyTransfer } from '../../src/oscar/types.js';
import { allergyFromSoap } from '../../src/resources/allergyintolerance/mapper.js';
import { allergyFromRest } from '../../src/resources/allergyintolerance/rest-mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { ALLERGY_NUMBERS, soapReturns } from './soap-fixtures.js';
import { REST_ALLERGIES_ACTIVE, SOAP_ALLERGIES } from './wire-samples.js';

const cfg = defaultMappingConfig();
const soap = (): AllergyTransfer[] => soapReturns<AllergyTransfer>(SOAP_ALLERGIES, ALLERGY_NUMBERS);
const restActive = (): AllergyTo1[] => (JSON.parse(REST_ALLERGIES_ACTIVE) as { allergies: AllergyTo1[] }).allergies;
const activeIds = new Set(restActive().map((a) => a.id)); // {7}: PEANUTS (8) is archived

const PROFILE = 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-allergyintolerance';
const clinical = (code: string, display: string): AllergyIntolerance['clinicalStatus'] => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code, display }] });
const confirmed: AllergyIntolerance['verificationStatus'] = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed', display: 'Confirmed' }] };

const expectedPenicillin: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: '7',
  meta: { lastUpdated: '2021-06-01T10:15:42-04:00', profile: [PROFILE] },
  clinicalStatus: clinical('active', 'Active'),
  verificationStatus: confirmed,
  category: ['medication'],
  code: { text: 'PENICILLIN G' },
  patient: { reference: 'Patient/1001' },
  onsetDateTime: '2015-04-01',
  recordedDate: '2021-06-01',
  recorder: { reference: 'Practitioner/999998' },
  reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate', description: 'Onset of reaction: Immediate' }],
};

const expectedPeanuts: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: '8',
  meta: { lastUpdated: '2022-02-10T14:02:11-05:00', profile: [PROFILE] },
  clinicalStatus: clinical('inactive', 'Inactive'),
  verificationStatus: confirmed,
  criticality: 'high',
  code: { text: 'PEANUTS' },
  patient: { reference: 'Patient/1001' },
  recordedDate: '2022-02-10',
  recorder: { reference: 'Practitioner/999998' },
  reaction: [{ manifestation: [{ text: 'Anaphylaxis' }], severity: 'severe', description: 'Onset of reaction: Immediate' }],
};

describe('AllergyIntolerance from OSCAR', () => {
  it('maps the SOAP wire sample (5): active by REST membership, PEANUTS typeCode 0 has no category', () => {
    const [penicillin, peanuts] = soap().map((t) => allergyFromSoap(t, activeIds, cfg));
    assert.deepEqual(penicillin, expectedPenicillin);
    assert.deepEqual(peanuts, expectedPeanuts);
    assertValidResource(penicillin);
    assertValidResource(peanuts);
  });

  it('codes NKDA as SNOMED 409137002 and a DIN as a ca-hc-din coding', () => {
    const [base] = soap();
    const nkda = allergyFromSoap({ ...base!, description: 'nkda', typeCode: 0, reaction: '', severityOfReaction: '' }, activeIds, cfg);
    assert.deepEqual(nkda.code, { coding: [{ system: 'http://snomed.info/sct', code: '409137002', display: 'No known drug allergy' }], text: 'nkda' });
    assert.equal(nkda.reaction, undefined);
    assert.equal(nkda.category, undefined);
    assertValidResource(nkda);
    const din = allergyFromSoap({ ...base!, regionalIdentifier: '00012345' }, activeIds, cfg);
    assert.deepEqual(din.code?.coding, [{ system: 'http://hl7.org/fhir/sid/ca-hc-din', code: '00012345' }]);
  });

  it('builds a reaction only from text or a real severity; 4 = unable-to-assess, 5 = nothing', () => {
    const [base] = soap();
    const unknown = allergyFromSoap({ ...base!, reaction: '', severityOfReaction: '4', onsetOfReaction: '4' }, activeIds, cfg);
    assert.equal(unknown.criticality, 'unable-to-assess');
    assert.equal(unknown.reaction, undefined);
    const severeNoText = allergyFromSoap({ ...base!, reaction: '', severityOfReaction: '3' }, activeIds, cfg);
    assert.deepEqual(severeNoText.reaction?.[0]?.manifestation, [{ text: 'unspecified' }]);
    const none = allergyFromSoap({ ...base!, severityOfReaction: '5', onsetOfReaction: '' }, activeIds, cfg);
    assert.deepEqual(none.reaction, [{ manifestation: [{ text: 'Hives' }] }]);
    assert.equal(none.criticality, undefined);
  });

  it('uses ageOfOnset only when there is no start date, and treats 0 as unrecorded', () => {
    const peanuts = soap()[1]!;
    const a = allergyFromSoap({ ...peanuts, ageOfOnset: '45' }, activeIds, cfg);
    assert.deepEqual(a.onsetAge, { value: 45, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' });
    assertValidResource(a);
    assert.equal(allergyFromSoap(soap()[0]!, activeIds, cfg).onsetAge, undefined);
    // ageOfOnset is a String column: text that is not a whole number of years is no age at all.
    for (const ageOfOnset of ['0', '', 'unknown', '4 yrs', '1000', '-3']) {
      assert.equal(allergyFromSoap({ ...peanuts, ageOfOnset }, activeIds, cfg).onsetAge, undefined, `ageOfOnset ${JSON.stringify(ageOfOnset)}`);
    }
  });

  it('names an unknown patient when OSCAR gives no demographic number', () => {
    const orphan = allergyFromSoap({ ...soap()[1]!, demographicNo: undefined }, activeIds, cfg);
    assert.deepEqual(orphan.patient, { display: 'unknown patient' });
    assertValidResource(orphan);
  });
});

describe('AllergyIntolerance from OSCAR REST (SOAP out of reach)', () => {
  it('maps the REST /allergies/active wire sample to the resource the SOAP rows give', () => {
    const a = allergyFromRest(restActive()[0]!, cfg);
    assert.deepEqual(a, expectedPenicillin);
    assertValidResource(a);
  });

  it("drops REST's placeholder for an empty reaction (contract 3.3)", () => {
    const a = allergyFromRest({ ...restActive()[0]!, reaction: 'No reaction noted', severityOfReaction: '5' }, cfg);
    assert.equal(a.reaction, undefined);
  });
});

