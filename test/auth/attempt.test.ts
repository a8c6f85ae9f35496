// The scope check made before a request body is read: a token with no permission at all for the
// attempted interaction is refused with the 403 the router would give, naming the scope it needs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refuseWithoutScope } from '../../src/auth/attempt.js';
import type { AuditFacts, AuthContext } from '../../src/auth/context.js';
import { parseScopes } from '../../src/auth/scopes.js';
import { isFhirError } from '../../src/fhir/index.js';

const token = (scope: string, patient?: string): AuthContext => ({ kind: 'token', scopes: parseScopes(scope).resource, ...(patient && { patient }) });

/** The refusal as [status, needed scope from WWW-Authenticate, audit denial], or 'allowed'. */
function outcome(auth: unknown, type: string, attempt: 'c' | 'u' | 's' | 'any'): string | [number, string, string | undefined] {
  const facts = {} as AuditFacts;
  try {
    refuseWithoutScope(auth, type, attempt, facts);
    return 'allowed';
  } catch (e) {
    if (!isFhirError(e)) throw e;
    const header = String(e.headers?.['www-authenticate'] ?? '');
    return [e.status, /scope="([^"]*)"/.exec(header)?.[1] ?? '', facts.denial];
  }
}

describe('refusal before the body is read', () => {
  it('lets through a token with the attempted permission, or with any permission on the type for "any"', () => {
    assert.equal(outcome(token('system/Patient.c'), 'Patient', 'c'), 'allowed');
    assert.equal(outcome(token('user/*.u'), 'Appointment', 'u'), 'allowed');
    assert.equal(outcome(token('system/Patient.s'), 'Patient', 's'), 'allowed');
    for (const p of ['c', 'r', 'u', 'd', 's']) assert.equal(outcome(token(`system/Patient.${p}`), 'Patient', 'any'), 'allowed', p);
  });

  it('refuses a token without it (403), naming the scope it needs in its context and the denial for the audit record', () => {
    assert.deepEqual(outcome(token('system/Patient.rs'), 'Patient', 'c'), [403, 'system/Patient.c', 'insufficient_scope Patient.c']);
    assert.deepEqual(outcome(token('user/Patient.rs'), 'Patient', 'u'), [403, 'user/Patient.u', 'insufficient_scope Patient.u']);
    assert.deepEqual(outcome(token('patient/Patient.rs', '1001'), 'Appointment', 's'), [403, 'patient/Appointment.s', 'insufficient_scope Appointment.s']);
    assert.deepEqual(outcome(token('system/Patient.cruds'), 'Appointment', 'any'), [403, 'system/Appointment.r', 'insufficient_scope Appointment.cruds']);
  });

  it('answers 401 without a token', () => {
    assert.deepEqual(outcome(undefined, 'Patient', 'c'), [401, '', 'no access token']);
    assert.deepEqual(outcome({ kind: 'anonymous' }, 'Patient', 'c'), [401, '', 'no access token']);
  });
});

describe('what the refusal before the body says', () => {
  const diagnostics = (auth: unknown, type: string, attempt: 'c' | 'u' | 's' | 'any'): string => {
    try {
      refuseWithoutScope(auth, type, attempt);
    } catch (e) {
      if (isFhirError(e)) return `${e.status} ${e.issues[0]?.diagnostics}`;
      throw e;
    }
    return 'allowed';
  };

  it('names what the token may not do and the scope it needs, with or without audit facts', () => {
    assert.equal(diagnostics(token('system/Patient.r'), 'Patient', 'c'), '403 This access token may not create Patient (needs system/Patient.c)');
    assert.equal(diagnostics(token('system/Patient.r'), 'Patient', 'u'), '403 This access token may not update Patient (needs system/Patient.u)');
    assert.equal(diagnostics(token('system/Patient.r'), 'Patient', 's'), '403 This access token may not search Patient (needs system/Patient.s)');
    assert.equal(diagnostics(token('user/Patient.r'), 'Appointment', 'any'), '403 This access token may not use Appointment (needs user/Appointment.r)');
    assert.equal(diagnostics(token('system/Patient.r user/Patient.r'), 'Appointment', 'c'), '403 This access token may not create Appointment (needs user/Appointment.c)', 'any user/ scope makes it a user context');
    assert.equal(diagnostics({ kind: 'token' }, 'Patient', 'c'), '403 This access token may not create Patient (needs system/Patient.c)', 'a token with no scopes');
    assert.equal(diagnostics(undefined, 'Patient', 'c'), '401 This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration');
    assert.equal(diagnostics(token('system/Patient.c'), 'Patient', 'c'), 'allowed');
  });
});
