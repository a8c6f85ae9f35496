// The OSCAR sign-in step of an app launch (interactions.ts; contract 2.3), with oidc-provider, the
// vault and OSCAR's REST replaced by stand-ins and OSCAR's three OAuth 1.0a endpoints by a small
// server: the browser is sent to OSCAR with a request token bound to it by a cookie; OSCAR's
// callback is accepted only from that browser, for that interaction, once, within ten minutes;
// the user's OSCAR token goes to the vault and oidc-provider learns who signed in.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import type Provider from 'oidc-provider';
import type { SmartClient } from '../../src/auth/clients.js';
import { OscarRefused, OscarUnreachable } from '../../src/auth/oscar/user-rest.js';
import { OscarAuthError, OscarSignInEndedError } from '../../src/oscar/errors.js';
import { interactionRoutes, type InteractionDeps } from '../../src/auth/server/interactions.js';
import { InProcessDocuments } from '../../src/state/in-process.js';
import { startOutboundProxy } from '../helpers/outbound-proxy.js';

const UID = 'uid-1';
const APP = 'chart';

/** The OAuth parameters of an `Authorization: OAuth k="v", …` header. */
const oauthParams = (header: string | undefined): Record<string, string> =>
  Object.fromEntries([...(header ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, decodeURIComponent(m[2]!)]));

const listen = async (web: express.Express): Promise<{ server: Server; url: string }> => {
  const server = web.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('the OSCAR sign-in step', () => {
  let now = Date.parse('2026-12-07T09:00:00Z');
  let documents: InProcessDocuments;
  let clientId = APP;
  let detailsUid = UID;
  let detailsFail = false;
  let finishFails = false;
  let finished: { result: unknown; options: unknown }[];
  let vaulted: unknown[];
  /** What OSCAR was asked: initiate's callback and scope, the token exchange's request token and verifier. */
  let oscarSaw: { initiate: { callback?: string; scope?: string }[]; exchange: { token?: string; verifier?: string }[] };
  let initiateStatus = 200;
  let exchangeStatus = 200;
  let providerOf: (t: { token: string; secret: string }) => Promise<string>;
  let requestTokens = 0;
  const clients = new Map<string, SmartClient>([
    [APP, { clientId: APP, name: 'Chart app', kind: 'app' } as SmartClient],
    ['nameless', { clientId: 'nameless', kind: 'app' } as SmartClient],
  ]);
  const servers: Server[] = [];
  let base = '';
  let secureBase = '';
  let oscarUrl = '';
  let depsFor: (issuer: string, https: boolean) => InteractionDeps;

  before(async () => {
    const oscar = express();
    oscar.post('/oscar/ws/oauth/initiate', express.urlencoded({ extended: false }), (req, res) => {
      const p = oauthParams(req.headers.authorization);
      oscarSaw.initiate.push({ callback: p.oauth_callback, scope: (req.body as { scope?: string }).scope });
      if (initiateStatus !== 200) { res.status(initiateStatus).send('<html>error</html>'); return; }
      requestTokens += 1;
      res.type('application/x-www-form-urlencoded').send(`oauth_token=rt-${requestTokens}&oauth_token_secret=rs-${requestTokens}&oauth_callback_confirmed=true`);
    });
    oscar.post('/oscar/ws/oauth/token', (req, res) => {
      const p = oauthParams(req.headers.authorization);
      oscarSaw.exchange.push({ token: p.oauth_token, verifier: p.oauth_verifier });
      if (exchangeStatus !== 200) { res.status(exchangeStatus).send('invalid_verifier'); return; }
      res.type('application/x-www-form-urlencoded').send(`oauth_token=at-for-${p.oauth_token}&oauth_token_secret=as-1`);
    });
    const o = await listen(oscar);
    servers.push(o.server);
    oscarUrl = `${o.url}/oscar`;

    const provider = {
      interactionDetails: async () => {
        if (detailsFail) throw new Error('interaction cookie missing');
        return { uid: detailsUid, prompt: { name: 'login' }, params: { client_id: clientId }, session: undefined };
      },
      interactionFinished: async (_req: unknown, res: express.Response, result: unknown, options: unknown) => {
        if (finishFails) throw new Error('interaction expired');
        finished.push({ result, options });
        res.status(303).set('location', '/fhir/auth/authorize/uid-1').end();
      },
    } as unknown as Provider;
    depsFor = (issuer: string, https: boolean): InteractionDeps => ({
      provider, issuer, clients, get documents() { return documents; }, https,
      vault: { put: async (v: unknown) => { vaulted.push(v); }, get: async () => undefined },
      oscar: { url: oscarUrl, consumer: { key: 'facade', secret: 'consumer-secret' } },
      userRest: { providerOf: (t: { token: string; secret: string }) => providerOf(t) },
    } as unknown as InteractionDeps);
    const web = express();
    web.use('/fhir', interactionRoutes(depsFor('http://127.0.0.1/fhir', false)));
    web.use('/secure/fhir', interactionRoutes(depsFor('https://fhir.example.org/secure/fhir/', true)));
    const f = await listen(web);
    servers.push(f.server);
    base = `${f.url}/fhir`;
    secureBase = `${f.url}/secure/fhir`;
  });
  after(() => { for (const s of servers) s.close(); });
  beforeEach(() => {
    documents = new InProcessDocuments(1000, () => now);
    clientId = APP;
    detailsUid = UID;
    detailsFail = false;
    finishFails = false;
    finished = [];
    vaulted = [];
    oscarSaw = { initiate: [], exchange: [] };
    initiateStatus = 200;
    exchangeStatus = 200;
    providerOf = async (t) => { assert.deepEqual(t, { token: 'at-for-rt-1', secret: 'as-1' }); return '999998'; };
    requestTokens = 0;
  });

  const get = async (url: string, cookie?: string): Promise<{ status: number; location: string | null; cookies: string[]; body: string; headers: Headers }> => {
    const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    return { status: r.status, location: r.headers.get('location'), cookies: r.headers.getSetCookie(), body: await r.text(), headers: r.headers };
  };
  /** Starts the sign-in: the request token OSCAR was sent to and the browser's cookie. */
  const start = async (at = base): Promise<{ token: string; cookie: string }> => {
    const r = await get(`${at}/auth/interaction/${UID}`);
    assert.equal(r.status, 303, r.body);
    const token = new URL(r.location!).searchParams.get('oauth_token')!;
    return { token, cookie: r.cookies[0]!.split(';')[0]! };
  };
  const callback = (token: string, cookie?: string, uid = UID, at = base) =>
    get(`${at}/auth/interaction/${uid}/oscar?oauth_token=${token}&oauth_verifier=v-1`, cookie);

  it('sends the browser to OSCAR\'s consent page with a request token bound to it by a ten-minute cookie', async () => {
    const r = await get(`${base}/auth/interaction/${UID}`);
    assert.equal(r.status, 303);
    assert.equal(r.location, `${oscarUrl}/ws/oauth/authorize?oauth_token=rt-1`);
    assert.equal(r.cookies.length, 1);
    assert.match(r.cookies[0]!, /^oscar_step=[A-Za-z0-9_-]{32}; Path=\/fhir\/auth\/interaction\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
    assert.deepEqual(oscarSaw.initiate, [{ callback: 'http://127.0.0.1/fhir/auth/interaction/uid-1/oscar', scope: 'SMART app: Chart app' }]);
  });

  it('with an outbound proxy (docs/proxy.md), both calls to OSCAR go through it', async () => {
    const proxy = await startOutboundProxy({ credentials: 'net:pw' });
    const deps = depsFor('http://127.0.0.1/fhir', false);
    const web = express();
    web.use('/fhir', interactionRoutes({ ...deps, oscar: { ...deps.oscar, proxy: { http: `http://net:pw@127.0.0.1:${proxy.port}`, noProxy: [] } } }));
    const f = await listen(web);
    try {
      const at = `${f.url}/fhir`;
      const { token, cookie } = await start(at);
      assert.equal((await callback(token, cookie, UID, at)).status, 303);
      assert.deepEqual(proxy.seen.map((x) => `${x.method} ${x.target}`), [`POST ${oscarUrl}/ws/oauth/initiate`, `POST ${oscarUrl}/ws/oauth/token`]);
      assert.equal(vaulted.length, 1);
    } finally {
      f.server.close();
      await proxy.close();
    }
  });

  it('over https the cookie is Secure, the callback is the public https URL', async () => {
    const r = await get(`${secureBase}/auth/interaction/${UID}`);
    assert.equal(r.status, 303);
    assert.match(r.cookies[0]!, /^oscar_step=[A-Za-z0-9_-]{32}; Path=\/secure\/fhir\/auth\/interaction\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
    assert.deepEqual(oscarSaw.initiate, [{ callback: 'https://fhir.example.org/secure/fhir/auth/interaction/uid-1/oscar', scope: 'SMART app: Chart app' }]);
    const { token, cookie } = { token: 'rt-1', cookie: r.cookies[0]!.split(';')[0]! };
    const back = await callback(token, cookie, UID, secureBase);
    assert.equal(back.status, 303);
    assert.deepEqual(back.cookies, ['oscar_step=; Path=/secure/fhir/auth/interaction/; HttpOnly; SameSite=Lax; Max-Age=0; Secure']);
  });

  it('OSCAR is told which app asks: its name, else its id, else "app"', async () => {
    clientId = 'nameless';
    await get(`${base}/auth/interaction/${UID}`);
    clientId = 'unregistered';
    await get(`${base}/auth/interaction/${UID}`);
    assert.deepEqual(oscarSaw.initiate.map((i) => i.scope), ['SMART app: nameless', 'SMART app: app']);
  });

  it('OSCAR\'s callback from the same browser: the token is exchanged, kept in the vault, and oidc-provider learns the OSCAR provider', async () => {
    const { token, cookie } = await start();
    const before = Date.now();
    const r = await callback(token, `theme=dark; ${cookie}; other=1`);
    const after = Date.now();
    assert.equal(r.status, 303, r.body);
    assert.deepEqual(r.cookies, ['oscar_step=; Path=/fhir/auth/interaction/; HttpOnly; SameSite=Lax; Max-Age=0']);
    assert.deepEqual(oscarSaw.exchange, [{ token: 'rt-1', verifier: 'v-1' }]);
    const [kept, ...more] = vaulted as { obtainedAt: number }[];
    assert.deepEqual([{ ...kept, obtainedAt: 0 }, ...more], [{ token: 'at-for-rt-1', secret: 'as-1', providerNo: '999998', obtainedAt: 0 }]);
    assert.ok(kept!.obtainedAt >= before && kept!.obtainedAt <= after, 'obtainedAt is the time of the exchange');
    assert.deepEqual(finished, [{ result: { login: { accountId: 'oscar:999998' } }, options: { mergeWithLastSubmission: false } }]);
    const again = await callback(token, cookie);
    assert.equal(again.status, 403, 'a request token serves once');
    assert.equal(finished.length, 1);
  });

  it('a callback not started by this browser for this interaction is refused (403) and exchanges nothing', async () => {
    const { token, cookie } = await start();
    const value = cookie.slice('oscar_step='.length);
    const flipped = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    for (const [what, r] of [
      ['no request token', await get(`${base}/auth/interaction/${UID}/oscar?oauth_verifier=v-1`, cookie)],
      ['an unknown request token', await callback('rt-9', cookie)],
      ['a repeated request token', await get(`${base}/auth/interaction/${UID}/oscar?oauth_token=${token}&oauth_token=${token}&oauth_verifier=v-1`, cookie)],
      ['another interaction', await callback(token, cookie, 'uid-2')],
      ['no cookie', await callback(token)],
      ['another cookie name', await callback(token, `x${cookie}`)],
      ['a wrong cookie of the same length', await callback(token, `oscar_step=${flipped}`)],
      ['a shorter cookie', await callback(token, `oscar_step=${value.slice(1)}`)],
    ] as const) {
      assert.equal(r.status, 403, what);
      assert.match(r.body, /<h1>Sign-in refused<\/h1>/, what);
      assert.match(r.body, /This OSCAR sign-in was not started from this browser\./, what);
      assert.equal(r.headers.get('cache-control'), 'no-store', what);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html\b/, what);
    }
    assert.deepEqual(oscarSaw.exchange, []);
    assert.deepEqual(finished, []);
    assert.equal((await callback(token, cookie)).status, 303, 'the right browser still signs in');
  });

  it('the cookie value is read as a cookie: "=" inside it kept, percent-escapes decoded', async () => {
    await documents.put('oscar-request', 'rt-x', { secret: 'rs-1', uid: UID, nonce: 'a=b c' });
    providerOf = async () => '999998';
    const r = await callback('rt-x', 'oscar_step=a=b%20c');
    assert.equal(r.status, 303, r.body);
  });

  it('a request token another callback is using right now is refused as already used', async () => {
    const { token, cookie } = await start();
    assert.equal(await documents.consume('oscar-request', token), true);
    const r = await callback(token, cookie);
    assert.equal(r.status, 403);
    assert.match(r.body, /<h1>Sign-in refused<\/h1>/);
    assert.match(r.body, /This OSCAR sign-in was already used\./);
    assert.deepEqual(oscarSaw.exchange, []);
  });

  it('the request token lives ten minutes', async () => {
    const started = now;
    const late = await start();
    now = started + 10 * 60_000 + 1;
    assert.equal((await callback(late.token, late.cookie)).status, 403);
    now = started;
    const inTime = await start();
    now = started + 10 * 60_000 - 1;
    providerOf = async () => '999998';
    assert.equal((await callback(inTime.token, inTime.cookie)).status, 303);
    now = started;
  });

  it('OSCAR refusing the exchange or not saying who signed in: a 502 page, nothing kept, nothing finished', async () => {
    for (const [what, setUp] of [
      ['the exchange is refused', () => { exchangeStatus = 401; }],
      ['OSCAR refuses to say who the token is', () => { providerOf = async () => { throw new OscarRefused('403'); }; }],
      ['OSCAR cannot say who the token is', () => { providerOf = async () => { throw new OscarUnreachable('down'); }; }],
      // contract 2.7: the new token refused at once (its provider gone): not a 500.
      ['OSCAR refuses the new token', () => { providerOf = async () => { throw new OscarSignInEndedError('user-rest:oauthInfo', 'unknown_provider'); }; }],
    ] as const) {
      setUp();
      const { token, cookie } = await start();
      const r = await callback(token, cookie);
      assert.equal(r.status, 502, what);
      assert.match(r.body, /OSCAR sign-in failed/, what);
      assert.match(r.body, /OSCAR did not confirm who signed in\. Start again\./, what);
      assert.equal(r.headers.get('cache-control'), 'no-store', what);
      assert.deepEqual(vaulted, [], what);
      assert.deepEqual(finished, [], what);
      exchangeStatus = 200;
      requestTokens = 0;
    }
  });

  it('OSCAR refusing the facade\'s own credentials when asked who signed in: a 502 page for the administrator, nothing kept, nothing finished', async () => {
    providerOf = async () => { throw new OscarAuthError('user-rest:oauthInfo', 'invalid_consumer'); };
    const { token, cookie } = await start();
    const r = await callback(token, cookie);
    assert.equal(r.status, 502);
    assert.match(r.body, /OSCAR sign-in failed/);
    assert.match(r.body, /OSCAR refused the facade&#39;s credentials, so it cannot confirm who signed in\. Tell whoever runs this service\./);
    assert.deepEqual(vaulted, []);
    assert.deepEqual(finished, []);
  });

  it('an interaction that expired while the user was at OSCAR: a 400 page, the OSCAR token kept for the next try', async () => {
    finishFails = true;
    const { token, cookie } = await start();
    const r = await callback(token, cookie);
    assert.equal(r.status, 400);
    assert.match(r.body, /Sign-in expired/);
    assert.match(r.body, /This sign-in is no longer valid \(it expired or was opened in another browser\)\./);
    assert.equal(vaulted.length, 1);
  });

  it('OSCAR not answering the start of the handshake: a 502 page', async () => {
    initiateStatus = 500;
    const r = await get(`${base}/auth/interaction/${UID}`);
    assert.equal(r.status, 502);
    assert.match(r.body, /OSCAR is not answering/);
    assert.match(r.body, /OSCAR could not start the sign-in\. Try again in a moment\./);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(r.cookies, []);
  });

  it('no interaction for this browser, or another one: a 400 page and OSCAR is not asked', async () => {
    detailsFail = true;
    const gone = await get(`${base}/auth/interaction/${UID}`);
    assert.equal(gone.status, 400);
    assert.match(gone.body, /<h1>Sign-in expired<\/h1>/);
    assert.match(gone.body, /This sign-in is no longer valid \(it expired or was opened in another browser\)\./);
    detailsFail = false;
    detailsUid = 'uid-2';
    const other = await get(`${base}/auth/interaction/${UID}`);
    assert.equal(other.status, 400);
    assert.match(other.body, /Sign-in expired/);
    assert.match(other.body, /This sign-in does not belong to this browser\./);
    assert.equal(other.headers.get('cache-control'), 'no-store');
    assert.deepEqual(oscarSaw.initiate, []);
  });

  it('the SMART style sheet: public, cached for a day, readable from any origin', async () => {
    const r = await fetch(`${base}/auth/smart-style-v1.json`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=86400');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await r.json(), { color_background: '#ffffff', color_highlight: '#2b6cb0', color_text: '#1a202c', dim_border_radius: '4px', font_family: 'system-ui, sans-serif' });
  });
});
