// The Patient compartment as this server has it (smart §7.3, R4 CompartmentDefinition Patient):
// which types hold no patient's data, which search parameter confines a type to one patient, and
// which patients a resource names, by relative or absolute reference to this server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { compartmentPatientsOf, isOutsideCompartment, narrowingParam, patientIdOf } from '../../src/auth/compartment.js';
import type { ResourceDefinition, SearchParamDef } from '../../src/fhir/index.js';

const BASE = 'https://fhir.example.org/fhir';
const ref = (name: string, target: string[]): SearchParamDef => ({ name, type: 'reference', description: name, definition: `http://example.org/${name}`, target });
const def = (type: string, ...searchParams: SearchParamDef[]): ResourceDefinition => ({ type, searchParams, interactions: {} });

describe('the patient compartment', () => {
  it('leaves out the types that hold no patient\'s data, and only those', () => {
    for (const t of ['Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Medication']) assert.equal(isOutsideCompartment(t), true, t);
    for (const t of ['Patient', 'Appointment', 'Binary', 'DocumentReference', 'Immunization', 'AllergyIntolerance', '']) assert.equal(isOutsideCompartment(t), false, t);
  });

  it('confines a type by _id for Patient, else by the first of patient, subject, actor that can point at a Patient', () => {
    const id: SearchParamDef = { name: '_id', type: 'token', description: 'id', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' };
    assert.equal(narrowingParam(def('Patient', ref('patient', ['Patient']), id))?.name, '_id');
    assert.equal(narrowingParam(def('Patient', ref('patient', ['Patient']))), undefined, 'a Patient without _id');
    assert.equal(narrowingParam(def('Immunization', ref('actor', ['Patient']), ref('subject', ['Patient']), ref('patient', ['Patient'])))?.name, 'patient');
    assert.equal(narrowingParam(def('DocumentReference', ref('actor', ['Patient']), ref('subject', ['Patient', 'Group'])))?.name, 'subject');
    assert.equal(narrowingParam(def('Appointment', ref('actor', ['Practitioner', 'Patient'])))?.name, 'actor');
    assert.equal(narrowingParam(def('Appointment', ref('patient', ['Group']), ref('practitioner', ['Patient'])))?.name, undefined, 'none can point at a Patient, or it has another name');
    assert.equal(narrowingParam(def('Appointment', { ...ref('patient', ['Patient']), type: 'token' })), undefined, 'a token parameter is not a reference');
    assert.equal(narrowingParam(def('Schedule', id)), undefined);
  });

  it("reads a Patient id from a relative reference or an absolute one on this server, with or without a version", () => {
    const cases: [string | undefined, string | undefined][] = [
      ['Patient/1001', '1001'],
      [' Patient/1001 ', '1001'],
      [`${BASE}/Patient/1001`, '1001'],
      [`${BASE}/Patient/1001/_history/3`, '1001'],
      ['Patient/a-B.9', 'a-B.9'],
      [`https://other.example.org/fhir/Patient/1001`, undefined],
      [`${BASE}Patient/1001`, undefined],
      ['Practitioner/7', undefined],
      ['Patient/', undefined],
      ['Patient/1001/extra', undefined],
      ['xPatient/1001', undefined],
      [`Patient/${'1'.repeat(65)}`, undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [reference, id] of cases) assert.equal(patientIdOf(reference === undefined ? undefined : { reference }, BASE), id, String(reference));
    assert.equal(patientIdOf(undefined, BASE), undefined);
  });

  it('finds the patients a resource names, once each', () => {
    const of = (r: Record<string, unknown>) => compartmentPatientsOf(r as unknown as Resource, BASE);
    assert.deepEqual(of({ resourceType: 'Patient', id: '1001' }), ['1001']);
    assert.deepEqual(of({ resourceType: 'Patient' }), []);
    assert.deepEqual(of({ resourceType: 'Patient', id: '1001', link: [{ other: { reference: 'Patient/1002' } }] }), ['1001'], 'a Patient is its own id only');
    assert.deepEqual(of({ resourceType: 'Immunization', patient: { reference: 'Patient/1001' } }), ['1001']);
    assert.deepEqual(of({ resourceType: 'DocumentReference', subject: { reference: `${BASE}/Patient/1002` } }), ['1002']);
    assert.deepEqual(of({ resourceType: 'Coverage', beneficiary: { reference: 'Patient/1003' } }), ['1003']);
    assert.deepEqual(of({ resourceType: 'Observation', subject: { reference: 'Patient/1001' }, patient: [{ reference: 'Patient/1001' }, 'Patient/9', null] }), ['1001'], 'arrays, odd entries left out, no repeats');
    assert.deepEqual(of({ resourceType: 'Appointment', participant: [{ actor: { reference: 'Patient/1001' } }, { actor: { reference: 'Practitioner/7' } }, { actor: { reference: 'Patient/1002' } }, 'x'] }), ['1001', '1002']);
    assert.deepEqual(of({ resourceType: 'Encounter', participant: [{ actor: { reference: 'Patient/1001' } }] }), [], 'participant.actor counts for Appointment only');
    assert.deepEqual(of({ resourceType: 'Appointment', participant: { actor: { reference: 'Patient/1001' } } }), ['1001']);
    assert.deepEqual(of({ resourceType: 'Flag', subject: { reference: 'Group/1' }, patient: 'Patient/1001' }), []);
  });
});
