// One client cannot crowd out the others: neither OSCAR's slots and queue (a per-client share in
// the limiter) nor the request rate limit (keyed by client and user). Over real HTTP where the
// review reproduced it, and on the limiter itself for the accounting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OscarUnavailableError } from '../../src/oscar/errors.js';
import { asCaller } from '../../src/oscar/guard/caller.js';
import { clientKey, rateLimitKey } from '../../src/http/rate-limit.js';
import { Limiter } from '../../src/oscar/guard/limiter.js';
import { startSecureStack } from './fixture.js';

const ids = (from: number): string => Array.from({ length: 100 }, (_, i) => from + i).join(',');

describe('per-client share of OSCAR\'s slots and queue', () => {
  it('a client holding its share is refused at once; other clients and calls outside requests still get in', async () => {
    const l = new Limiter({ maxInFlight: 1, maxQueue: 10, maxWaitMs: 5_000, maxPerCaller: 3 });
    const budget = (e: unknown): boolean => e instanceof OscarUnavailableError && e.reason === 'caller-budget';
    const a1 = await asCaller('a', () => l.acquire('x')); // in flight
    const a2 = asCaller('a', () => l.acquire('x')); // waiting
    const a3 = asCaller('a', () => l.acquire('x')); // waiting
    await assert.rejects(asCaller('a', () => l.acquire('x')), budget, 'a fourth call of a is over its share');
    const b = asCaller('b', () => l.acquire('x'));
    const background = l.acquire('x'); // e.g. the change feed: no caller, no share
    assert.equal(l.queued, 4);
    a1(); // a2 runs: a still holds a2 and a3
    (await a2)(); // a3 runs: a holds one
    const a4 = asCaller('a', () => l.acquire('x'));
    const a5 = asCaller('a', () => l.acquire('x'));
    await assert.rejects(asCaller('a', () => l.acquire('x')), budget, 'a3, a4 and a5 make three again');
    (await a3)();
    (await b)();
    (await background)();
    (await a4)();
    (await a5)();
    assert.deepEqual([l.inFlight, l.queued], [0, 0]);
    (await asCaller('a', () => l.acquire('x')))();
  });

  it('a waiter that times out gives its place in the share back', async () => {
    const l = new Limiter({ maxInFlight: 1, maxQueue: 10, maxWaitMs: 20, maxPerCaller: 2 });
    const release = await asCaller('a', () => l.acquire('x'));
    await assert.rejects(asCaller('a', () => l.acquire('x')), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'queue-timeout');
    const next = asCaller('a', () => l.acquire('x'));
    release();
    (await next)();
  });

  it('four 100-id searches by one client do not get another client\'s read a 503', async () => {
    // A heavy but allowed load: 100 ids per search, the default in-flight and queue bounds.
    const s = await startSecureStack({ env: { OSCAR_MAX_IN_FLIGHT: '4', OSCAR_MAX_QUEUE: '200', LIMIT_SEARCH_IDS: '100', CACHE_MAX_BYTES: '0' } });
    try {
      s.sim.faults.add({ match: { operation: 'getAppointment2' }, mode: 'latency', latencyMs: 20 });
      const attacker = await s.backendToken('system/*.rs', s.clients.es);
      const victim = await s.issuer.token({ scope: 'patient/*.rs', patient: '1001', sub: 'victim', azp: 'portal' });
      await s.as(victim, '/Patient/1001'); // set-up calls (WSDL, login) out of the way
      let settled = 0;
      const attack = [0, 1, 2, 3].map((k) => s.as(attacker, `/Appointment?_id=${ids(7000 + k * 100)}`).finally(() => { settled++; }));
      // The victim asks once the attack has reached the limiter: the queue is full, or the
      // requests over the attacker's share have been refused.
      for (let waited = 0; waited < 5_000 && s.facade.oscar.load().queued < 190 && settled < 3; waited += 5) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const read = await s.as(victim, '/AllergyIntolerance?patient=1001');
      assert.equal(read.status, 200, read.text.slice(0, 200));
      const statuses = (await Promise.all(attack)).map((r) => r.status);
      assert.ok(statuses.includes(503), `the client over its share is the one told to retry: ${statuses}`);
    } finally { await s.close(); }
  });

  it('a patient/Appointment.s token\'s 100-id searches cost no call per id', async () => {
    const s = await startSecureStack({ env: { LIMIT_SEARCH_IDS: '100', CACHE_MAX_BYTES: '0' } });
    try {
      s.sim.faults.add({ match: { operation: 'getAppointment2' }, mode: 'latency', latencyMs: 20 });
      const attacker = await s.issuer.token({ scope: 'patient/Appointment.s', patient: '1005', azp: 'attacker' });
      const victim = await s.issuer.token({ scope: 'patient/*.rs', patient: '1001', azp: 'victim' });
      s.sim.stats.reset();
      const attack = [0, 1, 2, 3].map((k) => s.as(attacker, `/Appointment?_id=${ids(7000 + k * 100)}`));
      await new Promise((r) => setTimeout(r, 30));
      assert.equal((await s.as(victim, '/AllergyIntolerance?patient=1001')).status, 200);
      assert.deepEqual((await Promise.all(attack)).map((r) => r.status), [200, 200, 200, 200]);
      assert.equal(s.sim.stats.count('ScheduleService.getAppointment2'), 0);
    } finally { await s.close(); }
  });
});

describe('rate limit per client and user', () => {
  it('keys a token by client and user (sub, else patient); without a token by address, with no client share', () => {
    const portal = (subject?: string, patient?: string) => ({ kind: 'token', clientId: 'portal', ...(subject && { subject }), ...(patient && { patient }) });
    assert.notEqual(clientKey(portal('a')), clientKey(portal('b')));
    assert.notEqual(clientKey(portal(undefined, '1001')), clientKey(portal(undefined, '1002')));
    assert.equal(clientKey(portal('a', '1001')), clientKey(portal('a', '1002')), 'one user is one user, whichever chart is open');
    assert.equal(clientKey({ kind: 'anonymous' }), undefined);
    assert.equal(rateLimitKey({ kind: 'anonymous' }, '10.0.0.7'), 'ip:10.0.0.7');
    assert.equal(rateLimitKey(portal('a'), '10.0.0.7'), clientKey(portal('a')));
  });

  it('one patient of a shared app cannot use up another patient\'s allowance', async () => {
    const s = await startSecureStack({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const a = await s.issuer.token({ scope: 'patient/*.rs', patient: '1001', sub: 'patient-a', azp: 'portal' });
      const b = await s.issuer.token({ scope: 'patient/*.rs', patient: '1002', sub: 'patient-b', azp: 'portal' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await s.as(a, '/Patient/1001')).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal((await s.as(b, '/Patient/1002')).status, 200, 'patient B of the same app is not throttled');
      const a2 = await s.issuer.token({ scope: 'patient/*.rs', patient: '1001', sub: 'patient-a', azp: 'portal' });
      assert.equal((await s.as(a2, '/Patient/1001')).status, 429, 'a new token of the same user shares the allowance');
    } finally { await s.close(); }
  });
});
