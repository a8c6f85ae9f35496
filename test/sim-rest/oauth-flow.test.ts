import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authHeader, cookieOf, http, SAMPLE_NOW, startSim, type Sim } from './fixture.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const NOW_S = Math.floor(SAMPLE_NOW / 1000);
const CALLBACK = 'https://facade.example.org/oscar/callback';

function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

describe('OAuth 1.0a three-legged flow (contract 2.3)', () => {
  let sim: Sim;
  before(async () => { sim = await startSim(SAMPLE_NOW); });
  after(async () => { await sim.close(); });

  /** Scopes go in a form body: OAuth1ParamParser only turns '+' into ' ' in query values (header values not at all). */
  async function initiate(callback = CALLBACK, scope?: string): Promise<{ token: string; secret: string }> {
    const path = '/oscar/ws/oauth/initiate';
    const url = `${sim.origin}${path}`;
    const data: Record<string, string> = { oauth_callback: callback, ...(scope ? { scope } : {}) };
    const authorization = authHeader({ url, method: 'POST', token: null, data, extraOAuth: { oauth_callback: callback } });
    const r = scope
      ? await http(sim.port, 'POST', path, { authorization, ...FORM }, new URLSearchParams({ scope }).toString())
      : await http(sim.port, 'POST', path, { authorization });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    const f = form(r.body);
    assert.equal(f.oauth_callback_confirmed, 'true');
    assert.match(f.oauth_token ?? '', /^[0-9a-f-]{36}$/);
    return { token: f.oauth_token ?? '', secret: f.oauth_token_secret ?? '' };
  }

  async function exchange(rt: { token: string; secret: string }, verifier: string) {
    const path = '/oscar/ws/oauth/token';
    const authorization = authHeader({
      url: `${sim.origin}${path}`, method: 'POST', token: { key: rt.token, secret: rt.secret },
      data: { oauth_verifier: verifier }, extraOAuth: { oauth_verifier: verifier },
    });
    return http(sim.port, 'POST', path, { authorization });
  }

  it('runs initiate → consent page → /login.do → authorize → 303 → token, and the new token works', async () => {
    const rt = await initiate(CALLBACK, 'patient/*.read user/*.read');
    assert.equal(sim.store.data.oauthRequestTokens.find((t) => t.token === rt.token)?.callback, CALLBACK);

    const page = await http(sim.port, 'GET', `/oscar/ws/oauth/authorize?oauth_token=${rt.token}`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    assert.match(page.body, /Facade &lt;Test&gt;/); // client name, escaped
    assert.match(page.body, /https:\/\/facade\.example\.org/);
    assert.match(page.body, /<li>patient\/\*\.read<\/li><li>user\/\*\.read<\/li>/);
    for (const id of ['username', 'password', 'login', 'authorize']) assert.match(page.body, new RegExp(`id="${id}"`));
    assert.match(page.body, /action="\/oscar\/ws\/oauth\/authorize"/);
    const cookie = cookieOf(page);

    const script = await http(sim.port, 'GET', '/oscar/login/3rdpartyLogin.js', { cookie });
    assert.equal(script.status, 200);
    assert.match(script.body, /\/login\.do/);

    const login = await http(sim.port, 'POST', '/oscar/login.do', { ...FORM, cookie },
      `username=oscardoc&password=mac2002&pin=&ajaxResponse=true&oauth_token=${rt.token}&invalidate_session=false`);
    assert.equal(login.status, 200);
    assert.equal(login.headers['content-type'], 'text/x-json');
    assert.equal(login.body, '{"success":true,"providerName":"oscardoc, doctor","providerNo":"999998"}');

    // "Cancel" approves too: oauthDecision is never read
    const approve = await http(sim.port, 'POST', '/oscar/ws/oauth/authorize', { ...FORM, cookie },
      `oauth_token=${rt.token}&oauthDecision=deny&session_authenticity_token=x`);
    assert.equal(approve.status, 303);
    const location = new URL(approve.headers.location ?? '');
    assert.equal(`${location.origin}${location.pathname}`, CALLBACK);
    assert.equal(location.searchParams.get('oauth_token'), rt.token);
    const verifier = location.searchParams.get('oauth_verifier') ?? '';
    assert.match(verifier, /^[0-9a-f-]{36}$/);

    const wrong = await exchange(rt, 'not-the-verifier');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body, 'invalid_verifier');
    assert.equal(wrong.headers['content-type'], 'application/x-www-form-urlencoded');

    const tok = await exchange(rt, verifier);
    assert.equal(tok.status, 200, tok.body);
    const at = form(tok.body);
    assert.deepEqual(Object.keys(at), ['oauth_token', 'oauth_token_secret']);
    const stored = sim.store.data.oauthAccessTokens.find((t) => t.token === at.oauth_token);
    assert.equal(stored?.providerNo, '999998');
    assert.equal(stored?.scopes, 'patient/*.read user/*.read');

    const again = await exchange(rt, verifier); // the request token was deleted
    assert.equal(again.status, 401);
    assert.equal(again.body, 'invalid_request_token');

    const path = '/oscar/ws/services/demographics/basic/1001';
    const use = await http(sim.port, 'GET', path, {
      accept: 'application/json',
      authorization: authHeader({ url: `${sim.origin}${path}`, method: 'GET', token: { key: at.oauth_token ?? '', secret: at.oauth_token_secret ?? '' } }),
    });
    assert.equal(use.status, 200);
  });

  it('answers an out-of-band callback with a text/plain verifier', async () => {
    const rt = await initiate('oob');
    const login = await http(sim.port, 'POST', '/oscar/login.do', FORM,
      `username=oscardoc&password=mac2002&ajaxResponse=true&oauth_token=${rt.token}`);
    const r = await http(sim.port, 'POST', '/oscar/ws/oauth/authorize', { ...FORM, cookie: cookieOf(login) }, `oauth_token=${rt.token}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.match(r.body, /^oauth_verifier=[0-9a-f-]{36}$/);
  });

  it('rejects authorize without login, unknown or expired tokens, and bad credentials', async () => {
    const rt = await initiate();
    const anonymous = await http(sim.port, 'POST', '/oscar/ws/oauth/authorize', FORM, `oauth_token=${rt.token}&oauthDecision=allow`);
    assert.deepEqual([anonymous.status, anonymous.body], [401, 'login_required']);
    const missing = await http(sim.port, 'POST', '/oscar/ws/oauth/authorize', FORM, 'oauthDecision=allow');
    assert.deepEqual([missing.status, missing.body], [400, 'missing oauth_token']);
    const unknown = await http(sim.port, 'POST', '/oscar/ws/oauth/authorize', FORM, 'oauth_token=nope');
    assert.deepEqual([unknown.status, unknown.body], [400, 'invalid_request_token']);
    assert.equal((await http(sim.port, 'GET', '/oscar/ws/oauth/authorize')).status, 400);
    assert.equal((await http(sim.port, 'GET', '/oscar/ws/oauth/authorize?oauth_token=nope')).status, 400);

    const bad = await http(sim.port, 'POST', '/oscar/login.do', FORM, 'username=oscardoc&password=wrong&ajaxResponse=true');
    assert.equal(bad.body, '{"success":false,"error":"Invalid Credentials"}');
    const inactive = await http(sim.port, 'POST', '/oscar/login.do', FORM, 'username=olddoc&password=pw&ajaxResponse=true');
    assert.equal(inactive.status, 302);

    const old = await initiate();
    const saved = sim.store.now;
    sim.store.now = () => SAMPLE_NOW + 3_600_001; // contract 2.5: request tokens live one hour
    try {
      const expired = await http(sim.port, 'GET', `/oscar/ws/oauth/authorize?oauth_token=${old.token}`);
      assert.equal(expired.status, 400);
      assert.equal(sim.store.data.oauthRequestTokens.some((t) => t.token === old.token), false);
    } finally { sim.store.now = saved; }
  });

  it('fails initiate with a 500 error page for a bad signature, an unknown consumer or a missing callback; GET is 405', async () => {
    const path = '/oscar/ws/oauth/initiate';
    const url = `${sim.origin}${path}`;
    const good = authHeader({ url, method: 'POST', token: null, data: { oauth_callback: CALLBACK }, extraOAuth: { oauth_callback: CALLBACK } });
    const badSig = await http(sim.port, 'POST', path, { authorization: good.replace(/oauth_nonce="[^"]*"/, 'oauth_nonce="changed"') });
    const noCallback = await http(sim.port, 'POST', path, { authorization: authHeader({ url, method: 'POST', token: null }) });
    const stranger = await http(sim.port, 'POST', path, {
      authorization: authHeader({ url, method: 'POST', token: null, consumer: { key: 'nobody', secret: 'x' }, data: { oauth_callback: 'oob' }, extraOAuth: { oauth_callback: 'oob' } }),
    });
    const noParams = await http(sim.port, 'POST', path, {});
    for (const r of [badSig, noCallback, stranger, noParams]) {
      assert.equal(r.status, 500);
      assert.match(r.headers['content-type'] ?? '', /^text\/html/);
    }
    assert.equal((await http(sim.port, 'GET', path, { authorization: good })).status, 405);
    const stale = authHeader({ url, method: 'POST', token: null, nowSeconds: NOW_S - 400, data: { oauth_callback: CALLBACK }, extraOAuth: { oauth_callback: CALLBACK } });
    assert.equal((await http(sim.port, 'POST', path, { authorization: stale })).status, 500);
  });
});
