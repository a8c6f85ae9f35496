// The SMART sign-in when OSCAR's host redirects the facade's calls (docs/oscar-redirects.md): the
// OAuth handshake is not followed to the new address (it is signed for the old one), and the
// browser gets a page saying the facade's OSCAR address needs correcting, not "try again".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from './fixture.js';
import { Browser, pkce } from './launch-flow.js';

const APP = 'growth-chart';
const REDIRECT = 'http://127.0.0.1:9/app/callback';

describe('SMART sign-in with OSCAR behind a host that redirects to https://', () => {
  let s: SecureStack;
  before(async () => {
    s = await startSecureStack({
      sim: { patients: 3, edgeRedirect: 'https' },
      apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch/patient openid fhirUser patient/*.rs' }],
    });
  });
  after(async () => { await s.close(); });

  it('the handshake stops at the redirect: a 502 page naming the address to correct, nothing sent on', async () => {
    const browser = new Browser();
    const q = new URLSearchParams({
      response_type: 'code', client_id: APP, redirect_uri: REDIRECT, scope: 'launch/patient openid patient/Patient.rs', state: 'st-1',
      aud: s.base, code_challenge: pkce().challenge, code_challenge_method: 'S256',
    });
    const hop = await browser.follow(`${s.base}/auth/authorize?${q}`);
    assert.equal(hop.status, 502, hop.body.slice(0, 300));
    assert.match(hop.body, /OSCAR sign-in failed/);
    assert.match(hop.body, /OSCAR address needs correcting/);
    assert.ok(!/Try again in a moment/.test(hop.body), 'waiting will not help');
    assert.ok(browser.hops.every((h) => !h.url.startsWith('https://')), 'the browser was not sent to the redirect\'s target either');
  });
});
