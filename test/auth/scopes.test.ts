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

describe('SMART scopes: the edges', () => {
  it('a suffix named like an object property is not a permission (no 500 on "patient/Patient.constructor")', () => {
    const p = parseScopes('patient/Patient.constructor user/*.toString system/*.valueOf user/Patient.hasOwnProperty');
    assert.deepEqual(p.resource, []);
    assert.deepEqual(p.ignored, ['patient/Patient.constructor', 'user/*.toString', 'system/*.valueOf', 'user/Patient.hasOwnProperty']);
  });

  it('splits on any whitespace, takes a list or nothing, and tells launch contexts from other words', () => {
    const p = parseScopes(' \topenid\n user/Patient.rs  launch/encounter launch/Patient profile online_access ');
    assert.deepEqual(p.resource.map(formatScope), ['user/Patient.rs']);
    assert.deepEqual(p.other, ['openid', 'launch/encounter', 'profile', 'online_access']);
    assert.deepEqual(p.ignored, ['launch/Patient']);
    assert.deepEqual(parseScopes(['system/Patient.rs', '', 'launch']), { resource: [parseScope('system/Patient.rs')], other: ['launch'], ignored: [] });
    assert.deepEqual(parseScopes(undefined), { resource: [], other: [], ignored: [] });
  });

  it('formats permissions in c r u d s order whatever the set\'s order', () => {
    assert.equal(formatScope({ context: 'user', type: 'Patient', perms: new Set(['s', 'd', 'r', 'c'] as const) }), 'user/Patient.crds');
  });

  it('access: a user/ scope anywhere in the list beats a patient/ one, wildcards and exact types alike', () => {
    assert.equal(accessFor(scopes('patient/Patient.r user/Patient.r'), 'Patient', 'r'), 'all');
    assert.equal(accessFor(scopes('patient/*.r user/Observation.r'), 'Patient', 'r'), 'compartment');
    assert.equal(accessFor(scopes('user/Observation.r'), 'Patient', 'r'), undefined);
    assert.equal(accessFor(scopes('user/*.s'), 'Patient', 'r'), undefined);
    assert.equal(accessFor([], 'Patient', 'r'), undefined);
  });

  it('narrowing merges what several registered scopes allow, and drops only what a wildcard grant already covers', () => {
    const merged = intersectScopes(scopes('system/*.cruds'), scopes('system/Patient.r system/Patient.s'));
    assert.deepEqual(merged.map(formatScope), ['system/Patient.rs']);
    assert.deepEqual(intersectScopes(scopes('system/*.rs system/Patient.rs'), scopes('system/*.rs')).map(formatScope), ['system/*.rs']);
    assert.deepEqual(intersectScopes(scopes('system/*.r system/Patient.rs'), scopes('system/*.rs')).map(formatScope), ['system/*.r', 'system/Patient.rs']);
    assert.deepEqual(intersectScopes(scopes('patient/*.rs user/Patient.rs'), scopes('patient/*.rs user/*.rs')).map(formatScope), ['patient/*.rs', 'user/Patient.rs']);
    assert.deepEqual(intersectScopes(scopes('user/Patient.rs'), scopes('user/Observation.rs')), []);
  });
});
