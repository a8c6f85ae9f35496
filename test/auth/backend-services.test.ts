// SMART Backend Services over real HTTP, on the authorization server at the FHIR base: discovery,
// the token endpoint's client authentication (private_key_jwt, RS384/ES384, jwks and jwks_uri,
// replay, lifetime, audience), scope narrowing, and the issued opaque token working (and nothing
// more) against the FHIR API, introspectable and revocable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
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
    assert.equal(c.issuer, s.base, 'the issuer is the FHIR base (OpenID discovery sits beside SMART discovery)');
    assert.equal(c.introspection_endpoint, `${s.base}/auth/introspect`);
    assert.equal(c.revocation_endpoint, `${s.base}/auth/revoke`);
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

  it('issues an ES384-authenticated client a short-lived opaque token with the scopes it asked for', async () => {
    const r = await s.tokenRequest(form(await s.assertion(s.clients.es), 'system/Patient.rs system/Immunization.read'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('pragma'), 'no-cache');
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.expires_in, 300);
    assert.equal(r.body.scope, 'system/Patient.rs system/Immunization.rs');
    assert.doesNotMatch(String(r.body.access_token), /\./, 'opaque: nothing for a client to decode');
    const read = await s.as(String(r.body.access_token), '/Patient/1001');
    assert.equal(read.status, 200);
    assert.equal(read.body.id, '1001');
  });

  it('answers introspection for its token, and exactly {"active":false} for an unknown one', async () => {
    const token = await s.backendToken('system/Patient.rs', s.clients.es);
    const introspect = async (t: string) => {
      const res = await fetch(`${s.base}/auth/introspect`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: t, client_assertion_type: ASSERTION_TYPE, client_assertion: await s.assertion(s.clients.es, { aud: s.tokenUrl }) }).toString(),
      });
      return { status: res.status, text: await res.text() };
    };
    const active = await introspect(token);
    assert.equal(active.status, 200, active.text);
    const body = JSON.parse(active.text) as Record<string, unknown>;
    assert.deepEqual([body.active, body.scope, body.client_id, typeof body.exp], [true, 'system/Patient.rs', 'reporter-es', 'number']);
    const unknown = await introspect('not-a-token-of-this-server');
    assert.equal(unknown.text, '{"active":false}');
  });

  it('stops honouring a revoked token at once', async () => {
    const token = await s.backendToken('system/Patient.rs', s.clients.es);
    assert.equal((await s.as(token, '/Patient/1001')).status, 200);
    const res = await fetch(`${s.base}/auth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_assertion_type: ASSERTION_TYPE, client_assertion: await s.assertion(s.clients.es) }).toString(),
    });
    assert.equal(res.status, 200, await res.text());
    const after = await s.as(token, '/Patient/1001');
    assert.equal(after.status, 401);
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
    // The client only learns that authentication failed; the audit trail says why.
    await new Promise((r) => setTimeout(r, 200));
    assert.match(readFileSync(s.auditFile, 'utf8'), /invalid_client: client assertion tokens must only be used once/);
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
