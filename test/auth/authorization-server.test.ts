// The SMART authorization server (provider.ts) in process, with no OSCAR: oidc-provider as the
// facade configures it, over the in-process state with a clock the test moves, and a stand-in for
// the facade's sign-in and consent pages that signs in a fixed OSCAR provider and grants what the
// test says. What an app and a backend client see: token answers, lifetimes, refresh rules, the
// re-check with OSCAR on refresh, introspection between clients, CORS, error pages.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import express from 'express';
import { decodeJwt, SignJWT } from 'jose';
import { parseSmartClients } from '../../src/auth/clients.js';
import { OscarUnreachable } from '../../src/auth/oscar/user-rest.js';
import { serverKeys } from '../../src/auth/server/keys.js';
import { appScopeOf, backendScopeOf, createAuthorizationServer, type AuthorizationServer, type GrantContext } from '../../src/auth/server/provider.js';
import { InProcessDocuments } from '../../src/state/in-process.js';
import { keyPair, type KeyPair } from './fixture.js';
import { Browser, pkce } from './launch-flow.js';

const REDIRECT = 'http://127.0.0.1:9/app/callback';
const APP_ORIGIN = 'http://127.0.0.1:9';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ACCESS_SECONDS = 321;
const SECRET = 'a-client-secret-of-at-least-32-characters';
/** A backend client's key set on the internet (the test answers for it in place of the network). */
const REMOTE_JWKS = 'https://keys.example.org/remote/jwks.json';

describe('the SMART authorization server in process', () => {
  const T0 = Date.now();
  let now = T0;
  const documents = new InProcessDocuments(10_000, () => now);
  const contexts = new Map<string, GrantContext>();
  /** What the stand-in consent page grants next. */
  let plan: { words: string; resource: string; context?: GrantContext };
  /** OSCAR's answer to "is this provider still signed in?" on a refresh, and who was asked. */
  let stillSignedIn: () => Promise<boolean>;
  const asked: string[] = [];
  let server: AuthorizationServer;
  let http: Server;
  let base = '';
  let backend: KeyPair;
  let other: KeyPair;

  before(async () => {
    backend = await keyPair('ES384');
    other = await keyPair('ES384');
    http = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/fhir`;
    const problems: string[] = [];
    const clients = parseSmartClients({ clients: [
      { client_id: 'app', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post', client_secret: SECRET, scope: 'openid fhirUser launch/patient offline_access online_access patient/*.rs user/*.rs' },
      { client_id: 'backend', scope: 'system/Patient.rs system/Observation.rs', jwks: { keys: [backend.publicJwk] } },
      { client_id: 'other-backend', scope: 'system/Patient.rs', jwks: { keys: [other.publicJwk] } },
      { client_id: 'remote-backend', scope: 'system/Patient.rs', jwks_uri: REMOTE_JWKS },
    ] }, problems);
    assert.deepEqual(problems, []);
    server = createAuthorizationServer({
      issuer: base, clients, documents, keys: await serverKeys(undefined, documents), accessTokenSeconds: ACCESS_SECONDS,
      cookieKeys: ['a-cookie-key-for-tests-only'], https: false,
      grantContext: async (id) => contexts.get(id),
      stillSignedIn: async (providerNo) => { asked.push(providerNo); return stillSignedIn(); },
    });
    const { provider } = server;
    const web = express();
    // The facade's sign-in and consent pages, reduced to what oidc-provider needs from them.
    web.get('/fhir/auth/interaction/:uid', async (req, res) => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: 'oscar:999998' } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      if (plan.words) grant.addOIDCScope(plan.words);
      if (plan.resource) grant.addResourceScope(base, plan.resource);
      const grantId = await grant.save();
      if (plan.context) contexts.set(grantId, plan.context);
      await documents.put('smart-context', grantId, plan.context ?? {}, { lookup: { grantId } });
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    });
    web.use('/fhir', (req, res, next) => { if (server.handles(req.path)) server.callback(req, res); else next(); });
    http.on('request', web);
  });
  after(() => { http.close(); });
  beforeEach(() => { now = T0; stillSignedIn = async () => true; asked.length = 0; });

  const post = async (path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
    const text = await r.text();
    let body: Record<string, unknown>;
    try { body = text ? JSON.parse(text) as Record<string, unknown> : {}; } catch { throw new Error(`${r.status} ${text}`); }
    return { status: r.status, body, headers: r.headers };
  };

  /** The app's authorization request walked to its code (or the error sent back to the app). */
  async function authorize(scope: string, extra: Record<string, string> = {}): Promise<{ code?: string; error?: string; description?: string; verifier: string; browser: Browser; uid?: string }> {
    const { verifier, challenge } = pkce();
    const browser = new Browser();
    const q = new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: REDIRECT, scope, state: 's-1', aud: base, code_challenge: challenge, code_challenge_method: 'S256', ...extra });
    let uid: string | undefined;
    const hop = await browser.follow(`${base}/auth/authorize?${q}`, {}, (u) => {
      uid ??= /\/auth\/interaction\/([^/?]+)/.exec(u)?.[1];
      return u.startsWith(REDIRECT);
    });
    const back = new URL(hop.location ?? 'http://none/');
    return {
      ...(back.searchParams.get('code') && { code: back.searchParams.get('code')! }),
      ...(back.searchParams.get('error') && { error: back.searchParams.get('error')!, description: back.searchParams.get('error_description')! }),
      verifier, browser, ...(uid && { uid }),
    };
  }
  const redeem = (code: string, verifier: string, headers: Record<string, string> = {}) =>
    post('/auth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'app', code_verifier: verifier, client_secret: SECRET }, headers);
  const refresh = (token: string) => post('/auth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: 'app', client_secret: SECRET });
  async function tokens(scope: string): Promise<Record<string, unknown>> {
    const a = await authorize(scope);
    assert.ok(a.code, a.description);
    const t = await redeem(a.code, a.verifier);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    return t.body;
  }

  it('an app\'s token answer: the launch context, the SMART words, fhirUser in the id_token, a refresh token for offline_access', async () => {
    plan = { words: 'openid fhirUser launch/patient offline_access', resource: 'patient/Patient.rs', context: { patient: '1001', needPatientBanner: false } };
    const t = await tokens('openid fhirUser launch/patient offline_access patient/Patient.rs');
    assert.equal(t.token_type, 'Bearer');
    assert.equal(t.expires_in, ACCESS_SECONDS);
    assert.equal(t.smart_style_url, `${base}/auth/smart-style-v1.json`);
    assert.doesNotMatch(String(t.access_token), /\./, 'opaque');
    assert.equal(t.patient, '1001');
    assert.equal(t.need_patient_banner, false);
    assert.deepEqual(String(t.scope).split(' ').sort(), ['fhirUser', 'launch/patient', 'offline_access', 'openid', 'patient/Patient.rs']);
    assert.equal(typeof t.refresh_token, 'string');
    const id = decodeJwt(String(t.id_token));
    assert.equal(id.sub, 'oscar:999998');
    assert.equal(id.fhirUser, 'Practitioner/999998');
    assert.equal(id.aud, 'app');
    assert.equal(id.iss, base);
    assert.equal(id.exp! - id.iat!, 3600);
    const at = await server.provider.AccessToken.find(String(t.access_token));
    assert.deepEqual(at?.extra, { patient: '1001', need_patient_banner: false, fhirUser: 'Practitioner/999998' });
    assert.equal(at?.aud, base);
    assert.equal(at?.expiration, ACCESS_SECONDS);
    assert.deepEqual(asked, [], 'redeeming a code does not ask OSCAR');
  });

  it('a patient without a banner decision gets one; no context, no patient; only online_access: a refresh token that ends with the session; neither: none', async () => {
    plan = { words: 'openid online_access', resource: 'patient/Patient.rs', context: { patient: '1002' } };
    const online = await tokens('openid online_access patient/Patient.rs');
    assert.equal(online.patient, '1002');
    assert.equal(online.need_patient_banner, true);
    plan = { words: 'openid', resource: 'user/Patient.rs' };
    const plain = await tokens('openid user/Patient.rs');
    assert.equal(plain.refresh_token, undefined);
    assert.equal(plain.patient, undefined);
    assert.equal(plain.need_patient_banner, undefined);
    assert.deepEqual((await server.provider.AccessToken.find(String(plain.access_token)))?.extra, { fhirUser: 'Practitioner/999998' });
  });

  it('a refresh asks OSCAR whether the user is still signed in: yes, new tokens; withdrawn, the grant and its context end (invalid_grant)', async () => {
    plan = { words: 'openid offline_access', resource: 'user/Patient.rs', context: { patient: '1001' } };
    const t = await tokens('openid offline_access user/Patient.rs');
    const again = await refresh(String(t.refresh_token));
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(asked, ['999998']);
    const grantId = (await server.provider.RefreshToken.find(String(again.body.refresh_token)))!.grantId!;
    stillSignedIn = async () => false;
    const ended = await refresh(String(again.body.refresh_token));
    assert.equal(ended.status, 400);
    assert.equal(ended.body.error, 'invalid_grant');
    assert.equal(ended.body.error_description, 'grant request is invalid');
    assert.equal(await server.provider.Grant.find(grantId), undefined);
    assert.equal(await documents.get('smart-context', grantId), undefined);
  });

  it('OSCAR not answering on a refresh: 503 with Retry-After, and the refresh token still works later', async () => {
    plan = { words: 'openid offline_access', resource: 'user/Patient.rs' };
    const t = await tokens('openid offline_access user/Patient.rs');
    stillSignedIn = async () => { throw new OscarUnreachable('down'); };
    const r = await refresh(String(t.refresh_token));
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '5');
    assert.equal(r.body.error, 'temporarily_unavailable');
    stillSignedIn = async () => true;
    assert.equal((await refresh(String(t.refresh_token))).status, 200);
  });

  it('an offline_access refresh token outlives the 8-hour sign-in session; an online_access one ends with it', async () => {
    plan = { words: 'openid offline_access', resource: 'user/Patient.rs' };
    const offline = await tokens('openid offline_access user/Patient.rs');
    plan = { words: 'openid online_access', resource: 'user/Patient.rs' };
    const online = await tokens('openid online_access user/Patient.rs');
    now = T0 + 8 * 3_600_000 - 1;
    const during = await refresh(String(online.refresh_token));
    assert.equal(during.status, 200, JSON.stringify(during.body));
    now = T0 + 8 * 3_600_000 + 1;
    const afterSession = await refresh(String(during.body.refresh_token));
    assert.equal(afterSession.status, 400);
    assert.equal(afterSession.body.error, 'invalid_grant');
    const kept = await refresh(String(offline.refresh_token));
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
  });

  it('lifetimes kept in the state: code 60 s, interaction 10 min, session 8 h, access token as configured, refresh token and grant 30 days', async () => {
    plan = { words: 'openid offline_access', resource: 'user/Patient.rs' };
    const a = await authorize('openid offline_access user/Patient.rs');
    const b = await authorize('openid offline_access user/Patient.rs');
    const p = server.provider;
    now = T0 + 60_000 - 1;
    assert.ok(await p.AuthorizationCode.find(a.code!));
    now = T0 + 60_000 + 1;
    assert.equal(await p.AuthorizationCode.find(a.code!), undefined);
    now = T0;
    // An interaction the user has not finished yet.
    const started = await new Browser().request(`${base}/auth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: REDIRECT, scope: 'openid', aud: base, code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`);
    const uid = /\/auth\/interaction\/([^/?]+)/.exec(started.location ?? '')?.[1];
    assert.ok(uid, started.body);
    now = T0 + 600_000 - 1;
    assert.ok(await p.Interaction.find(uid));
    now = T0 + 600_000 + 1;
    assert.equal(await p.Interaction.find(uid), undefined);
    now = T0;
    const t = await redeem(b.code!, b.verifier);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const rt = await p.RefreshToken.find(String(t.body.refresh_token));
    const probe = async (): Promise<Record<string, boolean>> => ({
      access: !!(await p.AccessToken.find(String(t.body.access_token))),
      refresh: !!(await p.RefreshToken.find(String(t.body.refresh_token))),
      grant: !!(await p.Grant.find(rt!.grantId!)),
      session: !!(await p.Session.findByUid(rt!.sessionUid!)),
    });
    now = T0 + ACCESS_SECONDS * 1000 - 1;
    assert.deepEqual(await probe(), { access: true, refresh: true, grant: true, session: true });
    now = T0 + ACCESS_SECONDS * 1000 + 1;
    assert.equal((await probe()).access, false);
    now = T0 + 8 * 3_600_000 - 1;
    assert.equal((await probe()).session, true);
    now = T0 + 8 * 3_600_000 + 1;
    assert.equal((await probe()).session, false);
    now = T0 + 30 * 86_400_000 - 1;
    assert.deepEqual({ ...(await probe()), session: false }, { access: false, refresh: true, grant: true, session: false });
    now = T0 + 30 * 86_400_000 + 1;
    assert.deepEqual(await probe(), { access: false, refresh: false, grant: false, session: false });
  });

  it('the token endpoint answers an app\'s browser code only from the app\'s own origin (CORS)', async () => {
    plan = { words: 'openid', resource: 'user/Patient.rs' };
    const a = await authorize('openid user/Patient.rs');
    const mine = await redeem(a.code!, a.verifier, { origin: APP_ORIGIN });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.get('access-control-allow-origin'), APP_ORIGIN);
    const b = await authorize('openid user/Patient.rs');
    const foreign = await redeem(b.code!, b.verifier, { origin: 'http://evil.example.org' });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error_description, 'origin http://evil.example.org not allowed for client: app');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  /** A client assertion of `who` for the token endpoint, lifetime and audience as given. */
  async function assertion(who: 'backend' | 'other-backend', o: { expIn?: number; aud?: string | string[] } = {}): Promise<string> {
    const key = who === 'backend' ? backend : other;
    const seconds = Math.floor(Date.now() / 1000);
    return new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: key.kid }).setIssuer(who).setSubject(who)
      .setAudience(o.aud ?? `${base}/auth/token`).setJti(crypto.randomUUID()).setIssuedAt(seconds).setExpirationTime(seconds + (o.expIn ?? 60))
      .sign(key.privateKey);
  }
  const credentials = async (who: 'backend' | 'other-backend', scope: string, o: Parameters<typeof assertion>[1] = {}, headers: Record<string, string> = {}) =>
    post('/auth/token', { grant_type: 'client_credentials', scope, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(who, o) }, headers);

  it('a backend client: the request narrowed to its registration, the configured lifetime; nothing left is invalid_scope', async () => {
    const r = await credentials('backend', 'system/Patient.rs system/Encounter.rs system/Observation.read patient/Patient.rs');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.scope, 'system/Patient.rs system/Observation.rs');
    assert.equal(r.body.expires_in, ACCESS_SECONDS);
    assert.doesNotMatch(String(r.body.access_token), /\./, 'opaque');
    assert.equal((await server.provider.ClientCredentials.find(String(r.body.access_token)))?.aud, base);
    const elsewhere = await post('/auth/token', { grant_type: 'client_credentials', scope: 'system/Patient.rs', resource: 'https://other.example.org/fhir', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion('backend') });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.body.error, 'invalid_target');
    assert.equal(elsewhere.body.error_description, 'the only resource (aud) here is this FHIR base');
    const browser = await credentials('backend', 'system/Patient.rs', {}, { origin: APP_ORIGIN });
    assert.equal(browser.status, 400, 'a backend client has no browser origin');
    assert.equal(browser.body.error_description, `origin ${APP_ORIGIN} not allowed for client: backend`);
    const none = await credentials('backend', 'system/Encounter.rs');
    assert.equal(none.status, 400);
    assert.equal(none.body.error, 'invalid_scope');
    assert.equal(none.body.error_description, 'none of the requested scopes is allowed for this client (backend clients get system/ scopes)');
  });

  it('a client assertion must name the token endpoint (alone or among others) and live at most 5 minutes (5 s of clock tolerance)', async () => {
    assert.equal((await credentials('backend', 'system/Patient.rs', { aud: ['https://elsewhere.example.org', `${base}/auth/token`] })).status, 200);
    const wrongAud = await credentials('backend', 'system/Patient.rs', { aud: base });
    assert.equal(wrongAud.status, 401);
    assert.equal(wrongAud.body.error, 'invalid_client');
    assert.equal((await credentials('backend', 'system/Patient.rs', { expIn: 305 })).status, 200);
    const long = await credentials('backend', 'system/Patient.rs', { expIn: 307 });
    assert.equal(long.status, 401);
    assert.equal(long.body.error, 'invalid_client');
  });

  it('the 5-minute limit counts from the current whole second: half a second in, 306 s is already too long', async (t) => {
    // The clock is pinned half-way through a second so the test cannot race a second boundary.
    mock.timers.enable({ apis: ['Date'], now: Math.floor(Date.now() / 1000) * 1000 + 500 });
    t.after(() => mock.timers.reset());
    assert.equal((await credentials('backend', 'system/Patient.rs', { expIn: 305 })).status, 200);
    const justOver = await credentials('backend', 'system/Patient.rs', { expIn: 306 });
    assert.equal(justOver.status, 401);
    assert.equal(justOver.body.error, 'invalid_client');
  });

  it('introspection: a client learns about its own tokens only', async () => {
    const t = String((await credentials('backend', 'system/Patient.rs')).body.access_token);
    const own = await post('/auth/introspect', { token: t, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion('backend') });
    assert.equal(own.body.active, true);
    assert.equal(own.body.client_id, 'backend');
    const others = await post('/auth/introspect', { token: t, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion('other-backend') });
    assert.deepEqual(others.body, { active: false });
  });

  it('an authorization request: aud must be this FHIR base (a trailing slash aside); a launch is refused where there is no EHR launch', async () => {
    plan = { words: 'openid', resource: 'user/Patient.rs' };
    assert.ok((await authorize('openid user/Patient.rs', { aud: `${base}/` })).code);
    const wrong = await authorize('openid user/Patient.rs', { aud: 'https://other.example.org/fhir' });
    assert.equal(wrong.error, 'invalid_request');
    assert.equal(wrong.description, 'aud must be this FHIR server\'s base URL');
    const launch = await authorize('openid launch user/Patient.rs', { launch: 'L-1' });
    assert.equal(launch.error, 'invalid_request');
    assert.equal(launch.description, 'this server has no EHR launch');
  });

  it('an error that cannot go back to the app is a page, every value escaped', async () => {
    const r = await fetch(`${base}/auth/authorize?client_id=%3Cb%3Eapp&response_type=code`, { redirect: 'manual' });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    const body = await r.text();
    assert.match(body, /<h1>This request cannot go on<\/h1><p>invalid_client: client is invalid<\/p>/);
    const unregistered = await (await fetch(`${base}/auth/authorize?client_id=app&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/"other')}`, { redirect: 'manual' })).text();
    assert.match(unregistered, /<p>invalid_redirect_uri: redirect_uri did not match any of the client&#39;s registered redirect_uris<\/p>/);
  });

  it('a backend client\'s https jwks_uri is registered as given (only a localhost http one is spelled https)', async () => {
    const problems: string[] = [];
    const clients = parseSmartClients({ clients: [
      { client_id: 'remote', scope: 'system/Patient.rs', jwks_uri: 'https://keys.example.org/app/jwks.json' },
      { client_id: 'local', scope: 'system/Patient.rs', jwks_uri: 'http://localhost:8555/jwks.json' },
    ] }, problems);
    assert.deepEqual(problems, []);
    const s = createAuthorizationServer({
      issuer: 'https://fhir.example.org/fhir', clients, documents, keys: await serverKeys(undefined, documents), accessTokenSeconds: ACCESS_SECONDS,
      cookieKeys: ['another-cookie-key'], https: true, grantContext: async () => undefined,
    });
    assert.equal((await s.provider.Client.find('remote'))?.jwksUri, 'https://keys.example.org/app/jwks.json');
    assert.equal((await s.provider.Client.find('local'))?.jwksUri, 'https://localhost:8555/jwks.json');
  });

  it('a backend client\'s key set is fetched from its https jwks_uri itself', async () => {
    const realFetch = globalThis.fetch;
    const fetched: string[] = [];
    const network = mock.method(globalThis, 'fetch', async (url: string | URL | Request, init?: RequestInit) => {
      if (String(url) !== REMOTE_JWKS) return realFetch(url, init);
      fetched.push(String(url));
      return new Response(JSON.stringify({ keys: [other.publicJwk] }), { headers: { 'content-type': 'application/json' } });
    });
    try {
      const seconds = Math.floor(Date.now() / 1000);
      const signed = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: other.kid }).setIssuer('remote-backend').setSubject('remote-backend')
        .setAudience(`${base}/auth/token`).setJti(crypto.randomUUID()).setIssuedAt(seconds).setExpirationTime(seconds + 60).sign(other.privateKey);
      const r = await post('/auth/token', { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: ASSERTION_TYPE, client_assertion: signed });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(fetched, [REMOTE_JWKS]);
    } finally { network.mock.restore(); }
  });

  it('offers no sign-out and no userinfo: neither is advertised, and their paths answer 404', async () => {
    const meta = await (await fetch(`${base}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(meta.token_endpoint, `${base}/auth/token`);
    assert.equal('end_session_endpoint' in meta, false);
    assert.equal('userinfo_endpoint' in meta, false);
    for (const path of ['/auth/logout', '/auth/userinfo']) {
      const r = await fetch(`${base}${path}`, { redirect: 'manual' });
      await r.arrayBuffer();
      assert.equal(r.status, 404, path);
    }
  });

  it('handles exactly its own paths below the FHIR base', () => {
    for (const path of ['/auth/authorize', '/auth/token', '/auth/jwks', '/auth/introspect', '/auth/revoke', '/auth/userinfo', '/auth/logout', '/.well-known/openid-configuration', '/auth/authorize/uid-1']) {
      assert.equal(server.handles(path), true, path);
    }
    for (const path of ['/auth/interaction/uid-1', '/auth/apps', '/auth/launch/app', '/Patient', '/auth/authorizeX', '/.well-known/smart-configuration']) {
      assert.equal(server.handles(path), false, path);
    }
  });

  it('behind an https proxy: its cookies are Secure, HttpOnly and SameSite=Lax (the proxy\'s X-Forwarded-Proto is trusted)', async () => {
    const problems: string[] = [];
    const secure = createAuthorizationServer({
      issuer: 'https://fhir.example.org/fhir', clients: parseSmartClients({ clients: [{ client_id: 'app', redirect_uris: ['https://app.example.org/cb'], scope: 'openid user/*.rs' }] }, problems),
      documents, keys: await serverKeys(undefined, documents), accessTokenSeconds: ACCESS_SECONDS, cookieKeys: ['another-cookie-key'], https: true,
      grantContext: async () => undefined,
    });
    assert.deepEqual(problems, []);
    const front = createServer((req, res) => { req.url = req.url!.replace(/^\/fhir/, ''); secure.callback(req, res); }).listen(0, '127.0.0.1');
    await new Promise((r) => front.once('listening', r));
    try {
      const q = new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: 'https://app.example.org/cb', scope: 'openid user/Patient.rs', aud: 'https://fhir.example.org/fhir', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
      const r = await fetch(`http://127.0.0.1:${(front.address() as AddressInfo).port}/fhir/auth/authorize?${q}`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'fhir.example.org' } });
      assert.equal(r.status, 303, await r.text());
      assert.match(r.headers.get('location') ?? '', /^\/fhir\/auth\/interaction\/[^/]+$/);
      const cookies = r.headers.getSetCookie().filter((c) => /^_interaction(_resume)?=/.test(c));
      assert.equal(cookies.length, 2, r.headers.getSetCookie().join('\n'));
      for (const c of cookies) {
        const attrs = c.split(';').map((a) => a.trim().toLowerCase());
        assert.ok(attrs.includes('secure'), c);
        assert.ok(attrs.includes('httponly'), c);
        assert.ok(attrs.includes('samesite=lax'), c);
      }
    } finally { front.close(); }
  });

  it('the sign-in session\'s cookie is HttpOnly and SameSite=Lax, and not Secure over plain http', async () => {
    const a = await authorize('openid patient/Patient.rs');
    const session = a.browser.hops.flatMap((h) => h.setCookies).filter((c) => /^_session=[^;]/.test(c));
    assert.ok(session.length > 0, 'the walk to the code set a session cookie');
    for (const c of session) {
      const attrs = c.split(';').map((x) => x.trim().toLowerCase());
      assert.ok(attrs.includes('httponly'), c);
      assert.ok(attrs.includes('samesite=lax'), c);
      assert.ok(!attrs.includes('secure'), c);
    }
  });

  it('over plain http its cookies are not Secure (a browser would drop them)', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: REDIRECT, scope: 'openid user/Patient.rs', aud: base, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const r = await fetch(`${base}/auth/authorize?${q}`, { redirect: 'manual' });
    assert.equal(r.status, 303);
    const cookies = r.headers.getSetCookie().filter((c) => /^_interaction(_resume)?=/.test(c));
    assert.equal(cookies.length, 2);
    for (const c of cookies) {
      const attrs = c.split(';').map((a) => a.trim().toLowerCase());
      assert.ok(!attrs.includes('secure'), c);
      assert.ok(attrs.includes('httponly'), c);
      assert.ok(attrs.includes('samesite=lax'), c);
    }
  });
});

describe('which requested scopes a client may have', () => {
  const problems: string[] = [];
  const [app, backend] = parseSmartClients({ clients: [
    { client_id: 'app', redirect_uris: [REDIRECT], scope: 'openid patient/Patient.rs patient/Observation.rs user/*.r' },
    { client_id: 'backend', scope: 'system/Patient.rs system/Observation.cruds', jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'AAAA', y: 'AAAA', kid: 'k' }] } },
  ] }, problems);

  it('an app: each requested resource scope its registration covers, word for word (v1 stays v1); others dropped', () => {
    assert.deepEqual(problems, []);
    for (const [requested, kept] of [
      ['patient/Patient.rs', ['patient/Patient.rs']],
      ['patient/Patient.read', ['patient/Patient.read']],
      ['patient/Patient.r patient/Patient.s', ['patient/Patient.r', 'patient/Patient.s']],
      ['patient/Patient.cruds', []],
      ['patient/*.rs', []],
      ['patient/Immunization.rs', []],
      ['user/Encounter.r user/Encounter.rs', ['user/Encounter.r']],
      ['system/Patient.rs openid launch/patient', []],
      ['openid  patient/Observation.rs', ['patient/Observation.rs']],
      ['patient/Patient.rs?category=x', []],
    ] as const) {
      assert.deepEqual(appScopeOf(app!, requested), kept, requested);
    }
  });

  it('a backend client: the system/ scopes requested, narrowed to its registration, in v2 form', () => {
    for (const [requested, kept] of [
      ['system/Patient.rs', 'system/Patient.rs'],
      ['system/Patient.read system/Observation.write', 'system/Patient.rs system/Observation.cud'],
      ['system/Patient.cruds', 'system/Patient.rs'],
      ['system/*.rs', 'system/Patient.rs system/Observation.rs'],
      ['patient/Patient.rs user/Patient.rs', ''],
      ['system/Encounter.rs', ''],
    ] as const) {
      assert.equal(backendScopeOf(backend!, requested), kept, requested);
    }
  });
});

