// Each way OSCAR fails, driven through the simulator's fault injection, and what the FHIR client
// sees: timeout → 504, reset / refused → 503 with Retry-After, garbage or a SOAP fault → 502 — each
// a clean OperationOutcome — and normal service as soon as OSCAR behaves again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { startSimulator } from '../../src/sim/server.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { assertOutcome } from './support.js';

const DEMOGRAPHIC_SOAP = '/ws/DemographicService';

describe('upstream failures become clean 5xx OperationOutcomes, and service recovers', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { OSCAR_TIMEOUT_MS: '250', OSCAR_RETRIES: '2', OSCAR_BREAKER_THRESHOLD: '1000', CACHE_MAX_BYTES: '0' } });
    assert.equal((await stack.fhir('/Patient/1001')).status, 200); // warm: WSDLs and the SOAP login
  });
  after(async () => { await stack.close(); });

  it('a hung OSCAR is a 504 (timeout) after bounded retries, then reads work again', async () => {
    const rule = stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP }, mode: 'timeout' });
    const t0 = Date.now();
    const r = await stack.fhir('/Patient/1002');
    const took = Date.now() - t0;
    const hits = stack.sim.faults.list().find((f) => f.id === rule)?.hits ?? 0;
    stack.sim.faults.remove(rule);
    assertOutcome(r, 504, 'timeout');
    assert.ok(hits >= 3, `the read was retried (${hits} attempts)`);
    assert.ok(took < 3_000, `bounded: ${took} ms`);
    assert.equal((await stack.fhir('/Patient/1002')).status, 200);
  });

  it('a reset connection is a 503 (transient) with Retry-After', async () => {
    const rule = stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP }, mode: 'reset' });
    const r = await stack.fhir('/Patient/1003');
    stack.sim.faults.remove(rule);
    assertOutcome(r, 503, 'transient');
    assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal((await stack.fhir('/Patient/1003')).status, 200);
  });

  it('one reset is absorbed by a retry: the client sees a 200', async () => {
    stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP }, mode: 'reset', times: 1 });
    const r = await stack.fhir('/Patient/1004');
    assert.equal(r.status, 200);
    assert.equal(stack.sim.faults.list().length, 0, 'the fault was hit');
  });

  it('a truncated (garbage) answer is a 502 (exception)', async () => {
    const rule = stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP }, mode: 'garbage' });
    const r = await stack.fhir('/Patient/1005');
    stack.sim.faults.remove(rule);
    assertOutcome(r, 502, 'exception');
    assert.equal((await stack.fhir('/Patient/1005')).status, 200);
  });

  it('a SOAP fault (HTTP 500) is a 502 and is not retried: OSCAR answered', async () => {
    // getDemographic2 is part of every Patient read (complete-record.ts).
    stack.sim.stats.reset();
    const rule = stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP, operation: 'getDemographic2' }, mode: 'soapFault' });
    const r = await stack.fhir('/Patient/1006');
    const hits = stack.sim.faults.list().find((f) => f.id === rule)?.hits;
    stack.sim.faults.remove(rule);
    assertOutcome(r, 502, 'exception');
    assert.equal(hits, 1, JSON.stringify(stack.sim.stats.snapshot()));
  });

  it('a slow OSCAR within the timeout is just slow', async () => {
    const rule = stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP }, mode: 'latency', latencyMs: 80 });
    const r = await stack.fhir('/Patient/1007');
    stack.sim.faults.remove(rule);
    assert.equal(r.status, 200);
  });

  it('a search hit by upstream trouble is a clean 5xx too', async () => {
    const rule = stack.sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP }, mode: 'garbage' });
    const r = await stack.fhir('/Patient?family=DOE');
    stack.sim.faults.remove(rule);
    assertOutcome(r, 502, 'exception');
  });
});

describe('OSCAR down (connection refused) and back up', () => {
  it('answers 503 with Retry-After while OSCAR is down, then serves again (with a fresh SOAP login)', async () => {
    const stack = await startStack({ env: { OSCAR_TIMEOUT_MS: '500', OSCAR_BREAKER_THRESHOLD: '1000', READY_CACHE_MS: '0', CACHE_MAX_BYTES: '0' } });
    let sim2: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      assert.equal((await stack.fhir('/Patient/1001')).status, 200);
      const port = stack.sim.port;
      const logins = stack.facade.oscar.login2Count;
      await stack.sim.close();
      const down = await stack.fhir('/Patient/1001');
      assertOutcome(down, 503, 'transient');
      assert.match(down.headers.get('retry-after') ?? '', /^\d+$/);
      const ready = await fetch(stack.base.replace(/\/fhir$/, '/readyz'));
      assert.equal(ready.status, 503);

      // OSCAR restarts on the same port: a new JVM, so the old SOAP token is dead (contract 7.18).
      sim2 = await startSimulator({ port, credentials: stack.sim.options.credentials });
      const up = await stack.fhir('/Patient/1001');
      assert.equal(up.status, 200);
      assert.equal(up.body.id, '1001');
      assert.equal(stack.facade.oscar.login2Count, logins + 1, 'exactly one re-login');
      assert.equal((await fetch(stack.base.replace(/\/fhir$/, '/readyz'))).status, 200);
    } finally {
      await stack.facade.close();
      await sim2?.close();
    }
  });
});

describe('OscarClient retry policy against the simulator', () => {
  it('retries an idempotent read exactly OSCAR_RETRIES times, with the per-call timeout', async () => {
    const sim = await startSimulator({ port: 0 });
    const c = sim.options.credentials;
    const client = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone, timeoutMs: 150, retries: 2, retryBaseMs: 5, breaker: { failureThreshold: 100 },
      oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
      soap: { userName: c.soapUserName, password: c.soapPassword },
    });
    try {
      assert.equal((await client.soapGetDemographic(1001))?.demographicNo, 1001);
      sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP, operation: 'getDemographic' }, mode: 'timeout' });
      await assert.rejects(client.soapGetDemographic(1001), OscarTimeoutError);
      assert.equal(sim.faults.list()[0]?.hits, 3, '1 attempt + 2 retries');
      sim.faults.clear();
      sim.faults.add({ match: { path: DEMOGRAPHIC_SOAP, operation: 'getDemographic' }, mode: 'reset' });
      await assert.rejects(client.soapGetDemographic(1001), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'connection');
      assert.equal(sim.faults.list()[0]?.hits, 3);
    } finally {
      client.close();
      await sim.close();
    }
  });
});
