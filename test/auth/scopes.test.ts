import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessFor, formatScope, intersectScopes, parseScope, parseScopes } from '../../src/auth/scopes.js';

const scopes = (s: string) => parseScopes(s).resource;

describe('SMART scope grammar (v2 and v1)', () => {
  it('parses v2 permission letters in c r u d s order only', () => {
    assert.deepEqual([...parseScope('patient/Observation.rs')!.perms], ['r', 's']);
    assert.deepEqual([...parseScope('user/Appointment.cruds')!.perms], ['c', 'r', 'u', 'd', 's']);
    assert.equal(parseScope('system/Patient.sr'), undefined, 'out of order');
    assert.equal(parseScope('system/Patient.rr'), undefined, 'repeated');
    assert.equal(parseScope('system/Patient.'), undefined, 'empty');
    assert.equal(parseScope('system/Patient.x'), undefined);
    assert.equal(parseScope('clinic/Patient.r'), undefined, 'unknown context');
    assert.equal(parseScope('system/patient.r'), undefined, 'type names start upper-case');
  });

  it('maps v1 .read / .write / .* onto v2 letters', () => {
    assert.equal(formatScope(parseScope('patient/*.read')!), 'patient/*.rs');
    assert.equal(formatScope(parseScope('user/Patient.write')!), 'user/Patient.cud');
    assert.equal(formatScope(parseScope('system/Immunization.*')!), 'system/Immunization.cruds');
  });

  it('never grants granular query scopes and sorts identity scopes apart', () => {
    const p = parseScopes('patient/Observation.rs?category=laboratory openid fhirUser launch/patient offline_access bogus');
    assert.deepEqual(p.resource, []);
    assert.deepEqual(p.other, ['openid', 'fhirUser', 'launch/patient', 'offline_access']);
    assert.deepEqual(p.ignored, ['patient/Observation.rs?category=laboratory', 'bogus']);
  });

  it('decides access: user/system scopes reach everything, patient/ only the compartment', () => {
    const s = scopes('patient/*.rs user/Practitioner.r system/Immunization.s');
    assert.equal(accessFor(s, 'Patient', 'r'), 'compartment');
    assert.equal(accessFor(s, 'Practitioner', 'r'), 'all');
    assert.equal(accessFor(s, 'Immunization', 's'), 'all');
    assert.equal(accessFor(s, 'Immunization', 'r'), 'compartment');
    assert.equal(accessFor(s, 'Patient', 'c'), undefined);
    assert.equal(accessFor(s, 'Patient', 'u'), undefined);
  });

  it('narrows a token request to what the client is registered for, never widening', () => {
    const allowed = scopes('system/*.rs system/Appointment.cu');
    assert.deepEqual(intersectScopes(scopes('system/Patient.cruds'), allowed).map(formatScope), ['system/Patient.rs']);
    assert.deepEqual(intersectScopes(scopes('system/Appointment.*'), allowed).map(formatScope), ['system/Appointment.crus']);
    assert.deepEqual(intersectScopes(scopes('system/*.read'), allowed).map(formatScope), ['system/*.rs']);
    assert.deepEqual(intersectScopes(scopes('system/*.write'), allowed).map(formatScope), ['system/Appointment.cu']);
    assert.deepEqual(intersectScopes(scopes('system/Patient.d patient/*.rs'), allowed), []);
    const narrow = scopes('system/Immunization.rs');
    assert.deepEqual(intersectScopes(scopes('system/*.rs'), narrow).map(formatScope), ['system/Immunization.rs']);
  });
});
