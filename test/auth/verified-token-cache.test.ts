// The verifier remembers external tokens it has checked, so a request pays for a signature once
// per token. What it remembers must never outlive the token: once expired it is refused, cache or
// not, and once the issuer's key set would be fetched again the token is verified against it again
// (so a key the issuer withdrew stops working as it would without the cache).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { AccessTokenVerifier } from '../../src/auth/access-token.js';
import { isFhirError } from '../../src/fhir/index.js';
import { startIssuer, type Issuer } from './fixture.js';

const AUD = 'https://fhir.example.org/fhir';

describe('the verified-token cache', () => {
  let issuer: Issuer;
  before(async () => { issuer = await startIssuer(() => AUD); });
  after(async () => { await issuer.close(); });
  afterEach(() => { mock.timers.reset(); });

  const fresh = (): AccessTokenVerifier => new AccessTokenVerifier({ audience: AUD, external: { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clockToleranceSeconds: 0 } });

  it('refuses a remembered token once it has expired', async () => {
    const verifier = fresh();
    const token = `Bearer ${await issuer.token({ scope: 'user/*.rs' }, { expiresIn: 60 })}`;
    assert.equal((await verifier.verify(token)).kind, 'token');
    assert.equal((await verifier.verify(token)).kind, 'token', 'served again while valid');
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 120_000 });
    await assert.rejects(verifier.verify(token), (e: unknown) => isFhirError(e) && e.status === 401 && /expired/.test(e.message));
  });

  it('verifies a remembered token again once the issuer\'s key set would be fetched again', async () => {
    const verifier = fresh();
    const token = `Bearer ${await issuer.token({ scope: 'user/*.rs' }, { expiresIn: 3600 })}`;
    await verifier.verify(token);
    const fetched = issuer.jwksFetches;
    await verifier.verify(token);
    assert.equal(issuer.jwksFetches, fetched, 'a hit within the key set\'s age fetches nothing');
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 11 * 60_000 });
    assert.equal((await verifier.verify(token)).kind, 'token');
    assert.equal(issuer.jwksFetches, fetched + 1, 'the key set was fetched again to verify it');
  });
});
