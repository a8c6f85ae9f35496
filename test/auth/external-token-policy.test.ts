// What an external issuer's access token must look like beyond a valid signature: a bounded
// lifetime, issued in the past, an access-token `typ`, no `system/` scopes unless allowed, and
// little clock tolerance. And while its key set is down, unknown keys do not each start a fetch.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { startStack, type Stack } from '../helpers/stack.js';
import { keyPair, startSecureStack, type KeyPair, type SecureStack } from './fixture.js';

interface Minted { iat?: number; exp?: number; typ?: string | null; scope?: string }

function mint(key: KeyPair, issuer: string, audience: string, o: Minted = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header: { alg: string; kid: string; typ?: string } = { alg: key.alg, kid: key.kid };
  if (o.typ !== null) header.typ = o.typ ?? 'at+jwt';
  const jwt = new SignJWT({ azp: 'smart-app', scope: o.scope ?? 'user/Patient.rs' })
    .setProtectedHeader(header).setIssuer(issuer).setAudience(audience).setSubject('user-7').setJti(randomUUID())
    .setExpirationTime(o.exp ?? now + 300);
  if (o.iat !== undefined) jwt.setIssuedAt(o.iat); else jwt.setIssuedAt(now - 5);
  return jwt.sign(key.privateKey);
}

describe('external access tokens (defaults)', () => {
  let s: SecureStack;
  const now = (): number => Math.floor(Date.now() / 1000);
  const read = async (o: Minted): Promise<{ status: number; text: string }> => {
    const r = await s.as(await mint(s.issuer.key, s.issuer.issuer, s.base, o), '/Patient/1001');
    return { status: r.status, text: r.headers.get('www-authenticate') ?? '' };
  };
  before(async () => { s = await startSecureStack(); });
  after(async () => { await s.close(); });

  it('accepts a normal token, typ at+jwt, JWT or none', async () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', null]) assert.equal((await read({ typ })).status, 200, String(typ));
  });

  it('refuses a token that lives longer than a day (SMART_EXTERNAL_MAX_TOKEN_LIFETIME)', async () => {
    const r = await read({ exp: now() + 100 * 365 * 86_400 });
    assert.equal(r.status, 401);
    assert.match(r.text, /lives longer/);
    assert.equal((await read({ iat: now() - 60, exp: now() + 86_000 })).status, 200, 'a day is fine');
  });

  it('refuses a token issued in the future, and one without iat', async () => {
    const future = await read({ iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 300 });
    assert.equal(future.status, 401);
    assert.match(future.text, /not valid yet/);
    const noIat = await s.as(await new SignJWT({ scope: 'user/Patient.rs' }).setProtectedHeader({ alg: s.issuer.key.alg, kid: s.issuer.key.kid })
      .setIssuer(s.issuer.issuer).setAudience(s.base).setExpirationTime(now() + 300).sign(s.issuer.key.privateKey), '/Patient/1001');
    assert.equal(noIat.status, 401);
  });

  it('refuses other token types (an ID token, a logout token)', async () => {
    for (const typ of ['id+jwt', 'logout+jwt', 'dpop+jwt']) assert.equal((await read({ typ })).status, 401, typ);
  });

  it('allows 10 s of clock difference on exp, not 20', async () => {
    assert.equal((await read({ exp: now() - 20 })).status, 401);
    assert.equal((await read({ exp: now() - 2 })).status, 200);
  });

  it('refuses system/ scopes from the external issuer', async () => {
    const r = await read({ scope: 'system/*.cruds' });
    assert.equal(r.status, 401);
    assert.match(r.text, /SMART_EXTERNAL_SYSTEM_SCOPES/);
  });
});

describe('external access tokens with SMART_EXTERNAL_SYSTEM_SCOPES=true and a 1 h lifetime', () => {
  let s: SecureStack;
  before(async () => { s = await startSecureStack({ extraEnv: { SMART_EXTERNAL_SYSTEM_SCOPES: 'true', SMART_EXTERNAL_MAX_TOKEN_LIFETIME: '3600' } }); });
  after(async () => { await s.close(); });

  it('honours system/ scopes and bounds the lifetime to the setting', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await s.as(await mint(s.issuer.key, s.issuer.issuer, s.base, { scope: 'system/Patient.rs' }), '/Patient/1001')).status, 200);
    assert.equal((await s.as(await mint(s.issuer.key, s.issuer.issuer, s.base, { exp: now + 7200 }), '/Patient/1001')).status, 401);
  });
});

describe('while the issuer\'s key set is down', () => {
  let jwks: Server;
  let fetches = 0;
  let stack: Stack;
  let issuer: string;
  let key: KeyPair;
  before(async () => {
    key = await keyPair('RS256');
    jwks = createServer((_req, res) => { fetches++; res.writeHead(500).end(); });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    issuer = `${origin}/realm`;
    stack = await startStack({ env: { AUTH_MODE: 'smart', SMART_ISSUER: issuer, SMART_JWKS_URL: `${origin}/certs`, SMART_TOKEN_URL: `${origin}/token` } });
  });
  after(async () => {
    await stack.close();
    await new Promise<void>((r) => { jwks.close(() => r()); jwks.closeAllConnections(); });
  });

  it('unauthenticated requests with unknown keys get 503 + Retry-After without each starting a fetch', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const stranger = { ...key, kid: randomUUID() };
      const r = await stack.fhir('/Patient/1001', { headers: { authorization: `Bearer ${await mint(stranger, issuer, stack.base)}` } });
      statuses.push(r.status);
      assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    }
    assert.deepEqual(statuses, [503, 503, 503, 503, 503, 503]);
    assert.equal(fetches, 1, 'one failed fetch starts the cooldown');
  });
});
