// Every typed OSCAR failure, as the FHIR client sees it: the status, issue code, words,
// Retry-After and WWW-Authenticate that fhir/outcome.ts answers (the one place that decides
// them, design principle 4), against a table written out here. The walk covers every OscarError
// class src/oscar/errors.ts exports and every UnavailableReason, so a class or reason added there
// fails this test until a row says what it answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toOperationOutcome } from '../../src/fhir/outcome.js';
import * as errors from '../../src/oscar/errors.js';
import { OscarError, UNAVAILABLE_REASONS, type UnavailableReason } from '../../src/oscar/errors.js';

interface Row { status: number; code: string; diagnostics: string; retryAfter?: string; wwwAuthenticate?: string }

const UNAVAILABLE: Row = { status: 503, code: 'transient', diagnostics: 'The EMR is temporarily unavailable. Retry later.', retryAfter: '10' };
const COULD_NOT_SERVE: Row = { status: 502, code: 'exception', diagnostics: 'The EMR could not serve this request.' };

/** Each OscarError class by name: one instance (with a message naming OSCAR) and what it answers. */
const CLASSES: Record<string, { make: () => OscarError; row: Row }> = {
  OscarTimeoutError: { make: () => new errors.OscarTimeoutError('rest:getDemographic', 100), row: { status: 504, code: 'timeout', diagnostics: 'The EMR did not answer in time. Retry later.' } },
  OscarUnavailableError: { make: () => new errors.OscarUnavailableError('rest:getDemographic', 'connection', { code: 'ECONNREFUSED' }), row: UNAVAILABLE },
  OscarProtocolError: { make: () => new errors.OscarProtocolError('rest:getDemographic', 'bad JSON'), row: COULD_NOT_SERVE },
  OscarAuthError: { make: () => new errors.OscarAuthError('rest:getDemographic', 'invalid_signature'), row: COULD_NOT_SERVE },
  // The signed-in user's own token refused (contract 2.7): the app's token is no good any more (RFC 6750 §3.1).
  OscarSignInEndedError: {
    make: () => new errors.OscarSignInEndedError('rest:getDemographic', 'invalid_signature'),
    row: {
      status: 401, code: 'login', diagnostics: 'Invalid access token: the user\'s sign-in to the EMR has ended; sign in to the app again',
      wwwAuthenticate: 'Bearer realm="oscar-fhir", error="invalid_token", error_description="the user\'s sign-in to the EMR has ended; sign in to the app again"',
    },
  },
  OscarFaultError: { make: () => new errors.OscarFaultError('DemographicService.getDemographic', { faultCode: 'soap:Server', upstreamMessage: 'DOE, JANE' }), row: COULD_NOT_SERVE },
  OscarRedirectError: {
    make: () => new errors.OscarRedirectError('rest:getDemographic', 301, 'https://oscar.example.org/oscar/ws/…', 'https://oscar.example.org/oscar'),
    row: { status: 502, code: 'exception', diagnostics: 'The EMR redirected the facade\'s request to another address; the facade\'s EMR address needs correcting.' },
  },
};

const REASONS: Record<UnavailableReason, Row> = {
  connection: UNAVAILABLE,
  'circuit-open': UNAVAILABLE,
  'queue-full': UNAVAILABLE,
  'queue-timeout': UNAVAILABLE,
  'caller-budget': UNAVAILABLE,
  'rate-limited': UNAVAILABLE,
  proxy: UNAVAILABLE,
  tls: { status: 502, code: 'exception', diagnostics: 'The facade could not establish a trusted connection to the EMR.' },
};

function answered(e: unknown): Row {
  const m = toOperationOutcome(e);
  assert.equal(m.bug, false);
  assert.equal(m.outcome.issue.length, 1);
  const [issue] = m.outcome.issue;
  assert.equal(issue!.severity, 'error');
  return {
    status: m.status, code: issue!.code, diagnostics: issue!.diagnostics ?? '',
    ...(m.headers['retry-after'] !== undefined && { retryAfter: m.headers['retry-after'] }),
    ...(m.headers['www-authenticate'] !== undefined && { wwwAuthenticate: m.headers['www-authenticate'] }),
  };
}

describe('typed OSCAR errors → FHIR answer', () => {
  it('every OscarError class src/oscar/errors.ts exports has a row, and answers it', () => {
    const classes = Object.entries(errors)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof OscarError)
      .map(([name]) => name).sort();
    assert.deepEqual(classes, Object.keys(CLASSES).sort());
    for (const [name, { make, row }] of Object.entries(CLASSES)) {
      const e = make();
      assert.equal(e.name, name);
      assert.deepEqual(answered(e), row, name);
      assert.ok(!toOperationOutcome(e).outcome.issue[0]!.diagnostics!.includes('OSCAR'), `${name}: OSCAR's own message is not copied out`);
    }
  });

  it('every UnavailableReason has a row, and answers it', () => {
    assert.deepEqual([...UNAVAILABLE_REASONS].sort(), Object.keys(REASONS).sort());
    for (const reason of UNAVAILABLE_REASONS) {
      assert.deepEqual(answered(new errors.OscarUnavailableError('rest:getDemographic', reason, { code: 'X', proxy: 'http://proxy.example.org:3128' })), REASONS[reason], reason);
    }
  });

  it('an unavailable OSCAR\'s own Retry-After is answered, rounded up; none on a refused certificate', () => {
    assert.equal(toOperationOutcome(new errors.OscarUnavailableError('op', 'circuit-open', { retryAfterSeconds: 4.2 })).headers['retry-after'], '5');
    assert.equal(toOperationOutcome(new errors.OscarUnavailableError('op', 'tls', { retryAfterSeconds: 4 })).headers['retry-after'], undefined);
  });
});
