// SMART Backend Services over real HTTP: discovery, the token endpoint's client authentication
// (private_key_jwt, RS384/ES384, jwks and jwks_uri, replay, lifetime, audience), scope narrowing,
// and the issued token working (and nothing more) against the FHIR API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { keyPair, startSecureStack, unsignedToken, type SecureStack } from './fixture.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('SMART Backend Services', () => {
  let s: SecureStack;
  before(async () => { s = await startSecureStack(); });
  after(async () => { await s.close(); });

  const form = (assertion: string, scope = 'system/Patient.rs'): Record<string, string> =>
    ({ grant_type: 'client_credentials', scope, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });

  it('publishes .well-known/smart-configuration describing exactly Backend Services + the external issuer', async () => {
    const res = await fetch(`${s.base}/.well-known/smart-configuration`);
    assert.equal(res.status, 200);
    const c = await res.json() as Record<string, unknown>;
    assert.equal(c.token_endpoint, s.tokenUrl);
    assert.deepEqual(c.grant_types_supported, ['client_credentials']);
    assert.deepEqual(c.token_endpoint_auth_methods_supported, ['private_key_jwt']);
    assert.deepEqual(c.token_endpoint_auth_signing_alg_values_supported, ['RS384', 'ES384']);
    assert.ok((c.capabilities as string[]).includes('client-confidential-asymmetric'));
    assert.ok((c.capabilities as string[]).includes('permission-v2'));
    assert.ok((c.capabilities as string[]).includes('permission-v1'));
    assert.equal(c.authorization_endpoint, undefined, 'no authorization endpoint is configured, so none is advertised');
    // system/ scopes from this server's token endpoint; patient/ and user/ ones only from the external issuer.
    assert.deepEqual(c.scopes_supported, [
      'system/*.cruds', 'system/*.rs', 'system/*.read', 'system/*.write',
      'patient/*.cruds', 'patient/*.rs', 'patient/*.read', 'user/*.cruds', 'user/*.rs', 'user/*.read', 'launch/patient', 'openid', 'fhirUser',
    ]);
    assert.ok(!(c.capabilities as string[]).includes('launch-ehr'));
  });

  it('describes SMART in the CapabilityStatement rest.security (no token needed for /metadata)', async () => {
    const r = await s.fhir('/metadata');
    assert.equal(r.status, 200);
    const sec = r.body.rest[0].security;
    assert.equal(sec.service[0].coding[0].system, 'http://terminology.hl7.org/CodeSystem/restful-security-service');
    assert.equal(sec.service[0].coding[0].code, 'SMART-on-FHIR');
    const uris = sec.extension.find((e: { url: string }) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
    assert.deepEqual(uris.extension, [{ url: 'token', valueUri: s.tokenUrl }]);
  });

  it('issues an ES384-authenticated client a signed, short-lived token with the scopes it asked for', async () => {
    const r = await s.tokenRequest(form(await s.assertion(s.clients.es), 'system/Patient.rs system/Immunization.read'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.body.token_type, 'bearer');
    assert.equal(r.body.expires_in, 300);
    assert.equal(r.body.scope, 'system/Patient.rs system/Immunization.rs');
    // Verifiable with the published JWKS, audience = the FHIR base.
    const jwks = await (await fetch(s.tokenUrl.replace(/token$/, 'jwks'))).json() as { keys: [] };
    const { payload, protectedHeader } = await jwtVerify(String(r.body.access_token), createLocalJWKSet(jwks), { audience: s.base });
    assert.equal(payload.client_id, 'reporter-es');
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.ok(payload.exp! - payload.iat! === 300);
    const read = await s.as(String(r.body.access_token), '/Patient/1001');
    assert.equal(read.status, 200);
    assert.equal(read.body.id, '1001');
  });

  it('authenticates RS384 clients and clients whose keys are at a jwks_uri', async () => {
    const rs = await s.tokenRequest(form(await s.assertion(s.clients.rs), 'system/Appointment.cruds'));
    assert.equal(rs.status, 200, JSON.stringify(rs.body));
    assert.equal(rs.body.scope, 'system/Appointment.cruds');
    const remote = await s.tokenRequest(form(await s.assertion(s.clients.remote)));
    assert.equal(remote.status, 200, JSON.stringify(remote.body));
  });

  it('never widens: grants the intersection with the registered scopes, refuses when nothing is left', async () => {
    const r = await s.tokenRequest(form(await s.assertion(s.clients.narrow), 'system/*.rs'));
    assert.equal(r.status, 200);
    assert.equal(r.body.scope, 'system/Immunization.rs system/Patient.r');
    const search = await s.as(String(r.body.access_token), '/Patient?_id=1001');
    assert.equal(search.status, 403, 'Patient.s was not granted');
    const none = await s.tokenRequest(form(await s.assertion(s.clients.narrow), 'system/Appointment.rs'));
    assert.equal(none.status, 400);
    assert.equal(none.body.error, 'invalid_scope');
    const patientScopes = await s.tokenRequest(form(await s.assertion(s.clients.es), 'patient/*.rs'));
    assert.deepEqual([patientScopes.status, patientScopes.body.error], [400, 'invalid_scope']);
    const missing = await s.tokenRequest({ ...form(await s.assertion(s.clients.es)), scope: '' });
    assert.deepEqual([missing.status, missing.body.error], [400, 'invalid_scope']);
  });

  it('refuses a replayed assertion (same jti), even within its lifetime', async () => {
    const a = await s.assertion(s.clients.es);
    assert.equal((await s.tokenRequest(form(a))).status, 200);
    const again = await s.tokenRequest(form(a));
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'invalid_client');
    assert.match(String(again.body.error_description), /replay/);
    const sameJti = await s.tokenRequest(form(await s.assertion(s.clients.es, { jti: 'fixed-jti-1' })));
    assert.equal(sameJti.status, 200);
    const sameJtiNewJwt = await s.tokenRequest(form(await s.assertion(s.clients.es, { jti: 'fixed-jti-1' })));
    assert.equal(sameJtiNewJwt.status, 401, 'a new JWT reusing a jti is a replay too');
  });

  it('refuses bad assertions: lifetime over 5 minutes, expired, wrong audience, wrong key, unknown client, other algorithms', async () => {
    const es = s.clients.es;
    const other = await keyPair('ES384');
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(es.clientId).setSubject(es.clientId)
      .setAudience(s.tokenUrl).setExpirationTime('2m').setJti('hs').sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    const es256 = await keyPair('ES256');
    const cases: [string, string][] = [
      ['exp 10 minutes ahead', await s.assertion(es, { expiresIn: 600 })],
      ['expired', await s.assertion(es, { expiresIn: -60 })],
      ['audience is the FHIR base, not the token endpoint', await s.assertion(es, { aud: s.base })],
      ['signed with an unregistered key', await s.assertion(es, { key: other })],
      ['unknown client', await s.assertion({ ...es, clientId: 'nobody' })],
      ['alg none', unsignedToken({ iss: es.clientId, sub: es.clientId, aud: s.tokenUrl, exp: Math.floor(Date.now() / 1000) + 60, jti: 'n' })],
      ['HS256 (shared secret)', hs],
      ['ES256 (not RS384/ES384)', await s.assertion(es, { key: es256 })],
      ['not a JWT', 'garbage'],
    ];
    for (const [what, assertion] of cases) {
      const r = await s.tokenRequest(form(assertion));
      assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_client', what);
      assert.equal(r.body.access_token, undefined, what);
    }
  });

  it('answers OAuth errors for the wrong grant or assertion type', async () => {
    const grant = await s.tokenRequest({ ...form(await s.assertion(s.clients.es)), grant_type: 'password' });
    assert.deepEqual([grant.status, grant.body.error], [400, 'unsupported_grant_type']);
    const type = await s.tokenRequest({ ...form(await s.assertion(s.clients.es)), client_assertion_type: 'urn:other' });
    assert.deepEqual([type.status, type.body.error], [400, 'invalid_request']);
    const mismatch = await s.tokenRequest({ ...form(await s.assertion(s.clients.es)), client_id: 'booking-rs' });
    assert.deepEqual([mismatch.status, mismatch.body.error], [401, 'invalid_client']);
  });
});
