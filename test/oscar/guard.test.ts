import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import type { OscarClientOptions, OscarCallEvent } from '../../src/oscar/options.js';
import { OscarFaultError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { CircuitBreaker } from '../../src/oscar/guard/breaker.js';
import { Limiter } from '../../src/oscar/guard/limiter.js';
import { backoffMs } from '../../src/oscar/guard/retry.js';
import { sendJson, startFake } from './fake-http.js';
import type { FakeHandler, FakeServer } from './fake-http.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const AUTH = { oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }, soap: { userName: 'u', password: 'p' } };

describe('OscarClient protection of OSCAR', () => {
  let server: FakeServer;
  let handler: FakeHandler = (_req, res) => { res.writeHead(503).end(); };
  const clients: OscarClient[] = [];
  const make = (o: Partial<OscarClientOptions>): OscarClient => {
    const c = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', ...AUTH, retryBaseMs: 1, ...o });
    clients.push(c);
    return c;
  };

  before(async () => { server = await startFake((req, res) => handler(req, res)); });
  after(async () => { for (const c of clients) c.close(); await server.close(); });

  it('retries idempotent reads on 5xx (2 retries by default) but never writes', async () => {
    handler = (_req, res) => { res.writeHead(503, { 'Content-Type': 'text/html' }).end('busy'); };
    const events: OscarCallEvent[] = [];
    const c = make({ onCall: (e) => events.push(e), breaker: { failureThreshold: 100 } });
    const before = server.requests.length;
    await assert.rejects(c.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarFaultError && e.upstreamStatus === 503);
    assert.equal(server.requests.length - before, 3, 'one call + 2 retries');
    assert.deepEqual(events.at(-1) && { op: events.at(-1)?.operation, outcome: events.at(-1)?.outcome, attempts: events.at(-1)?.attempts },
      { op: 'rest:getDemographicBasic', outcome: 'fault', attempts: 3 });

    const mid = server.requests.length;
    await assert.rejects(c.restCreateDemographic({ lastName: 'X' }), OscarFaultError);
    await assert.rejects(c.restUpdateDemographic({ demographicNo: 1, lastName: 'X' }), OscarFaultError);
    assert.equal(server.requests.length - mid, 2, 'writes are sent exactly once');
  });

  it('does not retry 4xx answers, and succeeds when a retry does', async () => {
    const c = make({ breaker: { failureThreshold: 100 } });
    handler = (_req, res) => { res.writeHead(400).end('bad'); };
    let n = server.requests.length;
    await assert.rejects(c.restGetDemographicBasic(1), OscarFaultError);
    assert.equal(server.requests.length - n, 1);

    let calls = 0;
    handler = (_req, res) => { if (++calls === 1) res.socket?.destroy(); else sendJson(res, 200, { demographicNo: 1 }); };
    n = server.requests.length;
    assert.equal((await c.restGetDemographicBasic(1))?.demographicNo, 1);
    assert.equal(calls, 2);
  });

  it('opens the circuit after N consecutive failures, answers at once, probes after the cooldown, and closes on success', async () => {
    let now = 1_000_000;
    const c = make({ retries: 0, breaker: { failureThreshold: 2, cooldownMs: 5000 }, now: () => now });
    handler = (_req, res) => { res.writeHead(502, { 'Content-Type': 'text/html' }).end('proxy'); };
    await assert.rejects(c.restGetDemographicBasic(1), OscarFaultError);
    await assert.rejects(c.restGetDemographicBasic(1), OscarFaultError);
    assert.equal(c.breakerState('rest'), 'open');

    const sent = server.requests.length;
    await assert.rejects(c.restGetDemographicBasic(1), (e: unknown) =>
      e instanceof OscarUnavailableError && e.reason === 'circuit-open' && e.retryAfterSeconds === 5 && toOperationOutcome(e).status === 503);
    assert.equal(server.requests.length, sent, 'nothing sent while open');
    assert.equal(c.breakerState('soap:DemographicService'), 'closed', 'families are independent');

    now += 5000;
    assert.equal(c.breakerState('rest'), 'half-open');
    await assert.rejects(c.restGetDemographicBasic(1), OscarFaultError); // failed probe
    assert.equal(c.breakerState('rest'), 'open');

    now += 5000;
    handler = (_req, res) => sendJson(res, 200, { demographicNo: 1 });
    assert.equal((await c.restGetDemographicBasic(1))?.demographicNo, 1);
    assert.equal(c.breakerState('rest'), 'closed');
  });

  it('does not count application faults (4xx, auth) against the circuit', async () => {
    const c = make({ retries: 0, breaker: { failureThreshold: 1, cooldownMs: 5000 } });
    handler = (_req, res) => { res.writeHead(404).end(); };
    await assert.rejects(c.restGetDemographicBasic(1), OscarFaultError);
    assert.equal(c.breakerState('rest'), 'closed');
  });

  it('bounds concurrency and rejects at once when the wait queue is full', async () => {
    const c = make({ maxInFlight: 1, maxQueue: 1, retries: 0 });
    const pending: (() => void)[] = [];
    let inFlightAtServer = 0;
    let maxSeen = 0;
    handler = (_req, res) => {
      inFlightAtServer++;
      maxSeen = Math.max(maxSeen, inFlightAtServer);
      pending.push(() => { inFlightAtServer--; sendJson(res, 200, { demographicNo: 1 }); });
    };
    const a = c.restGetDemographicBasic(1);
    const b = c.restGetDemographicBasic(2);
    await assert.rejects(c.restGetDemographicBasic(3), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'queue-full' && e.retryAfterSeconds === 1);
    assert.deepEqual(c.load(), { inFlight: 1, queued: 1, slots: 1 });
    while (pending.length < 1) await new Promise((r) => setTimeout(r, 5));
    pending.shift()?.();
    while (pending.length < 1) await new Promise((r) => setTimeout(r, 5));
    pending.shift()?.();
    assert.equal((await a)?.demographicNo, 1);
    assert.equal((await b)?.demographicNo, 1);
    assert.equal(maxSeen, 1);
    assert.deepEqual(c.load(), { inFlight: 0, queued: 0, slots: 1 });
  });
});

describe('guard building blocks', () => {
  it('Limiter resized down starts no call until those in flight are below the new bound; resized up starts waiters at once', async () => {
    const l = new Limiter({ maxInFlight: 4, maxQueue: 5, maxWaitMs: 5_000 });
    const held = await Promise.all([1, 2, 3, 4].map(() => l.acquire('op')));
    l.resize(2);
    let started = 0;
    const waiting = [l.acquire('op'), l.acquire('op')].map((p) => p.then((release) => { started++; return release; }));
    held[0]!();
    held[1]!();
    await new Promise((r) => setImmediate(r));
    assert.equal(started, 0, 'two still in flight: the bound of 2 is full');
    held[2]!();
    await new Promise((r) => setImmediate(r));
    assert.equal(started, 1);
    assert.equal(l.inFlight, 2);
    l.resize(3);
    await new Promise((r) => setImmediate(r));
    assert.equal(started, 2, 'the waiter started as soon as the bound grew');
    assert.equal(l.inFlight, 3);
    held[3]!();
    for (const release of await Promise.all(waiting)) release();
    assert.equal(l.inFlight, 0);
  });

  it('Limiter gives up on a waiter after maxWaitMs', async () => {
    const l = new Limiter({ maxInFlight: 1, maxQueue: 5, maxWaitMs: 30 });
    const release = await l.acquire('a');
    await assert.rejects(l.acquire('b'), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'queue-timeout');
    assert.equal(l.queued, 0);
    release();
    assert.equal(l.inFlight, 0);
  });

  it('CircuitBreaker lets exactly one probe through when half-open', () => {
    let now = 0;
    const b = new CircuitBreaker('rest', { failureThreshold: 1, cooldownMs: 1000, now: () => now });
    b.admit('x');
    b.failure();
    assert.throws(() => b.admit('x'), OscarUnavailableError);
    now = 1000;
    b.admit('probe');
    assert.throws(() => b.admit('second'), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'circuit-open');
    b.success();
    b.admit('after');
    assert.equal(b.state, 'closed');
  });

  it('backoff is jittered and capped', () => {
    assert.equal(backoffMs(3, 100, 500, () => 1), 500);
    assert.equal(backoffMs(1, 100, 5000, () => 0.5), 100);
    assert.equal(backoffMs(0, 100, 5000, () => 0), 0);
  });
});
