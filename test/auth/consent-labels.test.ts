// The consent page's words for each scope an app asks for.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { scopeLabel } from '../../src/auth/server/pages.js';

it('puts resource scopes in words, v1 and v2 suffixes alike, and leaves other scopes as they are', () => {
  assert.equal(scopeLabel('patient/Immunization.rs'), 'read, search Immunization records of the selected patient');
  assert.equal(scopeLabel('patient/Immunization.read'), 'read, search Immunization records of the selected patient');
  assert.equal(scopeLabel('user/*.write'), 'create, update, delete all records you can see in OSCAR');
  assert.equal(scopeLabel('user/Appointment.*'), 'create, read, update, delete, search Appointment records you can see in OSCAR');
  assert.equal(scopeLabel('user/Patient.cu'), 'create, update Patient records you can see in OSCAR');
  assert.equal(scopeLabel('patient/Patient.rx'), 'read Patient records of the selected patient', 'an unknown letter adds no word');
  for (const s of ['openid', 'launch/patient', 'system/Patient.rs', 'patient/Patient', 'offline_access']) assert.equal(scopeLabel(s), s);
});
