// The 401 and 403 answers of RFC 6750 §3: the WWW-Authenticate header a client acts on (realm,
// error code, description, the scope it needs) and the OperationOutcome beside it. Quotes and
// backslashes are left out of the header's quoted strings, so a description cannot end one early.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insufficientScope, invalidToken, missingToken } from '../../src/auth/errors.js';
import type { FhirError } from '../../src/fhir/index.js';

const answer = (e: FhirError) => ({ status: e.status, issues: e.issues, headers: e.headers });

describe('bearer token errors', () => {
  it('no token: 401 with the realm and no error code (RFC 6750 §3.1)', () => {
    assert.deepEqual(answer(missingToken()), {
      status: 401,
      issues: [{ severity: 'error', code: 'login', diagnostics: 'This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration' }],
      headers: { 'www-authenticate': 'Bearer realm="oscar-fhir"' },
    });
  });

  it('a bad token: 401 invalid_token with the reason', () => {
    assert.deepEqual(answer(invalidToken('the token has expired')), {
      status: 401,
      issues: [{ severity: 'error', code: 'login', diagnostics: 'Invalid access token: the token has expired' }],
      headers: { 'www-authenticate': 'Bearer realm="oscar-fhir", error="invalid_token", error_description="the token has expired"' },
    });
    assert.equal(invalidToken('kid "a\\b" unknown').headers['www-authenticate'], 'Bearer realm="oscar-fhir", error="invalid_token", error_description="kid ab unknown"');
  });

  it('too little scope: 403 insufficient_scope naming the scope that would do', () => {
    assert.deepEqual(answer(insufficientScope('This access token may not read Patient', 'user/Patient.r')), {
      status: 403,
      issues: [{ severity: 'error', code: 'forbidden', diagnostics: 'This access token may not read Patient (needs user/Patient.r)' }],
      headers: { 'www-authenticate': 'Bearer realm="oscar-fhir", error="insufficient_scope", error_description="This access token may not read Patient", scope="user/Patient.r"' },
    });
    assert.match(insufficientScope('x "y"', 'a"b').headers['www-authenticate'] ?? '', /error_description="x y", scope="ab"$/);
  });
});
