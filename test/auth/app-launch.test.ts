// A SMART app launched by a clinician whose identity comes from OSCAR's own sign-in: the
// facade's authorization server sends the browser through the simulator's OAuth 1.0a consent,
// then its own consent page with a patient picker; the app gets the patient, fhirUser, the
// scopes and a refresh token, and reads that patient's data with OSCAR's privileges of the user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createLogger } from '../../src/logging.js';
import { settledOscarCalls, startSecureStack, type SecureStack } from './fixture.js';
import { launch, redeem, Browser, DOCTOR, BILLING_CLERK } from './launch-flow.js';

const APP = 'growth-chart';
const REDIRECT = 'http://127.0.0.1:9/app/callback';
const SCOPE = 'launch/patient openid fhirUser online_access patient/Patient.rs patient/Immunization.rs patient/AllergyIntolerance.rs';

describe('SMART App Launch with OSCAR as the sign-in', () => {
  let s: SecureStack;
  let surname = '';
  let logs = '';
  before(async () => {
    s = await startSecureStack({
      logger: createLogger('debug', { write: (line: string) => { logs += line; } }),
      apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch launch/patient openid fhirUser online_access patient/*.rs user/*.rs' }],
    });
    surname = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName;
  });
  after(async () => { await s.close(); });

  const standalone = (extra: Partial<Parameters<typeof launch>[0]> = {}) =>
    launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, pick: surname, ...extra });
  /** A refresh at the token endpoint: its status, Retry-After and JSON answer. */
  const refresh = (token: string) => fetch(`${s.base}/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: APP }).toString(),
  }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() as Record<string, unknown> }));

  it('standalone launch: OSCAR sign-in, patient picked, code → token with patient, fhirUser, scopes and a refresh token', async () => {
    const r = await standalone();
    assert.equal(r.callback.searchParams.get('state'), r.state);
    assert.ok(r.callback.searchParams.get('code'), r.callback.href);
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.headers.get('cache-control'), 'no-store');
    assert.equal(t.headers.get('pragma'), 'no-cache');
    assert.match(String(t.body.patient), /^[0-9]+$/);
    assert.equal(t.body.need_patient_banner, true, 'a standalone app shows the patient itself');
    assert.equal(t.body.smart_style_url, `${s.base}/auth/smart-style-v1.json`);
    const scope = String(t.body.scope).split(' ');
    for (const w of ['openid', 'fhirUser', 'launch/patient', 'patient/Patient.rs', 'patient/Immunization.rs']) assert.ok(scope.includes(w), `${w} in ${t.body.scope}`);
    assert.ok(typeof t.body.refresh_token === 'string', 'online_access gives a refresh token');
    const idToken = String(t.body.id_token);
    assert.equal(decodeProtectedHeader(idToken).alg, 'RS256');
    const claims = decodeJwt(idToken);
    assert.equal(claims.fhirUser, `Practitioner/${s.sim.store.data.providers[0]!.providerNo}`);
    assert.equal(claims.iss, s.base);
    assert.equal(claims.aud, APP);
    const patient = await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`);
    assert.equal(patient.status, 200, patient.text);
    assert.equal(patient.body.id, t.body.patient);
    const other = s.sim.store.data.demographics.find((d) => String(d.demographicNo) !== t.body.patient)!;
    const foreign = await s.as(String(t.body.access_token), `/Patient/${other.demographicNo}`);
    assert.equal(foreign.status, 404, 'another patient is outside the token\'s compartment');
    const user = await s.as(String(t.body.access_token), `/${claims.fhirUser as string}`);
    assert.equal(user.status, 403, 'Practitioner was not granted to this app (patient/ scopes only)');
  });

  it('discovery: SMART and OpenID configuration describe the app launch (smart §1.1, §1.5)', async () => {
    const smart = await (await fetch(`${s.base}/.well-known/smart-configuration`, { headers: { accept: 'text/html' } })).json() as Record<string, unknown>;
    assert.equal(smart.authorization_endpoint, `${s.base}/auth/authorize`);
    assert.equal(smart.issuer, s.base);
    for (const c of ['launch-standalone', 'client-public', 'sso-openid-connect', 'context-standalone-patient', 'permission-patient', 'permission-user', 'permission-online', 'permission-v1', 'permission-v2']) {
      assert.ok((smart.capabilities as string[]).includes(c), c);
    }
    assert.ok((smart.capabilities as string[]).includes('authorize-post'), 'POST authorization works over plain http too');
    assert.deepEqual(smart.code_challenge_methods_supported, ['S256']);
    assert.ok((smart.grant_types_supported as string[]).includes('authorization_code'));
    const oidc = await (await fetch(`${s.base}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(oidc.issuer, s.base);
    for (const f of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported']) assert.ok(oidc[f], f);
    assert.ok((oidc.id_token_signing_alg_values_supported as string[]).includes('RS256'));
    const jwks = await (await fetch(String(oidc.jwks_uri))).json() as { keys: { kty: string; d?: string }[] };
    assert.ok(jwks.keys.some((k) => k.kty === 'RSA'));
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'public keys only');
  });

  it('never logs OSCAR tokens, their secrets, codes or access tokens', async () => {
    const r = await standalone();
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`);
    const oscarTokens = s.sim.store.data.oauthAccessTokens.slice(1);
    assert.ok(oscarTokens.length > 0, 'the sign-ins left OSCAR tokens');
    assert.ok(logs.length > 0, 'the facade logged something');
    for (const secret of [...oscarTokens.flatMap((o) => [o.token, o.secret]), String(t.body.access_token), String(t.body.refresh_token), r.callback.searchParams.get('code')!]) {
      assert.ok(!logs.includes(secret), 'a token or secret reached the logs');
    }
  });

  it('a user who deletes the facade\'s token in OSCAR ends the app\'s access: 401 at the next check with OSCAR', async () => {
    // Another patient than the other tests': "OSCAR shows this user this patient" is trusted for a minute.
    const other = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC' && d.lastName !== surname)!;
    const r = await standalone({ pick: other.lastName });
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    // What provider/clients.jsp (tokenManage.json) does: the access-token row goes.
    const rows = s.sim.store.data.oauthAccessTokens;
    rows.splice(rows.length - 1, 1);
    const read = await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`);
    assert.equal(read.status, 401, read.text);
    assert.match(read.headers.get('www-authenticate') ?? '', /error="invalid_token", error_description="the user's sign-in to the EMR has ended/);
  });

  it('refresh re-checks the user with OSCAR: a token deleted in OSCAR ends the grant (invalid_grant) and leaves the vault; OSCAR down is a 503 and the refresh token survives', async () => {
    const doctorNo = s.sim.store.data.providers[0]!.providerNo;
    const t = await redeem(s.base, await standalone(), { clientId: APP, redirectUri: REDIRECT });
    // OSCAR down: nothing is decided, nothing spent.
    const fault = s.sim.faults.add({ match: { path: '/ws/services/oauth/info' }, mode: 'http500' });
    const down = await refresh(String(t.body.refresh_token));
    s.sim.faults.remove(fault);
    assert.deepEqual([down.status, down.body.error], [503, 'temporarily_unavailable'], JSON.stringify(down.body));
    assert.ok(down.retryAfter);
    const ok = await refresh(String(t.body.refresh_token));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(await s.facade.state.vault.get(`oscar-token:${doctorNo}`), 'the user\'s OSCAR token is kept');
    // What provider/clients.jsp (tokenManage.json) does: the access-token row goes.
    const rows = s.sim.store.data.oauthAccessTokens;
    rows.splice(rows.length - 1, 1);
    const withdrawn = await refresh(String(ok.body.refresh_token));
    assert.equal(withdrawn.body.error, 'invalid_grant', JSON.stringify(withdrawn.body));
    assert.equal(await s.facade.state.vault.get(`oscar-token:${doctorNo}`), undefined, 'the vault entry is dropped');
    assert.equal((await s.as(String(ok.body.access_token), `/Patient/${t.body.patient}`)).status, 401, 'the grant\'s access token ends too');
    // Signing in again (another launch) brings a new OSCAR token, not the withdrawn grant back.
    await redeem(s.base, await standalone(), { clientId: APP, redirectUri: REDIRECT });
    assert.equal((await refresh(String(ok.body.refresh_token))).body.error, 'invalid_grant', 'the grant was revoked');
  });

  it('refresh with OSCAR refusing the facade\'s own consumer (contract 2.7): 502 server_error, the user\'s OSCAR token and the refresh token kept, the operator told why', async () => {
    const doctorNo = s.sim.store.data.providers[0]!.providerNo;
    const t = await redeem(s.base, await standalone(), { clientId: APP, redirectUri: REDIRECT });
    // The REST client deleted (or its key mistyped) in OSCAR: OSCAR answers invalid_consumer to every call.
    const keys = s.sim.store.data.oauthClients.map((c) => c.key);
    for (const c of s.sim.store.data.oauthClients) c.key = `${c.key}-deleted`;
    const before = logs.length;
    const refused = await refresh(String(t.body.refresh_token));
    s.sim.store.data.oauthClients.forEach((c, i) => { c.key = keys[i]!; });
    assert.deepEqual([refused.status, refused.retryAfter, refused.body], [502, null, {
      error: 'server_error', error_description: 'OSCAR refused the facade\'s own credentials when checking the user\'s sign-in: the facade\'s OSCAR settings need correcting',
    }]);
    assert.ok(await s.facade.state.vault.get(`oscar-token:${doctorNo}`), 'the user\'s OSCAR token is kept');
    const said = logs.slice(before).split('\n').filter((l) => l.includes('OSCAR refused the facade\'s credentials'));
    assert.equal(said.length, 1, logs.slice(before));
    assert.match(said[0]!, /OSCAR does not know OSCAR_CONSUMER_KEY/);
    assert.ok(!said[0]!.includes(String(t.body.refresh_token)) && !said[0]!.includes(doctorNo), said[0]);
    // Fixed by the administrator: the same refresh token works, the sign-in was never dropped.
    const ok = await refresh(String(t.body.refresh_token));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('the user can untick resource types: the token lacks them and the API refuses them', async () => {
    const r = await standalone({ untick: ['patient/AllergyIntolerance.rs'] });
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.ok(!String(t.body.scope).includes('AllergyIntolerance'), String(t.body.scope));
    const refused = await s.as(String(t.body.access_token), `/AllergyIntolerance?patient=${t.body.patient}`);
    assert.equal(refused.status, 403);
    const allowed = await s.as(String(t.body.access_token), `/Immunization?patient=${t.body.patient}`);
    assert.equal(allowed.status, 200);
  });

  it('Deny on the facade\'s consent page sends access_denied back to the app (OSCAR\'s Cancel approves, so it is not the deny)', async () => {
    const r = await standalone({ decision: 'deny', oscarDecision: 'cancel' });
    assert.equal(r.callback.searchParams.get('error'), 'access_denied');
    assert.equal(r.callback.searchParams.get('code'), null);
    assert.equal(r.callback.searchParams.get('state'), r.state);
  });

  it('a provider whose OSCAR role lacks _demographic finds no patient in the picker, through the same app', async () => {
    await assert.rejects(standalone({ user: BILLING_CLERK }), /did not return to the app: 400[\s\S]*Choose a patient/);
    const b = new Browser();
    const partial = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: 'openid fhirUser user/Patient.rs', user: BILLING_CLERK }, b);
    const t = await redeem(s.base, partial, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(decodeJwt(String(t.body.id_token)).fhirUser, 'Practitioner/300301');
  });

  it('refresh: rotated, a subset is allowed, and reusing an old refresh token revokes the whole grant', async () => {
    const r = await standalone();
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    const refresh = (token: string, scope?: string) => fetch(`${s.base}/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: APP, ...(scope && { scope }) }).toString(),
    }).then(async (res) => ({ status: res.status, body: await res.json() as Record<string, unknown> }));
    const first = await refresh(String(t.body.refresh_token));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.notEqual(first.body.refresh_token, t.body.refresh_token, 'rotated');
    assert.equal(first.body.patient, t.body.patient, 'the launch context comes again');
    const narrower = await refresh(String(first.body.refresh_token), 'patient/Patient.rs');
    assert.equal(narrower.status, 200, JSON.stringify(narrower.body));
    const wider = await refresh(String(narrower.body.refresh_token), 'patient/Patient.rs user/Patient.rs');
    assert.equal(wider.body.error, 'invalid_scope');
    const reused = await refresh(String(t.body.refresh_token));
    assert.equal(reused.body.error, 'invalid_grant');
    const afterReuse = await refresh(String(narrower.body.refresh_token));
    assert.equal(afterReuse.body.error, 'invalid_grant', 'the grant was revoked on reuse');
    const read = await s.as(String(narrower.body.access_token), `/Patient/${t.body.patient}`);
    assert.equal(read.status, 401, 'its access tokens stop working too');
  });

  it('a token deleted in OSCAR met by the request\'s own REST call: 401 invalid_token with an OperationOutcome, the vault dropped, the next answered without OSCAR', async () => {
    const doctorNo = s.sim.options.credentials.providerNo;
    s.sim.revokeAccessTokens(doctorNo); // earlier sign-ins' tokens
    const r = await standalone();
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    const token = String(t.body.access_token);
    const patient = String(t.body.patient);
    // OSCAR showed the clinician the patient: trusted for a minute (smart §7.7), so the refusal is
    // met by the request's own REST call (the allergy list, contract 3.3), signed with their token.
    assert.equal((await s.as(token, `/Patient/${patient}`)).status, 200);
    assert.equal(s.sim.revokeAccessTokens(doctorNo), 1);
    const read = await s.as(token, `/AllergyIntolerance?patient=${patient}`);
    assert.equal(read.status, 401, read.text);
    assert.equal(read.headers.get('www-authenticate'), 'Bearer realm="oscar-fhir", error="invalid_token", error_description="the user\'s sign-in to the EMR has ended; sign in to the app again"');
    const outcome = JSON.parse(read.text) as { resourceType: string; issue: { severity: string; code: string; diagnostics: string }[] };
    assert.deepEqual(outcome, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'Invalid access token: the user\'s sign-in to the EMR has ended; sign in to the app again' }] });
    assert.equal(await s.facade.state.vault.get(`oscar-token:${doctorNo}`), undefined, 'the token OSCAR refused leaves the vault');
    const calls = await settledOscarCalls(s.sim);
    const next = await s.as(token, `/Patient/${patient}`);
    assert.equal(next.status, 401);
    assert.match(next.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal(await settledOscarCalls(s.sim), calls, 'answered without OSCAR');
  });
});

describe('the management page (management_endpoint)', () => {
  let s: SecureStack;
  before(async () => {
    s = await startSecureStack({ apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch/patient openid fhirUser online_access patient/*.rs' }] });
  });
  after(async () => { await s.close(); });

  it('lists the apps the user authorised and revokes one: its tokens stop working at once', async () => {
    const surname = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName;
    const r = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, pick: surname });
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    const smart = await (await fetch(`${s.base}/.well-known/smart-configuration`)).json() as Record<string, unknown>;
    assert.equal(smart.management_endpoint, `${s.base}/auth/apps`);
    assert.equal((await new Browser().request(`${s.base}/auth/apps`)).status, 401, 'a browser not signed in here sees nothing');
    const list = await r.browser.request(`${s.base}/auth/apps`);
    assert.equal(list.status, 200);
    assert.match(list.body, /Growth chart/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(list.body)![1]!;
    const grant = /name="grant" value="([^"]+)"/.exec(list.body)![1]!;
    const forged = await r.browser.request(`${s.base}/auth/apps`, { form: { csrf: 'x'.repeat(csrf.length), grant } });
    assert.equal(forged.status, 403);
    assert.equal((await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`)).status, 200);
    const revoked = await r.browser.request(`${s.base}/auth/apps`, { form: { csrf, grant } });
    assert.equal(revoked.status, 303);
    assert.equal((await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`)).status, 401);
    const refresh = await fetch(`${s.base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(t.body.refresh_token), client_id: APP }).toString() });
    assert.equal(((await refresh.json()) as { error?: string }).error, 'invalid_grant');
    assert.doesNotMatch((await r.browser.request(`${s.base}/auth/apps`)).body, /Growth chart/);
  });
});
