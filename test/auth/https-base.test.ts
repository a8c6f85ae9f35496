// A facade whose public base URL is https (a proxy in front ends TLS and says so with
// X-Forwarded-Proto): the cookies of a person's sign-in are Secure, so a browser never sends them
// over plain http. Over an http base they cannot be (browsers drop Secure cookies there): that
// side is in authorization-server.test.ts. Here the whole stack decides it from FHIR_BASE_URL.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from './fixture.js';

const APP = 'https-base-app';
const REDIRECT = 'http://localhost:9/app/redirect';

describe('an https FHIR base behind a TLS-ending proxy', () => {
  let s: SecureStack;
  let local = '';
  before(async () => {
    s = await startSecureStack({ behindTls: true, apps: [{ client_id: APP, redirect_uris: [REDIRECT], scope: 'openid fhirUser user/*.rs' }] });
    assert.ok(s.base.startsWith('https://'));
    local = s.base.replace(/^https:/, 'http:');
  });
  after(async () => { await s.close(); });

  const viaProxy = (url: string, cookies: string[] = []): Promise<Response> => fetch(url.replace(/^https:/, 'http:'), {
    redirect: 'manual', headers: { 'x-forwarded-proto': 'https', ...(cookies.length && { cookie: cookies.map((c) => c.split(';')[0]).join('; ') }) },
  });
  const attributes = (cookie: string): string[] => cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

  it('every cookie of the sign-in, from the authorization request to the sign-in step, is Secure and HttpOnly', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      response_type: 'code', client_id: APP, redirect_uri: REDIRECT, scope: 'openid fhirUser user/Patient.rs', state: 'st-1', aud: s.base,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    });
    const first = await viaProxy(`${local}/auth/authorize?${q}`);
    assert.equal(first.status, 303, await first.text());
    const location = new URL(first.headers.get('location')!, s.base).href;
    assert.ok(location.startsWith(`${s.base}/auth/interaction/`), location);
    const cookies = first.headers.getSetCookie();
    assert.ok(cookies.length > 0, 'the authorization request sets the interaction cookies');
    const step = await viaProxy(location, cookies);
    assert.ok(step.status < 500, `${step.status} ${await step.text()}`);
    const all = [...cookies, ...step.headers.getSetCookie()];
    assert.ok(all.length > cookies.length, 'the sign-in step sets its own cookie too');
    for (const c of all) {
      assert.ok(attributes(c).includes('secure'), c);
      assert.ok(attributes(c).includes('httponly'), c);
    }
  });
});
