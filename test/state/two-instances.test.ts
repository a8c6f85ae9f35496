// Two facade instances behind a round-robin load balancer, sharing their state on PostgreSQL
// (STATE_DATABASE_URL, a real server started by the test) and one OSCAR (the simulator): what a
// client must not be able to tell from one instance — a write through one is read back through
// the other at once, an assertion used on one is refused by the other, concurrent If-Match
// writes through both give one 412, one change-feed poller — and both ride out a database outage.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { SignJWT } from 'jose';
import { createFacade, type Facade } from '../../src/app.js';
import { connectionFromCredentials, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { openPostgresState } from '../../src/state/postgres/index.js';
import { keyPair, startIssuer, type Issuer, type KeyPair } from '../auth/fixture.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js';

const OPS_TOKEN = 'ops-token-for-tests-0123456789';
const CLIENT = 'booking-rs';

let db: TestPostgres;
let sim: Simulator;
let lb: RoundRobin;
let dir: string;
let clientKey: KeyPair;
let issuer: Issuer;
let a: Facade;
let b: Facade;
const ports: number[] = [];
let base = '';

async function instance(): Promise<Facade> {
  const credentials = demoCredentials({});
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: base, VALIDATION_MODE: 'strict', LOG_LEVEL: 'silent', OSCAR_TIMEZONE: sim.store.timezone,
    CAPABILITY_DISCOVERY: 'false', CHANGE_POLL_SECONDS: '1', READY_CACHE_MS: '0', OPS_TOKEN,
    AUTH_MODE: 'smart', SMART_CLIENTS_FILE: join(dir, 'clients.json'), SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_EXTERNAL_SYSTEM_SCOPES: 'true', BULK_DIR: join(dir, `bulk-${randomUUID()}`),
  });
  const state = await openPostgresState({ url: db.url, clinic: 'default' });
  const f = createFacade(config, connectionFromCredentials(sim.url, credentials), createLogger('silent'), { state });
  ports.push(await f.listen());
  return f;
}

before(async () => {
  db = await startPostgres();
  sim = await startSimulator({ port: 0, credentials: demoCredentials({}) });
  lb = await startRoundRobin();
  base = `http://127.0.0.1:${lb.port}/fhir`;
  dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-two-'));
  issuer = await startIssuer(() => base);
  clientKey = await keyPair('ES384');
  writeFileSync(join(dir, 'clients.json'), JSON.stringify({ clients: [{ client_id: CLIENT, scope: 'system/*.cruds', jwks: { keys: [clientKey.publicJwk] } }] }));
  a = await instance();
  b = await instance();
  lb.setTargets(ports);
});

after(async () => {
  await a?.close();
  await b?.close();
  await lb?.close();
  await sim?.close();
  await db?.close();
  await issuer?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lbOrigin = (): string => `http://127.0.0.1:${lb.port}`;
const direct = (f: Facade): string => `http://127.0.0.1:${ports[f === a ? 0 : 1]}`;
const tokenUrl = (): string => `${base}/auth/token`;

async function assertion(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: clientKey.kid, typ: 'JWT' })
    .setIssuer(CLIENT).setSubject(CLIENT).setAudience(tokenUrl()).setExpirationTime(now + 240).setIssuedAt(now).setJti(randomUUID())
    .sign(clientKey.privateKey);
}

async function tokenFrom(origin: string, jwt: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${origin}/fhir/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/Patient.cruds', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }).toString(),
  });
  return { status: r.status, body: await r.json() as Record<string, unknown> };
}

/** An external issuer's token (checked against its keys, no shared state needed) for the FHIR calls. */
let token = '';
/** A token this server issued (opaque, looked up in the shared state on every request). */
let localToken = '';
async function fhir(origin: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; etag: string | null; text: string }> {
  const r = await fetch(`${origin}/fhir${path}`, { ...init, headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json', authorization: `Bearer ${token}`, ...init.headers as Record<string, string> } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, etag: r.headers.get('etag'), text };
}
/** Patients OSCAR will store again as they are (a full birth date, active), one per test. */
const writable = (n: number): string => String(sim.store.data.demographics
  .filter((d) => d.demographicNo > 1040 && d.patientStatus === 'AC' && d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)[n]!.demographicNo);
const withFamily = (p: Patient, family: string): Patient => ({ ...p, name: [{ ...p.name![0], family }, ...p.name!.slice(1)] });

describe('two instances sharing their state on PostgreSQL', () => {
  it('a client assertion used on one instance is refused by the other; the token works on both', async () => {
    // Through the balancer: the token endpoint checks the assertion's audience against the public URL.
    const jwt = await assertion();
    lb.log.length = 0;
    const first = await tokenFrom(lbOrigin(), jwt);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const replay = await tokenFrom(lbOrigin(), jwt);
    assert.notEqual(lb.log[0], lb.log[1], 'the two token requests went to different instances');
    assert.equal(replay.status, 401, JSON.stringify(replay.body));
    assert.equal(replay.body.error, 'invalid_client');
    const issued = String(first.body.access_token);
    localToken = issued;
    for (const f of [a, b]) {
      const read = await fetch(`${direct(f)}/fhir/Patient/1001`, { headers: { authorization: `Bearer ${issued}` } });
      assert.equal(read.status, 200, 'both instances accept the token one issued (one token store)');
    }
    token = await issuer.token({ scope: 'system/Patient.cruds' });
  });

  it('a write through A is seen by the very next read through B (its cached copy was evicted before A answered)', async () => {
    const id = writable(0);
    const fromB = await fhir(direct(b), `/Patient/${id}`);
    assert.equal(fromB.status, 200);
    assert.equal((await fhir(direct(b), `/Patient/${id}`)).text, fromB.text, 'B has it cached');
    for (const family of ['ONE', 'TWO']) {
      // Through the balancer: a read, then the write, then the very next read goes to the other instance.
      lb.log.length = 0;
      const before = await fhir(lbOrigin(), `/Patient/${id}`);
      const write = await fhir(lbOrigin(), `/Patient/${id}`, { method: 'PUT', body: JSON.stringify(withFamily(before.body as Patient, family)) });
      assert.equal(write.status, 200, write.text);
      const next = await fhir(lbOrigin(), `/Patient/${id}`);
      assert.notEqual(lb.log[1], lb.log[2], 'the write and the next read went to different instances');
      assert.equal(next.body.name[0].family, family);
    }
  });

  it('concurrent If-Match writes of one version through A and B: one 200, one 412', async () => {
    const id = writable(1);
    const current = await fhir(direct(a), `/Patient/${id}`);
    // OSCAR slow to store, so both writes check their version before either is stored.
    const rule = sim.faults.add({ match: { path: /\/ws\/services\/demographics/, method: 'PUT' }, mode: 'latency', latencyMs: 400 });
    try {
      const put = (f: Facade, family: string) => fhir(direct(f), `/Patient/${id}`, {
        method: 'PUT', headers: { 'if-match': current.etag! }, body: JSON.stringify(withFamily(current.body as Patient, family)),
      });
      const results = await Promise.all([put(a, 'RACEA'), put(b, 'RACEB')]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 412], results.map((r) => r.text).join('\n'));
    } finally { sim.faults.remove(rule); }
  });

  it('one change-feed poller per clinic', async () => {
    await sleep(3_000);
    const polled = [a, b].map((f) => f.cache.lastChangePoll() > 0);
    assert.deepEqual(polled.filter(Boolean).length, 1, `exactly one instance polls OSCAR (A ${polled[0]}, B ${polled[1]})`);
  });

  it('cache misses through both instances give OSCAR at most OSCAR_MAX_IN_FLIGHT calls at once: the bound is the clinic\'s, split between them', async () => {
    // Each instance alone may use all 4 (the default): without the split the two reach 8.
    assert.deepEqual([a, b].map((f) => f.state.membership.place().count), [2, 2], 'each instance counts the other');
    for (const f of [a, b]) {
      const metrics = await (await fetch(`${direct(f)}/metrics`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })).text();
      assert.match(metrics, /^oscar_call_slots 2$/m, 'each instance holds half of the default 4');
    }
    const rule = sim.faults.add({ match: {}, mode: 'latency', latencyMs: 50 });
    try {
      sim.stats.reset();
      const cold = sim.store.data.demographics.filter((d) => d.patientStatus === 'AC').slice(60, 100).map((d) => d.demographicNo);
      const reads = await Promise.all(cold.map((id) => fhir(lbOrigin(), `/Patient/${id}`)));
      assert.deepEqual(reads.map((r) => r.status).filter((s) => s !== 200), []);
      const most = sim.stats.snapshot().maxInFlight;
      assert.ok(most <= 4, `OSCAR saw ${most} calls at once`);
      assert.ok(most >= 3, `both instances called OSCAR at the same time (most at once: ${most})`);
    } finally { sim.faults.remove(rule); }
  });

  it('the database stopped: reads go on, writes and tokens are clean 503s, readiness says why; restarted: both recover without a restart', async () => {
    const id = writable(2);
    const cached = await fhir(direct(a), `/Patient/${id}`);
    await fhir(direct(b), `/Patient/${id}`);
    await db.stop();
    for (const f of [a, b]) {
      const ready = await fetch(`${direct(f)}/readyz`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { checks: Record<string, string> }).checks.state, 'unreachable');
    }
    // Every instance has noticed (its listener is gone): its cache was dropped, and writes are refused.
    for (const f of [a, b]) {
      const end = Date.now() + 10_000;
      while (Date.now() < end) { try { f.state.invalidation.assertConnected(); await sleep(50); } catch { break; } }
    }
    assert.equal((await fhir(direct(a), `/Patient/${id}`)).status, 200, 'a read needs no shared state');
    assert.equal((await fhir(direct(a), `/Patient/${id}`)).text, (await fhir(direct(a), `/Patient/${id}`)).text);
    assert.equal((await fhir(direct(b), '/Patient/1005')).status, 200);
    const refused = await fhir(direct(b), `/Patient/${id}`, { method: 'PUT', body: JSON.stringify(withFamily(cached.body as Patient, 'DOWN')) });
    assert.equal(refused.status, 503, refused.text);
    assert.ok(Number((await fetch(`${direct(b)}/fhir/Patient/${id}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${token}` }, body: JSON.stringify(cached.body) })).headers.get('retry-after')) >= 1);
    assert.notEqual((await fhir(direct(a), `/Patient/${id}`)).body.name[0].family, 'DOWN', 'nothing was written');
    const tokenDown = await tokenFrom(lbOrigin(), await assertion());
    assert.equal(tokenDown.status, 503, `no token without the state: ${JSON.stringify(tokenDown.body)}`);
    const localDown = await fetch(`${direct(a)}/fhir/Patient/1001`, { headers: { authorization: `Bearer ${localToken}` } });
    assert.equal(localDown.status, 503, 'a token of this server cannot be looked up: 503, not 401 or 500');

    await db.start();
    for (const f of [a, b]) {
      const end = Date.now() + 30_000;
      let status = 0;
      while (Date.now() < end && status !== 200) {
        status = (await fetch(`${direct(f)}/readyz`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })).status;
        if (status !== 200) await sleep(200);
      }
      assert.equal(status, 200, 'ready again, without a restart');
    }
    const end = Date.now() + 10_000;
    while (Date.now() < end) { try { a.state.invalidation.assertConnected(); b.state.invalidation.assertConnected(); break; } catch { await sleep(50); } }
    const before = await fhir(direct(b), `/Patient/${id}`);
    const write = await fhir(direct(a), `/Patient/${id}`, { method: 'PUT', body: JSON.stringify(withFamily(before.body as Patient, 'BACK')) });
    assert.equal(write.status, 200, write.text);
    assert.equal((await fhir(direct(b), `/Patient/${id}`)).body.name[0].family, 'BACK');
    assert.equal((await tokenFrom(lbOrigin(), await assertion())).status, 200);
  });
});
