// Why the verifier refuses a token, as the client reads it in WWW-Authenticate: each check of
// src/auth/access-token.ts has its own words, so a client (and whoever reads its logs) can tell
// an expired token from a foreign one, and a check that stops running shows up here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { AccessTokenVerifier } from '../../src/auth/access-token.js';
import { isFhirError } from '../../src/fhir/index.js';
import { keyPair, startIssuer, type Issuer, type KeyPair } from './fixture.js';

const AUD = 'https://fhir.example.org/fhir';
const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The error_description of the 401 the verifier answers (quotes dropped, as a header value needs), or what it did instead. */
async function refusal(verifier: AccessTokenVerifier, authorization: string): Promise<string> {
  try {
    await verifier.verify(authorization);
    return 'accepted';
  } catch (e) {
    if (!isFhirError(e)) throw e;
    assert.equal(e.status, 401, `401 for ${authorization.slice(0, 30)}…`);
    const m = /error="invalid_token", error_description="([^"]*)"/.exec(e.headers['www-authenticate'] ?? '');
    return m ? m[1]! : `no invalid_token description in ${e.headers['www-authenticate']}`;
  }
}

describe('AccessTokenVerifier refusals, each with its reason', () => {
  let issuer: Issuer;
  let extra: KeyPair;
  let verifier: AccessTokenVerifier;
  /** A token of the external issuer signed with `extra` (published in its key set), header and claims as given. */
  const signed = (claims: JWTPayload, header: { typ?: string } = { typ: 'JWT' }, iat = now() - 5, exp = now() + 300): Promise<string> =>
    new SignJWT({ azp: 'smart-app', scope: 'user/*.rs', ...claims })
      .setProtectedHeader({ alg: extra.alg, kid: extra.kid, ...header })
      .setIssuer(issuer.issuer).setAudience(AUD).setSubject('user-7').setIssuedAt(iat).setExpirationTime(exp)
      .sign(extra.privateKey);

  before(async () => {
    extra = await keyPair('ES256');
    issuer = await startIssuer(() => AUD, [extra]);
    verifier = new AccessTokenVerifier({ audience: AUD, external: { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl } });
  });
  after(async () => { await issuer.close(); });

  it('accepts the well-formed token the cases below each spoil in one way', async () => {
    assert.equal(await refusal(verifier, `Bearer ${await signed({})}`), 'accepted');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, {})}`), 'accepted', 'typ may be absent');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, { typ: 'at+JWT' })}`), 'accepted', 'typ is case-insensitive');
  });

  it('the Authorization header and the token format', async () => {
    assert.equal(await refusal(verifier, 'Basic dXNlcjpwYXNz'), 'the Authorization header must be Bearer <access token>');
    assert.equal(await refusal(verifier, 'Bearer abc.def.ghi'), 'the token is not a valid JWT');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer.issuer, aud: AUD, exp: now() + 300, iat: now() })}.`;
    assert.equal(await refusal(verifier, `Bearer ${unsigned}`), 'unsigned tokens (alg none) are not accepted');
    const noneUpper = `${b64({ alg: 'NONE' })}.${b64({ iss: issuer.issuer, aud: AUD, exp: now() + 300, iat: now() })}.`;
    assert.equal(await refusal(verifier, `Bearer ${noneUpper}`), 'unsigned tokens (alg none) are not accepted');
  });

  it('who issued it, for whom, with which key and algorithm', async () => {
    assert.equal(await refusal(verifier, `Bearer ${await issuer.token({ scope: 'user/*.rs' }, { issuer: 'https://idp.elsewhere.example/realms/x' })}`),
      'the token comes from an unknown issuer');
    assert.equal(await refusal(verifier, `Bearer ${await issuer.token({ scope: 'user/*.rs' }, { audience: 'https://other.example/fhir' })}`),
      'the token is not meant for this server (audience)');
    const stranger = await keyPair('RS256');
    assert.equal(await refusal(verifier, `Bearer ${await issuer.token({ scope: 'user/*.rs' }, { key: { ...stranger, kid: 'not-published' } })}`),
      'the token is signed with an unknown key');
    const hmac = await new SignJWT({ scope: 'user/*.rs' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer.issuer).setAudience(AUD).setIssuedAt().setExpirationTime('5m').sign(new Uint8Array(32).fill(7));
    assert.equal(await refusal(verifier, `Bearer ${hmac}`), 'the token is signed with an algorithm this server does not accept');
    const good = await signed({});
    const [h, , s] = good.split('.');
    assert.equal(await refusal(verifier, `Bearer ${h}.${b64({ iss: issuer.issuer, aud: AUD, sub: 'admin', exp: now() + 300, iat: now() })}.${s}`),
      'the token signature does not verify');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, { typ: 'id+jwt' })}`), 'the token is not an access token (typ)');
    assert.equal(await refusal(verifier, `Bearer ${h}.${good.split('.')[1]}.not+base64url`), 'the token is not a valid JWT', 'a signature that is not base64url');
  });

  it('when it is valid: expiry, not-before, issued-at, lifetime', async () => {
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, undefined, now() - 600, now() - 60)}`), 'the token has expired');
    assert.equal(await refusal(verifier, `Bearer ${await signed({ nbf: now() + 600 })}`), 'the token is not valid yet');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, undefined, now() + 600, now() + 900)}`), 'the token is not valid yet (issued in the future)');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, undefined, now() + 5, now() + 300)}`), 'accepted', 'an iat within the clock tolerance (10 s)');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, undefined, now() - 5, now() - 5 + 86_401)}`), 'the token lives longer than this server accepts (86400 s)');
    assert.equal(await refusal(verifier, `Bearer ${await signed({}, undefined, now() - 5, now() - 5 + 86_400)}`), 'accepted', 'exactly the longest lifetime');
  });

  it('a required claim that is missing or malformed is named', async () => {
    const noIat = await new SignJWT({ scope: 'user/*.rs' }).setProtectedHeader({ alg: extra.alg, kid: extra.kid })
      .setIssuer(issuer.issuer).setAudience(AUD).setExpirationTime(now() + 300).sign(extra.privateKey);
    assert.equal(await refusal(verifier, `Bearer ${noIat}`), "the token's iat claim is missing or invalid");
    assert.equal(await refusal(verifier, `Bearer ${await signed({ nbf: 'tomorrow' } as unknown as JWTPayload)}`), "the token's nbf claim is missing or invalid", 'an nbf that is no number is not "not valid yet"');
  });
});

