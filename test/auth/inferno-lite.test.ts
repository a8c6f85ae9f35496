// The offline part of the Inferno SMART App Launch STU2.2 suite and the ONC (g)(10) SMART tests
// (docs/smart-app-launch.md §6.3), each a named test against the facade with the simulated OSCAR:
// discovery, OpenID Connect, the token response, client authentication (public, symmetric,
// asymmetric), refresh, introspection, revocation, the FHIR API's refusals, limited consent and
// Backend Services, authorization by POST. TLS checks are not reproducible here.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { keyPair, startSecureStack, type KeyPair, type SecureStack } from './fixture.js';
import { launch, redeem, type LaunchResult, DOCTOR } from './launch-flow.js';

const PUBLIC = 'inferno-public';
const SYMMETRIC = 'inferno-symmetric';
const ASYMMETRIC = 'inferno-asymmetric';
const SECRET = 'a-client-secret-of-more-than-32-characters';
const REDIRECT = 'http://localhost:9/inferno/redirect';
const APP_SCOPES = 'launch launch/patient openid fhirUser online_access offline_access patient/*.rs user/*.rs';
const SCOPE = 'launch/patient openid fhirUser offline_access patient/Patient.rs patient/Immunization.rs user/Practitioner.rs';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('Inferno-lite: SMART App Launch STU2.2 and (g)(10), offline', () => {
  let s: SecureStack;
  let rs384: KeyPair;
  let es384: KeyPair;
  let surname = '';
  before(async () => {
    rs384 = await keyPair('RS384');
    es384 = await keyPair('ES384');
    s = await startSecureStack({
      apps: [
        { client_id: PUBLIC, redirect_uris: [REDIRECT], scope: 'launch launch/patient openid fhirUser online_access patient/*.rs user/*.rs' },
        { client_id: SYMMETRIC, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET, scope: APP_SCOPES },
        { client_id: ASYMMETRIC, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [rs384.publicJwk, es384.publicJwk] }, scope: APP_SCOPES },
      ],
    });
    surname = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName;
  });
  after(async () => { await s.close(); });

  const basic = { authorization: `Basic ${Buffer.from(`${SYMMETRIC}:${SECRET}`).toString('base64')}` };
  const post = async (path: string, form: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, headers: res.headers };
  };
  const assertion = (key: KeyPair, o: { jti?: string } = {}) => new SignJWT({}).setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(ASYMMETRIC).setSubject(ASYMMETRIC).setAudience(`${s.base}/auth/token`).setIssuedAt().setExpirationTime('4m').setJti(o.jti ?? randomUUID()).sign(key.privateKey);
  const go = (clientId: string, extra: Partial<Parameters<typeof launch>[0]> = {}): Promise<LaunchResult> =>
    launch({ base: s.base, clientId, redirectUri: REDIRECT, scope: clientId === PUBLIC ? SCOPE.replace(' offline_access', ' online_access') : SCOPE, user: DOCTOR, pick: surname, ...extra });
  const symmetricToken = async () => {
    const r = await go(SYMMETRIC);
    const t = await post('/auth/token', { grant_type: 'authorization_code', code: r.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: r.verifier }, basic);
    assert.equal(t.status, 200, t.text);
    return t.body;
  };

  it('discovery: the well-known configuration is JSON whatever the Accept header', async () => {
    for (const accept of ['text/html', 'application/xml', '*/*']) {
      const res = await fetch(`${s.base}/.well-known/smart-configuration`, { headers: { accept } });
      assert.equal(res.status, 200, accept);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      await res.json();
    }
  });

  it('discovery: required fields, absolute URLs, S256 and never plain, issuer and jwks_uri for sso-openid-connect, string capabilities', async () => {
    const c = await (await fetch(`${s.base}/.well-known/smart-configuration`)).json() as Record<string, unknown>;
    for (const f of ['authorization_endpoint', 'token_endpoint', 'grant_types_supported', 'capabilities', 'code_challenge_methods_supported', 'issuer', 'jwks_uri']) assert.ok(c[f], f);
    for (const f of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint', 'management_endpoint']) assert.doesNotThrow(() => new URL(String(c[f])), f);
    assert.ok((c.code_challenge_methods_supported as string[]).includes('S256'));
    assert.ok(!(c.code_challenge_methods_supported as string[]).includes('plain'));
    assert.ok((c.grant_types_supported as string[]).includes('authorization_code'));
    assert.ok((c.capabilities as unknown[]).every((x) => typeof x === 'string'));
    for (const cap of ['client-confidential-symmetric', 'client-confidential-asymmetric', 'permission-offline', 'context-banner', 'context-style', 'launch-ehr']) {
      assert.ok((c.capabilities as string[]).includes(cap), cap);
    }
    assert.ok((c.token_endpoint_auth_signing_alg_values_supported as string[]).some((a) => a === 'RS384' || a === 'ES384'));
  });

  it('discovery: CORS on the well-known configuration and on metadata for any origin, preflight included', async () => {
    const origin = 'https://inferno.example.org';
    for (const path of ['/.well-known/smart-configuration', '/metadata']) {
      const res = await fetch(`${s.base}${path}`, { headers: { origin } });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('access-control-allow-origin'), '*', path);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, `${path}: public, no credentials`);
      const pre = await fetch(`${s.base}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept' } });
      assert.equal(pre.status, 204, path);
      assert.equal(pre.headers.get('access-control-allow-origin'), '*', path);
      assert.match(pre.headers.get('access-control-allow-methods') ?? '', /GET/, path);
    }
  });

  it('CORS: the FHIR data endpoints answer only the registered apps\' origins, not a foreign one', async () => {
    const t = await symmetricToken();
    const foreign = 'https://inferno.example.org';
    const read = await fetch(`${s.base}/Patient/${String(t.patient)}`, { headers: { authorization: `Bearer ${String(t.access_token)}`, origin: foreign } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('access-control-allow-origin'), null);
    const pre = await fetch(`${s.base}/Patient/${String(t.patient)}`, { method: 'OPTIONS', headers: { origin: foreign, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    const app = new URL(REDIRECT).origin;
    const allowed = await fetch(`${s.base}/Patient/${String(t.patient)}`, { method: 'OPTIONS', headers: { origin: app, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), app);
  });

  it('OpenID Connect: configuration fields with RS256, and an RSA key in the JWKS', async () => {
    const c = await (await fetch(`${s.base}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    for (const f of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported']) assert.ok(c[f], f);
    assert.equal(c.issuer, s.base);
    assert.ok((c.id_token_signing_alg_values_supported as string[]).includes('RS256'));
    const jwks = await (await fetch(String(c.jwks_uri))).json() as { keys: { kty: string }[] };
    assert.ok(jwks.keys.some((k) => k.kty === 'RSA'));
  });

  it('OpenID Connect: the id_token is RS256 with a kid, verifies with the JWKS, has iss, aud, exp, iat and a short sub; fhirUser is readable with CORS', async () => {
    const t = await symmetricToken();
    const jwks = createLocalJWKSet(await (await fetch(`${s.base}/auth/jwks`)).json() as { keys: [] });
    const { payload, protectedHeader } = await jwtVerify(String(t.id_token), jwks, { issuer: s.base, audience: SYMMETRIC, algorithms: ['RS256'] });
    assert.ok(protectedHeader.kid);
    assert.ok(payload.exp && payload.iat);
    assert.ok(typeof payload.sub === 'string' && payload.sub.length > 0 && payload.sub.length < 256);
    const res = await fetch(`${s.base}/${payload.fhirUser as string}`, { headers: { authorization: `Bearer ${String(t.access_token)}`, origin: new URL(REDIRECT).origin } });
    assert.equal(res.status, 200, await res.text());
    assert.equal(res.headers.get('access-control-allow-origin'), new URL(REDIRECT).origin);
  });

  it('token response: fields and types, launch context, Cache-Control no-store and Pragma no-cache', async () => {
    const r = await go(SYMMETRIC);
    const t = await post('/auth/token', { grant_type: 'authorization_code', code: r.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: r.verifier }, basic);
    assert.equal(t.status, 200, t.text);
    assert.equal(typeof t.body.refresh_token, 'string', `offline_access for a confidential client: ${String(t.body.scope)}`);
    assert.equal(typeof t.body.access_token, 'string');
    assert.equal(t.body.token_type, 'Bearer');
    assert.equal(typeof t.body.expires_in, 'number');
    assert.equal(typeof t.body.scope, 'string');
    assert.equal(typeof t.body.patient, 'string');
    assert.equal(typeof t.body.need_patient_banner, 'boolean');
    assert.equal(typeof t.body.refresh_token, 'string');
    assert.equal(typeof t.body.id_token, 'string');
    const style = await fetch(String(t.body.smart_style_url));
    assert.equal(style.status, 200);
    await style.json();
    assert.equal(t.headers.get('cache-control'), 'no-store');
    assert.equal(t.headers.get('pragma'), 'no-cache');
  });

  it('token endpoint: CORS for a public client from its registered origin', async () => {
    const r = await go(PUBLIC);
    const origin = new URL(REDIRECT).origin;
    const pre = await fetch(`${s.base}/auth/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    assert.ok([200, 204].includes(pre.status), String(pre.status));
    const t = await post('/auth/token', { grant_type: 'authorization_code', code: r.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: r.verifier, client_id: PUBLIC }, { origin });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.headers.get('access-control-allow-origin'), origin);
  });

  it('authorize-post: a form POST to the authorization endpoint works over plain http and keeps offline_access (a refresh token comes)', async () => {
    const r = await go(SYMMETRIC, { post: true });
    assert.equal(r.callback.searchParams.get('state'), r.state);
    const t = await post('/auth/token', { grant_type: 'authorization_code', code: r.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: r.verifier }, basic);
    assert.equal(t.status, 200, t.text);
    assert.ok(String(t.body.scope).split(' ').includes('offline_access'), String(t.body.scope));
    assert.equal(typeof t.body.refresh_token, 'string');
    const refreshed = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: String(t.body.refresh_token) }, basic);
    assert.equal(refreshed.status, 200, refreshed.text);
    const json = await fetch(`${s.base}/auth/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 400, 'only a form is an authorization request');
    assert.equal(json.headers.get('location'), null);
  });

  it('symmetric client: client_secret_basic works, a wrong secret is invalid_client', async () => {
    const r = await go(SYMMETRIC);
    const code = r.callback.searchParams.get('code')!;
    const wrong = await post('/auth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: r.verifier }, { authorization: `Basic ${Buffer.from(`${SYMMETRIC}:wrong`).toString('base64')}` });
    assert.deepEqual([wrong.status, wrong.body.error], [401, 'invalid_client']);
  });

  it('asymmetric client: RS384 and ES384 assertions pass; a replayed jti is invalid_client', async () => {
    for (const key of [rs384, es384]) {
      const r = await go(ASYMMETRIC);
      const a = await assertion(key, { jti: `jti-${key.alg}` });
      const form = { grant_type: 'authorization_code', code: r.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: r.verifier, client_assertion_type: ASSERTION_TYPE, client_assertion: a };
      const t = await post('/auth/token', form);
      assert.equal(t.status, 200, `${key.alg}: ${t.text}`);
      const again = await post('/auth/token', { ...form, client_assertion: await assertion(key, { jti: `jti-${key.alg}` }) });
      assert.deepEqual([again.status, again.body.error], [401, 'invalid_client'], key.alg);
    }
  });

  it('refresh: without scope and with a subset → 200; an invalid refresh token → 400', async () => {
    const t = await symmetricToken();
    const same = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: String(t.refresh_token) }, basic);
    assert.equal(same.status, 200, same.text);
    const subset = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: String(same.body.refresh_token), scope: 'patient/Patient.rs' }, basic);
    assert.equal(subset.status, 200, subset.text);
    assert.equal(subset.headers.get('pragma'), 'no-cache');
    const invalid = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' }, basic);
    assert.ok([400, 401].includes(invalid.status));
  });

  it('introspection: an active token names scope, client_id, exp, patient, iss, sub and fhirUser; an invalid one is exactly {"active":false}', async () => {
    const t = await symmetricToken();
    const active = await post('/auth/introspect', { token: String(t.access_token) }, basic);
    assert.equal(active.status, 200, active.text);
    assert.equal(active.body.active, true);
    assert.equal(active.body.client_id, SYMMETRIC);
    assert.equal(active.body.patient, t.patient);
    assert.equal(active.body.iss, s.base);
    assert.match(String(active.body.fhirUser), /^Practitioner\//);
    for (const f of ['scope', 'exp', 'sub']) assert.ok(active.body[f] !== undefined, f);
    const invalid = await post('/auth/introspect', { token: 'invalid-token' }, basic);
    assert.equal(invalid.text, '{"active":false}');
  });

  it('revocation: afterwards the FHIR API answers 401 and the refresh token fails', async () => {
    const t = await symmetricToken();
    assert.equal((await s.as(String(t.access_token), `/Patient/${t.patient}`)).status, 200);
    assert.equal((await post('/auth/revoke', { token: String(t.refresh_token) }, basic)).status, 200);
    assert.equal((await s.as(String(t.access_token), `/Patient/${t.patient}`)).status, 401);
    const refresh = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: String(t.refresh_token) }, basic);
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('FHIR API: no token → 401 with WWW-Authenticate; a type outside the scopes → 403; another patient → 404', async () => {
    const none = await s.fhir('/Patient/1001');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const t = await symmetricToken();
    assert.equal((await s.as(String(t.access_token), `/AllergyIntolerance?patient=${t.patient}`)).status, 403);
    const other = s.sim.store.data.demographics.find((d) => String(d.demographicNo) !== t.patient)!;
    assert.equal((await s.as(String(t.access_token), `/Patient/${other.demographicNo}`)).status, 404);
  });

  it('limited access: types unticked at the consent are missing from the token and refused by the API', async () => {
    const r = await go(SYMMETRIC, { untick: ['patient/Immunization.rs'] });
    const t = await post('/auth/token', { grant_type: 'authorization_code', code: r.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: r.verifier }, basic);
    assert.ok(!String(t.body.scope).includes('Immunization'), String(t.body.scope));
    assert.ok([401, 403].includes((await s.as(String(t.body.access_token), `/Immunization?patient=${t.body.patient}`)).status));
  });

  it('backend services: invalid grant type, invalid assertion type, invalid JWT, then success', async () => {
    // A fresh assertion each time: every one that authenticates is spent (jti replay protection).
    const good = async () => ({ grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: ASSERTION_TYPE, client_assertion: await s.assertion(s.clients.es) });
    assert.equal((await post('/auth/token', { ...(await good()), grant_type: 'password' })).status, 400);
    assert.equal((await post('/auth/token', { ...(await good()), client_assertion_type: 'urn:invalid' })).status, 400);
    assert.equal((await post('/auth/token', { ...(await good()), client_assertion: 'not.a.jwt' })).status, 401);
    const ok = await post('/auth/token', await good());
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual([ok.body.token_type, typeof ok.body.expires_in, ok.body.scope], ['Bearer', 'number', 'system/Patient.rs']);
  });
});
