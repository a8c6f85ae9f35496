// When OSCAR asks the facade to slow down (variants B8, §7.6: Juno's REST answers 503 after 50
// requests in 10 s; OSCAR or a proxy may answer 429, or 503 with Retry-After): reads wait the time
// asked and try again, a wait longer than the budget is a 503 with Retry-After for the FHIR
// client, writes are never re-sent, and the circuit breaker does not take it for a sick OSCAR.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import type { OscarClientOptions } from '../../src/oscar/options.js';
import type { CapabilityMap } from '../../src/oscar/capabilities/map.js';
import { OscarFaultError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';
import { sendJson, startFake } from './fake-http.js';
import type { FakeHandler, FakeServer } from './fake-http.js';

const AUTH = { oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }, soap: { userName: 'u', password: 'p' } };

const JUNO: CapabilityMap = {
  probedAt: '2026-12-06T12:00:00.000Z', source: 'probe', variant: 'juno',
  soap: { reach: 'ok', operations: {} }, rest: { reach: 'ok', dialect: 'juno-v1' },
  time: { clinicZone: 'America/Toronto', mismatch: false },
};

const busy = (retryAfter?: string, status = 503): FakeHandler => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'text/html', ...(retryAfter !== undefined && { 'Retry-After': retryAfter }) }).end('slow down');
};

describe('OscarClient when OSCAR asks it to slow down', () => {
  let server: FakeServer;
  let handler: FakeHandler = busy();
  const clients: OscarClient[] = [];
  const make = (o: Partial<OscarClientOptions> = {}): OscarClient => {
    const c = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', ...AUTH, retryBaseMs: 1, breaker: { failureThreshold: 1 }, ...o });
    clients.push(c);
    return c;
  };
  /** The first request is answered by `first`, the rest with a patient. */
  const onceThen = (first: FakeHandler): FakeHandler => {
    let n = 0;
    return (req, res) => (n++ === 0 ? first(req, res) : sendJson(res, 200, { demographicNo: 7 }));
  };

  before(async () => { server = await startFake((req, res) => handler(req, res)); });
  after(async () => { for (const c of clients) c.close(); await server.close(); });

  it('waits the Retry-After of a 503 and reads again, without opening the circuit', async () => {
    const c = make();
    handler = onceThen(busy('1'));
    const sent = server.requests.length;
    const t0 = performance.now();
    assert.equal((await c.restGetDemographicBasic(7))?.demographicNo, 7);
    assert.ok(performance.now() - t0 >= 950, 'waited the second asked');
    assert.equal(server.requests.length - sent, 2);
    assert.equal(c.breakerState('rest'), 'closed', 'one failure would have opened it (threshold 1)');
  });

  it('treats a 429 without Retry-After as a request to wait a second', async () => {
    const c = make();
    handler = onceThen(busy(undefined, 429));
    const t0 = performance.now();
    assert.equal((await c.restGetDemographicBasic(7))?.demographicNo, 7);
    assert.ok(performance.now() - t0 >= 950);
  });

  it('answers 503 + Retry-After at once when the wait asked is beyond the budget, and sends nothing more until then', async () => {
    const c = make();
    handler = busy('30');
    const sent = server.requests.length;
    const err = await c.restGetDemographicBasic(7).catch((e: unknown) => e);
    assert.ok(err instanceof OscarUnavailableError);
    assert.equal(err.reason, 'rate-limited');
    assert.equal(err.retryAfterSeconds, 30);
    const again = await c.restGetDemographicBasic(8).catch((e: unknown) => e);
    assert.ok(again instanceof OscarUnavailableError && again.reason === 'rate-limited');
    assert.ok(again.retryAfterSeconds !== undefined && again.retryAfterSeconds <= 30 && again.retryAfterSeconds >= 29);
    assert.equal(server.requests.length - sent, 1, 'the second call never left');
    assert.equal(c.breakerState('rest'), 'closed');
    const fhir = toOperationOutcome(err);
    assert.equal(fhir.status, 503);
    assert.equal(fhir.headers['retry-after'], '30');
  });

  it('never sends a write twice: a rate-limited write is a 503 + Retry-After', async () => {
    const c = make();
    handler = busy('1');
    const sent = server.requests.length;
    const err = await c.restCreateDemographic({ lastName: 'DOE' }).catch((e: unknown) => e);
    assert.ok(err instanceof OscarUnavailableError && err.reason === 'rate-limited' && err.retryAfterSeconds === 1);
    assert.equal(server.requests.length - sent, 1);
  });

  it('reads a bare 503 as Juno\'s rate limit on Juno, and as a sick OSCAR elsewhere', async () => {
    const juno = make({ capabilities: () => JUNO });
    handler = onceThen(busy());
    const t0 = performance.now();
    assert.equal((await juno.restGetDemographicBasic(7))?.demographicNo, 7);
    assert.ok(performance.now() - t0 >= 950);
    assert.equal(juno.breakerState('rest'), 'closed');

    const other = make({ retries: 0 });
    handler = busy();
    await assert.rejects(other.restGetDemographicBasic(7), (e: unknown) => e instanceof OscarFaultError && e.upstreamStatus === 503);
    assert.equal(other.breakerState('rest'), 'open');
  });

  it('gives up after its retries when OSCAR keeps asking: 503 + Retry-After', async () => {
    const c = make({ retries: 1 });
    handler = busy('1');
    const sent = server.requests.length;
    const err = await c.restGetDemographicBasic(7).catch((e: unknown) => e);
    assert.ok(err instanceof OscarUnavailableError && err.reason === 'rate-limited' && err.retryAfterSeconds === 1);
    assert.equal(server.requests.length - sent, 2);
  });
});
