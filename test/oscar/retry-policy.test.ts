import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OscarFaultError, OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { isTransient, isUpstreamFailure } from '../../src/oscar/guard/retry.js';

test("OSCAR's own 500 error page is an answer: not retried, not counted against the breaker", () => {
  const page500 = new OscarFaultError('rest:getDemographic', { upstreamStatus: 500 });
  assert.equal(isTransient(page500), false);
  assert.equal(isUpstreamFailure(page500), false);
});

test('gateway answers, timeouts and dropped connections are transient', () => {
  for (const status of [502, 503, 504]) assert.equal(isTransient(new OscarFaultError('rest:x', { upstreamStatus: status })), true);
  assert.equal(isTransient(new OscarTimeoutError('rest:x', 1000)), true);
  assert.equal(isTransient(new OscarUnavailableError('rest:x', 'connection')), true);
});

test('SOAP faults are answers, never retried', () => {
  assert.equal(isTransient(new OscarFaultError('DemographicService.getDemographic', { upstreamStatus: 500, faultCode: 'soap:Server' })), false);
});
