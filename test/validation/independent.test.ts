// Our validator against an independent one (@medplum/core, StructureDefinition based):
// the valid CA Baseline examples pass both, and broken resources that both can judge fail both.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/validation/index.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { json, valid } from './fixtures.js';

describe('valid examples pass our validator and @medplum/core', () => {
  for (const [name, make] of Object.entries(valid)) {
    it(name, () => {
      const resource = make();
      assert.deepEqual(validateResource(resource), [], 'our validator');
      assert.deepEqual(medplumValidate(resource), [], '@medplum/core');
    });
  }
});

describe('broken resources fail both validators', () => {
  const cases: [string, () => object][] = [
    ['unknown element', () => ({ ...valid.patient(), shoeSize: 42 })],
    ['app-2 start without end', () => { const a = json(valid.appointment()); a.status = 'proposed'; delete a.end; return a; }],
    ['ait-1 no clinicalStatus', () => { const a = json(valid.allergy()); delete a.clinicalStatus; return a; }],
    ['Immunization without status', () => { const i = json(valid.immunization()); delete i.status; return i; }],
    ['Immunization without patient', () => { const i = json(valid.immunization()); delete i.patient; return i; }],
    ['malformed date', () => ({ ...valid.patient(), birthDate: '80-02-01' })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const resource = make();
      assert.notDeepEqual(validateResource(resource), [], 'our validator');
      assert.notDeepEqual(medplumValidate(resource), [], '@medplum/core');
    });
  }

  it('what only we catch: 1980-02-30, empty strings, wrong required codes', () => {
    for (const broken of [
      { ...valid.patient(), birthDate: '1980-02-30' },
      { ...valid.patient(), gender: 'woman' },
      json({ ...valid.immunization(), status: 'given' }),
    ]) {
      assert.notDeepEqual(validateResource(broken), []);
    }
    assert.deepEqual(medplumValidate({ ...valid.patient(), birthDate: '1980-02-30' }), [], '@medplum/core 4.5 does not check calendar dates; if it starts to, this case can move to the shared list');
  });
});
