// The access-token verifier on its own: external-issuer claims, the verified-token cache, and an
// unreachable issuer (503, not 401: the client's token may be fine).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessTokenVerifier } from '../../src/auth/access-token.js';
import { isFhirError } from '../../src/fhir/index.js';
import { keyPair, startIssuer, type Issuer } from './fixture.js';

const AUD = 'https://fhir.example.org/fhir';

describe('AccessTokenVerifier with an external issuer', () => {
  let issuer: Issuer;
  let verifier: AccessTokenVerifier;
  before(async () => {
    issuer = await startIssuer(() => AUD);
    verifier = new AccessTokenVerifier({ audience: AUD, external: { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl } });
  });
  after(async () => { await issuer.close(); });

  it('turns SMART claims into the caller: scopes (string or scp array), patient, client, user', async () => {
    const ctx = await verifier.verify(`Bearer ${await issuer.token({ scope: 'openid patient/*.rs', patient: '1001', fhirUser: 'Patient/1001', sub: 'u1' })}`);
    assert.deepEqual({ ...ctx, scopes: ctx.scopes?.length }, { kind: 'token', clientId: 'smart-app', patient: '1001', subject: 'u1', fhirUser: 'Patient/1001', scopes: 1, issuer: 'external' });
    const scp = await verifier.verify(`Bearer ${await issuer.token({ scp: ['user/Patient.rs', 'user/Immunization.read'] })}`);
    assert.equal(scp.scopes?.length, 2);
    const slash = await verifier.verify(`bearer ${await issuer.token({ scope: 'user/*.rs' }, { audience: `${AUD}/` })}`);
    assert.equal(slash.kind, 'token', 'the base with a trailing slash is the same audience; the scheme is case-insensitive');
  });

  it('fetches the issuer keys once and verifies a repeated token from its cache', async () => {
    const token = `Bearer ${await issuer.token({ scope: 'user/*.rs' })}`;
    const fetches = issuer.jwksFetches;
    const a = await verifier.verify(token);
    const b = await verifier.verify(token);
    assert.notEqual(a, b, 'each request gets its own context object');
    assert.deepEqual(a, b);
    assert.equal(issuer.jwksFetches, fetches);
  });

  it('accepts a token signed with any asymmetric JOSE algorithm an identity provider may use (RFC 7518, RFC 8037)', async () => {
    const keys = await Promise.all(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'].map((alg) => keyPair(alg)));
    const many = await startIssuer(() => AUD, keys);
    try {
      const v = new AccessTokenVerifier({ audience: AUD, external: { issuer: many.issuer, jwksUrl: many.jwksUrl } });
      for (const key of keys) {
        const ctx = await v.verify(`Bearer ${await many.token({ scope: 'user/*.rs' }, { key })}`).catch((e: Error) => e);
        assert.equal((ctx as { kind?: string }).kind, 'token', `${key.alg}: ${(ctx as Error).message ?? ''}`);
      }
    } finally {
      await many.close();
    }
  });

  it('rejects a patient claim that is not a FHIR id', async () => {
    await assert.rejects(verifier.verify(`Bearer ${await issuer.token({ scope: 'patient/*.rs', patient: '../1002' })}`), (e: unknown) => isFhirError(e) && e.status === 401);
  });

  it('answers 503 when the issuer\'s keys cannot be fetched', async () => {
    const down = new AccessTokenVerifier({ audience: AUD, external: { issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:9/certs' } });
    await assert.rejects(down.verify(`Bearer ${await issuer.token({ scope: 'user/*.rs' })}`), (e: unknown) => isFhirError(e) && e.status === 503);
  });
});
