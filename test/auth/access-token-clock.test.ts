// The access-token verifier at exact instants and while the issuer's key set is in trouble, on a
// mocked wall clock: a remembered token stops at the millisecond its `exp` names, `iat` may be
// ahead by the clock tolerance counted in whole seconds, and after a failed key fetch unknown keys
// get a 503 at once for exactly the cooldown while keys fetched before still verify. Also the
// caller a token names: opaque tokens, the last-request shortcut, `patient`, `system/` and `typ`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { AccessTokenVerifier, type ExternalIssuerOptions } from '../../src/auth/access-token.js';
import type { AuthContext } from '../../src/auth/context.js';
import { isFhirError } from '../../src/fhir/index.js';
import { keyPair, type KeyPair } from './fixture.js';

const AUD = 'https://fhir.example.org/fhir';
/** A whole second of the mocked wall clock (2027-01-15T08:00:00Z). */
const T = 1_800_000_000;

/** A key-set endpoint the test takes down and brings back, counting its requests. */
interface KeySet { issuer: string; jwksUrl: string; up: boolean; fetches: number; close(): Promise<void> }

async function startKeySet(keys: () => KeyPair[]): Promise<KeySet> {
  const server = createServer((_req, res) => {
    set.fetches++;
    if (!set.up) return void res.writeHead(500).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys().map((k) => k.publicJwk) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const set: KeySet = {
    issuer: `${origin}/realm`, jwksUrl: `${origin}/certs`, up: true, fetches: 0,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
  return set;
}

interface Minted { iat?: number; exp?: number; typ?: string }

/** A token of `set`'s issuer signed with `key`; iat/exp in epoch seconds (default: T − 5 and T + 300). */
function mint(set: KeySet, key: KeyPair, claims: JWTPayload = {}, o: Minted = {}): Promise<string> {
  return new SignJWT({ azp: 'smart-app', scope: 'user/*.rs', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: o.typ ?? 'JWT' })
    .setIssuer(set.issuer).setAudience(AUD).setSubject('user-7').setJti(randomUUID())
    .setIssuedAt(o.iat ?? T - 5).setExpirationTime(o.exp ?? T + 300)
    .sign(key.privateKey);
}

/** What the verifier answers, as one line a client could tell apart. */
async function outcome(v: AccessTokenVerifier, authorization: string | undefined): Promise<string> {
  let ctx: AuthContext;
  try {
    ctx = await v.verify(authorization);
  } catch (e) {
    if (!isFhirError(e)) throw e;
    const www = e.headers['www-authenticate'] ?? '';
    const description = /error_description="([^"]*)"/.exec(www)?.[1];
    if (e.status === 401) return `401 ${description ?? `(${www})`}`;
    return `${e.status} retry-after=${e.headers['retry-after']} ${e.message}`;
  }
  const scopes = (ctx.scopes ?? []).map((s) => `${s.context}/${s.type}`).join(' ');
  return `accepted client=${ctx.clientId} patient=${ctx.patient ?? '-'} scopes=${scopes}`;
}

const verifier = (set: KeySet, o: Partial<ExternalIssuerOptions> = {}): AccessTokenVerifier =>
  new AccessTokenVerifier({ audience: AUD, external: { issuer: set.issuer, jwksUrl: set.jwksUrl, ...o } });

describe('AccessTokenVerifier on a mocked clock', () => {
  let key: KeyPair;
  let twin: KeyPair;
  let stranger: KeyPair;
  let published: KeyPair[];
  let set: KeySet;
  const at = (ms: number): void => { mock.timers.setTime(ms); };

  before(async () => {
    key = await keyPair('ES256');
    const other = await keyPair('ES256');
    // A second key published under the same kid: the verifier cannot tell which one is meant.
    twin = { ...other, kid: key.kid, publicJwk: { ...other.publicJwk, kid: key.kid } };
    stranger = await keyPair('ES256');
    published = [key];
    set = await startKeySet(() => published);
  });
  after(async () => { await set.close(); });
  afterEach(() => { mock.timers.reset(); set.up = true; published = [key]; });

  const clock = (ms: number): void => { mock.timers.enable({ apis: ['Date'], now: ms }); };

  it('refuses a remembered token from the very millisecond its exp names (no clock tolerance)', async () => {
    clock(T * 1000);
    const exp = T + 60;
    const h = `Bearer ${await mint(set, key, {}, { exp })}`;
    const served = verifier(set, { clockToleranceSeconds: 0 });
    assert.match(await outcome(served, h), /^accepted/);
    at(exp * 1000 - 1);
    assert.match(await outcome(served, h), /^accepted/, 'served from memory one millisecond before');
    at(exp * 1000);
    assert.equal(await outcome(served, h), '401 the token has expired', 'the same header as the request before');

    at(T * 1000);
    const remembered = verifier(set, { clockToleranceSeconds: 0 });
    assert.match(await outcome(remembered, h), /^accepted/);
    at(exp * 1000);
    assert.equal(await outcome(remembered, h), '401 the token has expired', 'looked up in memory, not the last request');
  });

  it('verifies a remembered token again once the key set that verified it is ten minutes old', async () => {
    clock(T * 1000);
    const v = verifier(set);
    const before = set.fetches;
    assert.match(await outcome(v, `Bearer ${await mint(set, key, {}, { exp: T + 3600 })}`), /^accepted/, 'fetches the key set');
    at(T * 1000 + 300_000);
    const later = `Bearer ${await mint(set, key, {}, { exp: T + 3600 })}`;
    assert.match(await outcome(v, later), /^accepted/, 'verified with the key set fetched five minutes ago');
    at(T * 1000 + 600_000 - 1);
    assert.match(await outcome(v, later), /^accepted/);
    assert.equal(set.fetches, before + 1, 'the key set is still fresh');
    at(T * 1000 + 600_000);
    assert.match(await outcome(v, later), /^accepted/);
    assert.equal(set.fetches, before + 2, 'verified against a key set fetched anew');
  });

  it('a key the issuer withdrew stops verifying remembered tokens as soon as the key set is fetched again', async () => {
    clock(T * 1000);
    const v = verifier(set);
    const h = `Bearer ${await mint(set, key)}`;
    assert.match(await outcome(v, h), /^accepted/);
    assert.match(await outcome(v, h), /^accepted/, 'remembered');
    published = [stranger];
    at(T * 1000 + 31_000);
    assert.match(await outcome(v, `Bearer ${await mint(set, stranger)}`), /^accepted/, 'the new key: the key set is fetched again');
    assert.equal(await outcome(v, h), '401 the token is signed with an unknown key');
  });

  it('accepts an iat up to the clock tolerance ahead, counted from the current whole second', async () => {
    clock(T * 1000 + 500);
    const v = verifier(set);
    assert.match(await outcome(v, `Bearer ${await mint(set, key, {}, { iat: T + 10 })}`), /^accepted/, '10 s ahead of 08:00:00.500');
    assert.equal(await outcome(v, `Bearer ${await mint(set, key, {}, { iat: T + 11 })}`), '401 the token is not valid yet (issued in the future)');
  });

  it('after a failed key fetch: known keys verify, unknown keys get a 503 at once for exactly the cooldown', async () => {
    clock(T * 1000);
    const v = verifier(set, { failureCooldownMs: 1_500 });
    const before = set.fetches;
    assert.match(await outcome(v, `Bearer ${await mint(set, key)}`), /^accepted/);
    assert.equal(set.fetches, before + 1);

    set.up = false;
    const down = T * 1000 + 31_000; // past jose's own 30 s between fetches for an unknown kid
    at(down);
    const unavailable = "503 retry-after=2 The authorization server's signing keys cannot be fetched right now";
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), unavailable, 'the fetch fails: Retry-After is 1.5 s rounded up');
    assert.equal(set.fetches, before + 2);
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), unavailable, 'another unknown key during the cooldown');
    assert.match(await outcome(v, `Bearer ${await mint(set, key, { jti: 'second' })}`), /^accepted/, 'a new token signed with a key fetched before');
    at(down + 1_499);
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), unavailable);
    assert.equal(set.fetches, before + 2, 'no fetch during the cooldown');
    at(down + 1_500);
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), unavailable);
    assert.equal(set.fetches, before + 3, 'fetched again once the cooldown is over');

    set.up = true;
    at(down + 3_000);
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), '401 the token is signed with an unknown key', 'the issuer is back');
  });

  it('an unknown key with the issuer up does not start the cooldown', async () => {
    clock(T * 1000);
    const v = verifier(set, { failureCooldownMs: 60_000 });
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), '401 the token is signed with an unknown key');
    at(T * 1000 + 31_000);
    const fetches = set.fetches;
    assert.equal(await outcome(v, `Bearer ${await mint(set, stranger)}`), '401 the token is signed with an unknown key');
    assert.equal(set.fetches, fetches + 1, 'the unknown key was looked up at the issuer again');
  });

  it('two published keys under one kid: not verified, with the issuer up or cooling down', async () => {
    clock(T * 1000);
    published = [key, twin];
    const v = verifier(set);
    assert.equal(await outcome(v, `Bearer ${await mint(set, twin)}`), '401 the token could not be verified');
    set.up = false;
    at(T * 1000 + 31_000);
    assert.match(await outcome(v, `Bearer ${await mint(set, stranger)}`), /^503 /);
    assert.equal(await outcome(v, `Bearer ${await mint(set, twin)}`), '401 the token could not be verified', 'during the cooldown too');
  });

  it('serves the last request\'s shortcut only to the very same Authorization header', async () => {
    clock(T * 1000);
    const v = verifier(set);
    const a = `Bearer ${await mint(set, key, { scope: 'patient/*.rs', patient: '1001' })}`;
    const b = `Bearer ${await mint(set, key, { scope: 'patient/*.rs', patient: '1002' })}`;
    const seen = [];
    for (const h of [a, a, b, b, a]) seen.push(await outcome(v, h));
    assert.deepEqual(seen.map((s) => /patient=(\S+)/.exec(s)?.[1]), ['1001', '1001', '1002', '1002', '1001']);
  });

  it('the patient claim: a FHIR id string, and present whenever a patient/ scope is', async () => {
    clock(T * 1000);
    const v = verifier(set);
    const say = async (claims: JWTPayload): Promise<string> => outcome(v, `Bearer ${await mint(set, key, claims)}`);
    assert.equal(await say({ scope: 'patient/*.rs', patient: 1001 as unknown as string }), '401 the patient claim is not a FHIR id');
    assert.equal(await say({ scope: 'patient/Patient.rs' }), '401 patient/ scopes need a patient claim (the SMART launch context)');
    assert.equal(await say({ scope: 'user/Observation.rs patient/Patient.rs' }), '401 patient/ scopes need a patient claim (the SMART launch context)');
    assert.equal(await say({ scope: 'user/Observation.rs', patient: '1001' }), 'accepted client=smart-app patient=1001 scopes=user/Observation');
  });

  it('system/ scopes only when the issuer is allowed them, even beside other scopes', async () => {
    clock(T * 1000);
    const refused = '401 system/ scopes are not accepted from this issuer (SMART_EXTERNAL_SYSTEM_SCOPES)';
    const byDefault = verifier(set);
    assert.equal(await outcome(byDefault, `Bearer ${await mint(set, key, { scope: 'system/Patient.rs' })}`), refused);
    assert.equal(await outcome(byDefault, `Bearer ${await mint(set, key, { scope: 'user/Patient.rs system/Observation.rs' })}`), refused);
    assert.equal(await outcome(verifier(set, { systemScopes: true }), `Bearer ${await mint(set, key, { scope: 'user/Patient.rs system/Observation.rs' })}`),
      'accepted client=smart-app patient=- scopes=user/Patient system/Observation');
  });

  it('typ at+jwt in its media-type form, in any case; scp entries that are not strings are skipped', async () => {
    clock(T * 1000);
    const v = verifier(set);
    for (const typ of ['application/at+jwt', 'Application/AT+JWT']) {
      assert.match(await outcome(v, `Bearer ${await mint(set, key, {}, { typ })}`), /^accepted/, typ);
    }
    assert.equal(await outcome(v, `Bearer ${await mint(set, key, { scope: undefined, scp: ['user/Patient.rs', 7, 'user/Observation.rs'] })}`),
      'accepted client=smart-app patient=- scopes=user/Patient user/Observation');
  });

  it('the client is client_id, else azp, else sub, skipping empty ones', async () => {
    clock(T * 1000);
    const v = verifier(set);
    const client = async (claims: JWTPayload): Promise<string | undefined> => /client=(\S+)/.exec(await outcome(v, `Bearer ${await mint(set, key, claims)}`))?.[1];
    assert.equal(await client({ client_id: 'c-1' }), 'c-1');
    assert.equal(await client({ client_id: '' }), 'smart-app');
    assert.equal(await client({ client_id: '', azp: '' }), 'user-7');
  });
});

describe('AccessTokenVerifier without an external issuer', () => {
  const ctx: AuthContext = { kind: 'token', clientId: 'app-1', scopes: [], issuer: 'local' };
  const asked: string[] = [];
  const local = { find: async (t: string) => { asked.push(t); return t === 'opaque-1' ? ctx : undefined; } };

  it('looks opaque tokens up in its own store, and nothing else', async () => {
    const v = new AccessTokenVerifier({ audience: AUD, local });
    assert.equal(await outcome(v, 'Bearer opaque-1'), 'accepted client=app-1 patient=- scopes=');
    assert.equal(await outcome(v, 'Bearer opaque-2'), '401 the token is unknown, expired or revoked');
    const jwt = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.c2ln`;
    assert.equal(await outcome(v, `Bearer ${jwt}`), '401 the token comes from an unknown issuer');
    assert.deepEqual(asked, ['opaque-1', 'opaque-2'], 'a JWT is never looked up in the store');
    assert.equal(await outcome(new AccessTokenVerifier({ audience: AUD }), 'Bearer opaque-1'), '401 the token is not a valid JWT', 'no store');
  });

  it('no credentials: a 401 without an error code (RFC 6750 §3.1)', async () => {
    const v = new AccessTokenVerifier({ audience: AUD, local });
    for (const h of [undefined, '', '   ']) assert.equal(await outcome(v, h), '401 (Bearer realm="oscar-fhir")', JSON.stringify(h));
  });
});
