// What the authorization server refuses in an app launch (smart §6.3, the offline Inferno and
// (g)(10) negatives): a wrong aud or redirect URI, no or plain PKCE, a wrong or reused code, and
// an OSCAR sign-in finished in a browser that did not start it (login CSRF).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from './fixture.js';
import { Browser, launch, pkce, redeem, DOCTOR } from './launch-flow.js';

const APP = 'refusal-app';
const REDIRECT = 'http://127.0.0.1:9/app/callback';

describe('SMART app launch refusals', () => {
  let s: SecureStack;
  before(async () => {
    s = await startSecureStack({ apps: [{ client_id: APP, redirect_uris: [REDIRECT], scope: 'openid fhirUser user/*.rs' }] });
  });
  after(async () => { await s.close(); });

  const authorize = (params: Record<string, string>) => {
    const { challenge } = pkce();
    const q = new URLSearchParams({
      response_type: 'code', client_id: APP, redirect_uri: REDIRECT, scope: 'openid user/Patient.rs', state: 'abcdefghijklmnop',
      aud: s.base, code_challenge: challenge, code_challenge_method: 'S256', ...params,
    });
    for (const [k, v] of Object.entries(params)) if (v === '') q.delete(k);
    return new Browser().request(`${s.base}/auth/authorize?${q}`);
  };

  it('a wrong aud is an error sent back to the app, with no code', async () => {
    const r = await authorize({ aud: 'https://evil.example.org/fhir' });
    assert.equal(r.status, 303);
    const back = new URL(r.location!);
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.equal(back.searchParams.get('code'), null);
    const none = await authorize({ aud: '' });
    assert.equal(new URL(none.location!).searchParams.get('error'), 'invalid_request', 'aud is required');
  });

  it('OSCAR not answering during the sign-in is a 502 page, not a 500: at the start and when OSCAR is asked who signed in', async () => {
    const go = () => launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: 'openid user/Patient.rs', user: DOCTOR });
    for (const path of ['/ws/oauth/initiate', '/ws/services/oauth/info']) {
      const fault = s.sim.faults.add({ match: { path }, mode: 'reset' });
      try {
        await assert.rejects(go(), /got 502[\s\S]*OSCAR/, path);
      } finally { s.sim.faults.remove(fault); }
    }
    const after = await go();
    assert.ok(after.callback.searchParams.get('code'), 'works again once OSCAR answers');
  });

  it('no PKCE, or plain PKCE, is refused', async () => {
    const missing = await authorize({ code_challenge: '', code_challenge_method: '' });
    assert.equal(new URL(missing.location!).searchParams.get('error'), 'invalid_request');
    const plain = await authorize({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    assert.equal(new URL(plain.location!).searchParams.get('error'), 'invalid_request');
  });

  it('an unregistered redirect URI or client gets an error page, never a redirect', async () => {
    for (const params of [{ redirect_uri: 'http://127.0.0.1:9/app/callback/other' }, { redirect_uri: 'http://127.0.0.1:9/app' }, { client_id: 'nobody' }] as Record<string, string>[]) {
      const r = await authorize(params);
      assert.equal(r.location, undefined, JSON.stringify(params));
      assert.equal(r.status, 400, JSON.stringify(params));
      assert.match(r.body, /<!DOCTYPE html>/);
    }
  });

  it('an OSCAR sign-in finished in another browser is refused (the request token is bound to the starting browser)', async () => {
    const { challenge } = pkce();
    const q = new URLSearchParams({ response_type: 'code', client_id: APP, redirect_uri: REDIRECT, scope: 'openid user/Patient.rs', state: 's'.repeat(16), aud: s.base, code_challenge: challenge, code_challenge_method: 'S256' });
    const victim = new Browser();
    const atOscar = await victim.follow(`${s.base}/auth/authorize?${q}`);
    const token = new URL(atOscar.url).searchParams.get('oauth_token')!;
    const oscarRoot = atOscar.url.slice(0, atOscar.url.indexOf('/ws/oauth/authorize'));
    // The attacker approves the request token at OSCAR and hands the callback URL to someone else.
    const attacker = new Browser();
    await attacker.request(`${oscarRoot}/login.do`, { form: { username: DOCTOR.name, password: DOCTOR.password, ajaxResponse: 'true', invalidate_session: 'false', oauth_token: token } });
    const approved = await attacker.request(`${oscarRoot}/ws/oauth/authorize`, { form: { oauth_token: token, oauthDecision: 'allow' } });
    const callback = approved.location!;
    assert.match(callback, /\/auth\/interaction\/[^/]+\/oscar\?oauth_token=/);
    const elsewhere = await new Browser().request(callback);
    assert.equal(elsewhere.status, 403);
    assert.match(elsewhere.body, /not started from this browser/);
    const tampered = await victim.request(callback.replace(/oauth_token=[^&]+/, 'oauth_token=00000000-0000-0000-0000-000000000000'));
    assert.equal(tampered.status, 403, 'an unknown request token');
  });

  it('a consent decision without the page\'s CSRF value, or with a wrong one of the same length, is refused; the real one still works', async () => {
    const refusals: number[] = [];
    const r = await launch({
      base: s.base, clientId: APP, redirectUri: REDIRECT, scope: 'openid user/Patient.rs', user: DOCTOR,
      beforeDecide: async (form, browser) => {
        const forged = form.fields.csrf!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
        for (const csrf of [undefined, forged, '']) {
          const hop = await browser.request(form.action, { form: { ...(csrf !== undefined && { csrf }), decision: 'allow', scope: 'user/Patient.rs' } });
          refusals.push(hop.status);
          assert.equal(hop.location, undefined, 'no redirect to the app');
        }
      },
    });
    assert.deepEqual(refusals, [403, 403, 403]);
    assert.ok(r.callback.searchParams.get('code'), 'the page\'s own form still decides');
  });

  it('the code: wrong verifier, verifier equal to the challenge, missing verifier, reuse, other client', async () => {
    const r = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: 'openid fhirUser user/Patient.rs', user: DOCTOR });
    const code = r.callback.searchParams.get('code');
    assert.ok(code, r.callback.href);
    const { challenge } = pkce();
    for (const verifier of ['x'.repeat(43), challenge, '']) {
      const bad = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT, verifier });
      assert.ok([400, 401].includes(bad.status), `${verifier}: ${bad.status}`);
      assert.equal(bad.body.access_token, undefined);
    }
    // A failed PKCE check does not spend the code in oidc-provider's order of checks, so the right verifier still works once.
    const other = await redeem(s.base, r, { clientId: 'nobody', redirectUri: REDIRECT });
    assert.equal(other.body.error, 'invalid_client');
    const ok = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    const again = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.ok(ok.status === 200 || ok.body.error === 'invalid_grant', JSON.stringify(ok.body));
    assert.equal(again.body.error, 'invalid_grant', 'a code works once');
  });
});
