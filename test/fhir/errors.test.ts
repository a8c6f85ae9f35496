// FhirError constructors and the single error → OperationOutcome mapping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fhir from '../../src/fhir/index.js';
import { FhirError, toOperationOutcome } from '../../src/fhir/index.js';
import { OscarAuthError, OscarFaultError, OscarProtocolError, OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';

describe('FhirError constructors', () => {
  const table: [FhirError, number, string][] = [
    [fhir.badRequest('x'), 400, 'invalid'], [fhir.invalidStructure('x'), 400, 'structure'], [fhir.invalidValue('x'), 400, 'value'],
    [fhir.notSupported('x'), 400, 'not-supported'], [fhir.unauthorized('x'), 401, 'login'], [fhir.forbidden('x'), 403, 'forbidden'],
    [fhir.notFound('x'), 404, 'not-found'], [fhir.methodNotAllowed('x', ['GET']), 405, 'not-supported'], [fhir.notAcceptable('x'), 406, 'not-supported'],
    [fhir.conflict('x'), 409, 'conflict'], [fhir.gone('x'), 410, 'deleted'], [fhir.preconditionFailed('x'), 412, 'conflict'],
    [fhir.payloadTooLarge('x'), 413, 'too-long'], [fhir.unsupportedMediaType('x'), 415, 'not-supported'],
    [fhir.unprocessable('x'), 422, 'processing'], [fhir.businessRule('x'), 422, 'business-rule'], [fhir.invariant('x'), 422, 'invariant'],
    [fhir.tooManyRequests('x', 2.2), 429, 'throttled'], [fhir.badGateway('x'), 502, 'exception'], [fhir.serviceUnavailable('x'), 503, 'transient'],
    [fhir.gatewayTimeout('x'), 504, 'timeout'],
  ];
  for (const [err, status, code] of table) {
    it(`${status} ${code}`, () => {
      const m = toOperationOutcome(err);
      assert.equal(m.status, status);
      assert.equal(m.outcome.issue[0]?.code, code);
      assert.equal(m.outcome.issue[0]?.diagnostics, 'x');
      assert.equal(m.bug, false);
    });
  }
  it('headers: Allow, WWW-Authenticate, Retry-After', () => {
    assert.equal(toOperationOutcome(fhir.methodNotAllowed('x', ['GET', 'PUT'])).headers.allow, 'GET, PUT');
    assert.equal(toOperationOutcome(fhir.unauthorized('x', 'Bearer error="invalid_token"')).headers['www-authenticate'], 'Bearer error="invalid_token"');
    assert.equal(toOperationOutcome(fhir.tooManyRequests('x', 2.2)).headers['retry-after'], '3');
  });
  it('several issues, with expressions, for a 422', () => {
    const m = toOperationOutcome(fhir.unprocessable([
      { severity: 'error', code: 'required', diagnostics: 'a', expression: ['Patient.name'] },
      { severity: 'error', code: 'value', diagnostics: 'b', expression: ['Patient.gender'] },
    ]));
    assert.equal(m.status, 422);
    assert.deepEqual(m.outcome.issue.map((i) => i.expression?.[0]), ['Patient.name', 'Patient.gender']);
  });
});

describe('OSCAR and other errors', () => {
  it('OSCAR client errors map by class name, without upstream details', () => {
    const cases: [unknown, number, string][] = [
      [new OscarTimeoutError('rest:getDemographic', 5000), 504, 'timeout'],
      [new OscarUnavailableError('soap:x', 'connection', { code: 'ECONNREFUSED' }), 503, 'transient'],
      [new OscarProtocolError('rest:getDemographic', 'bad JSON'), 502, 'exception'],
      [new OscarAuthError('rest:getDemographic', 'invalid_signature'), 502, 'exception'],
      [new OscarFaultError('rest:quickSearch', { upstreamStatus: 500, upstreamMessage: 'SMITH' }), 502, 'exception'],
    ];
    for (const [err, status, code] of cases) {
      const m = toOperationOutcome(err);
      assert.equal(m.status, status);
      assert.equal(m.outcome.issue[0]?.code, code);
      assert.doesNotMatch(JSON.stringify(m.outcome), /rest:|soap:|ECONN|SMITH|signature|JSON/);
    }
  });
  it('Retry-After from the error, else the default', () => {
    assert.equal(toOperationOutcome(new OscarUnavailableError('x', 'queue-full', { retryAfterSeconds: 4 })).headers['retry-after'], '4');
    assert.equal(toOperationOutcome(new OscarUnavailableError('x', 'connection')).headers['retry-after'], String(fhir.DEFAULT_RETRY_AFTER_SECONDS));
  });
  it('duck-typed by name: no dependency on the class', () => {
    assert.equal(toOperationOutcome({ name: 'OscarTimeoutError', message: 'x' }).status, 504);
    assert.equal(toOperationOutcome(Object.assign(new Error('t'), { name: 'TimeoutError' })).status, 504);
  });
  it('body-parser errors from the adapter', () => {
    assert.equal(toOperationOutcome({ type: 'entity.parse.failed', status: 400 }).status, 400);
    assert.equal(toOperationOutcome({ type: 'entity.too.large', status: 413 }).outcome.issue[0]?.code, 'too-long');
    assert.equal(toOperationOutcome({ type: 'charset.unsupported' }).status, 415);
  });
  it('anything else is a 500 "internal error" flagged as a bug', () => {
    for (const e of [new Error('secret detail'), 'a string', null, undefined, 42]) {
      const m = toOperationOutcome(e);
      assert.equal(m.status, 500);
      assert.equal(m.bug, true);
      assert.deepEqual(m.outcome, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'internal error' }] });
    }
  });
});
