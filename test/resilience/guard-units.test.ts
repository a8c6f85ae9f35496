// The guard's building blocks added for resilience: the backstop deadline, and half-open probe
// siblings that wait for the probe's verdict instead of failing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toOperationOutcome } from '../../src/fhir/index.js';
import {
  OscarAuthError, OscarFaultError, OscarProtocolError, OscarTimeoutError, OscarUnavailableError, OscarUnsupportedRequestError,
} from '../../src/oscar/errors.js';
import { CircuitBreaker } from '../../src/oscar/guard/breaker.js';
import { withDeadline } from '../../src/oscar/guard/deadline.js';

describe('withDeadline', () => {
  it('turns a call that never settles into an OscarTimeoutError, at its deadline and not before', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let error: unknown;
    void withDeadline(new Promise(() => {}), 50, 'X.op').catch((e: unknown) => { error = e; });
    const settled = async (): Promise<unknown> => { await new Promise<void>((r) => setImmediate(r)); return error; };
    t.mock.timers.tick(49);
    assert.equal(await settled(), undefined, 'still waiting 1 ms before the deadline');
    t.mock.timers.tick(1);
    const late = await settled();
    assert.ok(late instanceof OscarTimeoutError && late.operation === 'X.op', String(late));
  });

  it('passes results and errors through, and a late failure is not an unhandled rejection', async () => {
    assert.equal(await withDeadline(Promise.resolve(7), 50, 'X.op'), 7);
    await assert.rejects(withDeadline(Promise.reject(new Error('boom')), 50, 'X.op'), /boom/);
    let unhandled = 0;
    const count = (): void => { unhandled++; };
    process.on('unhandledRejection', count);
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30));
    await assert.rejects(withDeadline(late, 5, 'X.op'), OscarTimeoutError);
    await new Promise((r) => setTimeout(r, 60));
    process.off('unhandledRejection', count);
    assert.equal(unhandled, 0);
  });
});

describe('CircuitBreaker with probe waiters', () => {
  const opened = (now: { t: number }): CircuitBreaker => {
    const b = new CircuitBreaker('soap:X', { failureThreshold: 1, cooldownMs: 1000, now: () => now.t, maxProbeWaiters: 2 });
    b.failure();
    now.t += 1000;
    return b;
  };

  it('lets siblings of a successful probe through', async () => {
    const now = { t: 0 };
    const b = opened(now);
    assert.equal(b.admit('probe'), undefined);
    const sibling = b.admit('sibling');
    assert.ok(sibling instanceof Promise);
    b.success();
    await sibling;
    assert.equal(b.state, 'closed');
  });

  it('fails them with circuit-open when the probe fails, and refuses beyond the waiter bound', async () => {
    const now = { t: 0 };
    const b = opened(now);
    b.admit('probe');
    const waiting = [b.admit('a'), b.admit('b')];
    assert.throws(() => b.admit('c'), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'circuit-open');
    b.failure();
    for (const w of waiting) await assert.rejects(w!, (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'circuit-open' && (e.retryAfterSeconds ?? 0) >= 1);
    assert.equal(b.state, 'open');
  });

  it('hands the probe to a waiter when the probe was abandoned locally', async () => {
    const now = { t: 0 };
    const b = opened(now);
    b.admit('probe');
    const next = b.admit('next');
    b.abandon();
    await next; // it is the probe now
    assert.ok(b.admit('third') instanceof Promise, 'still one probe at a time: the next caller waits');
  });
});

describe('upstream trouble → status and OperationOutcome code', () => {
  it('maps every OSCAR failure class, with no internals in the diagnostics', () => {
    const cases: [unknown, number, string][] = [
      [new OscarTimeoutError('DemographicService.getDemographic', 10_000), 504, 'timeout'],
      [new OscarUnavailableError('rest:getDemographic', 'connection', { code: 'ECONNREFUSED' }), 503, 'transient'],
      [new OscarUnavailableError('rest:getDemographic', 'circuit-open', { retryAfterSeconds: 7 }), 503, 'transient'],
      [new OscarUnavailableError('rest:getDemographic', 'queue-full', { retryAfterSeconds: 1 }), 503, 'transient'],
      [new OscarProtocolError('rest:getDemographic', 'HTTP 200 body is not JSON'), 502, 'exception'],
      [new OscarAuthError('rest:getDemographic', 'invalid_signature'), 502, 'exception'],
      [new OscarFaultError('DemographicService.getDemographic', { faultCode: 'soap:Server', upstreamMessage: 'java.lang.NullPointerException' }), 502, 'exception'],
      [new OscarUnsupportedRequestError('rest:quickSearch', 'non-ASCII query'), 400, 'not-supported'],
    ];
    for (const [err, status, code] of cases) {
      const m = toOperationOutcome(err);
      assert.equal(m.status, status, String(err));
      assert.equal(m.outcome.issue[0]?.code, code);
      assert.equal(m.bug, false, 'upstream trouble is not our bug');
      assert.doesNotMatch(JSON.stringify(m.outcome), /Service|rest:|ECONN|Exception|ASCII|signature/);
    }
    assert.equal(toOperationOutcome(cases[2]![0]).headers['retry-after'], '7');
    assert.match(toOperationOutcome(cases[1]![0]).headers['retry-after'] ?? '', /^\d+$/, 'a 503 always says when to retry');
  });

  it('names what the operator should check for each credential failure', () => {
    assert.match(new OscarAuthError('rest:x', 'invalid_signature').hint, /SECRET.*revoked.*300 s/);
    assert.match(new OscarAuthError('rest:x', 'clock skew?').hint, /NTP/);
    assert.match(new OscarAuthError('rest:x', 'invalid_consumer').hint, /OSCAR_CONSUMER_KEY/);
    assert.match(new OscarAuthError('LoginService.login2', 'login_failed').hint, /OSCAR_SOAP_PASSWORD/);
    assert.match(new OscarAuthError('rest:x', 'something_new').hint, /credentials/);
  });
});
