// The SMART sign-in's patient picker when the simulated OSCAR fails the clinician's search (its
// fault rules on /ws/services/demographics/quickSearch): a dropped connection, OSCAR's error page,
// and the host in front of OSCAR starting to redirect. The page says which — try again; OSCAR
// refused the search for this account (its error page is how it refuses a user without
// _demographic, contract 3.1); or the facade's OSCAR address needs an administrator — never the
// plain "no patient matches" of an empty answer; the search form
// stays; the log line is typed and holds neither the term nor a patient. Once OSCAR answers again
// the same sign-in finds the patient and ends at the app. A clinician whose OSCAR sign-in was
// revoked (the simulator deletes their access token as OSCAR's token list does; OSCAR then
// refuses it with the XMLFault invalid_signature, contract 2.7) is told it ended, not "your role"
// nor "try again"; the token leaves the vault, and the page's button runs OSCAR's sign-in again
// for the same authorization request, which then ends at the app.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging.js';
import type { FaultMode } from '../../src/sim/faults.js';
import { randomBytes } from 'node:crypto';
import { settledOscarCalls, startSecureStack, type SecureStack } from './fixture.js';
import { Browser, DOCTOR, formOf, launch, pkce, redeem, signInAtOscar } from './launch-flow.js';
import { keptToken, PICKER_APP as APP, PICKER_REDIRECT as REDIRECT, PICKER_SCOPE as SCOPE, startPickerStack, toPicker as pickerOf, type PickerStack } from './picker-stack.js';

const QUICK_SEARCH = '/ws/services/demographics/quickSearch';
const ENDED = 'Your OSCAR sign-in has ended; sign in to OSCAR again.';

describe('the patient picker when OSCAR fails the search', () => {
  let s: SecureStack;
  let surname = '';
  let logs = '';
  let doctorNo = '';
  const kept = async (): Promise<unknown> => s.facade.state.vault.get(`oscar-token:${doctorNo}`);
  before(async () => {
    s = await startSecureStack({
      sim: { patients: 3 },
      logger: createLogger('debug', { write: (line: string) => { logs += line; } }),
      apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch/patient openid patient/*.rs' }],
    });
    surname = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName;
    doctorNo = s.sim.options.credentials.providerNo;
  });
  after(async () => { await s.close(); });

  it('a message per failure on the same page, then the search works again', async () => {
    const seen: { mode: FaultMode; status: number; alert: string | undefined; noPatient: boolean; searchForm: boolean }[] = [];
    const r = await launch({
      base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, pick: surname,
      beforeDecide: async (form, browser) => {
        const page = `${form.action.replace(/\/decide$/, '')}?q=${encodeURIComponent(surname)}`;
        for (const mode of ['reset', 'http500', 'redirect'] as const) {
          const rule = s.sim.faults.add({ match: { path: QUICK_SEARCH }, mode });
          try {
            const hop = await browser.request(page);
            seen.push({
              mode, status: hop.status, alert: /<p role="alert">([^<]*)<\/p>/.exec(hop.body)?.[1],
              noPatient: /<p>No patient you may see/.test(hop.body), searchForm: /<input name="q" value="[^"]+">/.test(hop.body),
            });
          } finally {
            s.sim.faults.remove(rule);
          }
        }
        // OSCAR answers again: the search finds the patient; the form posted is this page's (each page has its own csrf).
        const again = await browser.request(page);
        assert.equal(again.status, 200);
        const fresh = formOf(again.body, '/decide');
        assert.ok(fresh && fresh.patients.length > 0, again.body.slice(0, 300));
        form.fields.csrf = fresh.fields.csrf!;
      },
    });
    assert.deepEqual(seen, [
      { mode: 'reset', status: 503, alert: 'OSCAR is not answering right now, so patients cannot be looked up. Try again in a moment.', noPatient: false, searchForm: true },
      { mode: 'http500', status: 403, alert: 'No patient you may see in OSCAR matches: OSCAR refused the search for your account. Your OSCAR role may not allow looking up patients. If you should be able to, tell whoever runs this service.', noPatient: false, searchForm: true },
      { mode: 'redirect', status: 502, alert: 'OSCAR sent the facade&#39;s call to another address, so patients cannot be looked up. The facade&#39;s OSCAR address needs correcting. Tell whoever runs this service.', noPatient: false, searchForm: true },
    ]);
    // With OSCAR answering again the sign-in ends at the app with a code (the patient picked from the search).
    assert.ok(r.callback.searchParams.get('code'), r.callback.href);
    const lines = logs.split('\n').filter((l) => l.includes('call about patients')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.level, l.step, l.error, l.reason ?? l.status]), [
      [40, 'patient search', 'OscarUnreachable', 'connection'],
      [40, 'patient search', 'OscarRefused', undefined],
      [40, 'patient search', 'OscarRedirectError', 301],
    ]);
    assert.match(String(lines[2]!.hint), /^OSCAR redirects its web services to the address they were asked at|^OSCAR_URL should be https:/);
    assert.ok(!logs.includes(surname), 'no search term or patient name in the log');
  });

  it('the patient picker says the sign-in ended, forgets it, and signs in to OSCAR again for the same request', async () => {
    s.sim.revokeAccessTokens(doctorNo); // earlier sign-ins' tokens
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const state = randomBytes(16).toString('hex');
    const q = new URLSearchParams({ response_type: 'code', client_id: APP, redirect_uri: REDIRECT, scope: SCOPE, state, aud: s.base, code_challenge: challenge, code_challenge_method: 'S256' });
    const atApp = (u: string): boolean => u.startsWith(REDIRECT);
    const picker = await signInAtOscar(browser, await browser.follow(`${s.base}/auth/authorize?${q}`), DOCTOR, { atApp });
    assert.equal(picker.status, 200, picker.body.slice(0, 300));
    assert.ok(await kept(), 'the sign-in keeps the clinician\'s OSCAR token');
    const page = picker.url.split('?')[0]!;

    logs = '';
    assert.equal(s.sim.revokeAccessTokens(doctorNo), 1, 'the sign-in\'s token, not the facade\'s own');
    const ended = await browser.request(`${page}?q=${encodeURIComponent(surname)}`);
    assert.equal(ended.status, 401);
    assert.match(ended.body, /<h1>Sign in to OSCAR again<\/h1>/);
    assert.equal(/<p role="alert">([^<]*)<\/p>/.exec(ended.body)?.[1], ENDED);
    assert.doesNotMatch(ended.body, /role may not allow|Try again|No patient/);
    assert.ok(!ended.body.includes(surname), 'the page does not echo the term');
    const again = /<form method="get" action="([^"]*)">/.exec(ended.body)?.[1];
    assert.equal(again, page.replace(/^https?:\/\/[^/]+/, '').concat('/oscar-again'));
    assert.equal(await kept(), undefined, 'the token OSCAR refused leaves the vault');
    const lines = logs.split('\n').filter((l) => l.includes('call about patients')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.level, l.step, l.error, l.reason]), [[40, 'patient search', 'OscarSignInEndedError', 'invalid_signature']]);
    assert.ok(!logs.includes(surname), 'no search term or patient in the log');

    // The same page again: the sign-in is gone, so OSCAR is not asked.
    const calls = await settledOscarCalls(s.sim);
    const still = await browser.request(`${page}?q=${encodeURIComponent(surname)}`);
    assert.deepEqual([still.status, /<p role="alert">([^<]*)<\/p>/.exec(still.body)?.[1]], [401, ENDED]);
    assert.equal(await settledOscarCalls(s.sim), calls, 'no call to OSCAR');

    // The button: OSCAR's sign-in again, then the facade's consent page for the app's same request.
    const oscarPage = await browser.follow(new URL(again!, page).href);
    assert.match(oscarPage.url, /\/ws\/oauth\/authorize\?oauth_token=/);
    const consent = await signInAtOscar(browser, oscarPage, DOCTOR, { atApp });
    assert.equal(consent.status, 200, consent.body.slice(0, 300));
    assert.ok(await kept(), 'a new OSCAR token is kept');
    const found = await browser.request(`${consent.url.split('?')[0]}?q=${encodeURIComponent(surname)}`);
    const form = formOf(found.body, '/decide');
    assert.ok(form && form.patients.length > 0, found.body.slice(0, 300));
    const decided = await browser.follow(new URL(form.action, found.url).href, { form: { csrf: form.fields.csrf!, decision: 'allow', scope: form.scopes, patient: form.patients[0]! } }, atApp);
    const callback = new URL(decided.location ?? 'http://none/');
    assert.equal(callback.searchParams.get('state'), state, 'the app\'s own request, its state kept');
    const t = await redeem(s.base, { browser, callback, verifier, state }, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.deepEqual(String(t.body.scope).split(' ').sort(), SCOPE.split(' ').sort(), 'the scopes the app asked for');
    assert.equal((await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`)).status, 200, 'the new sign-in reads');
  });
});

describe('a sign-in ended while the clinician signs in again elsewhere', () => {
  let stack: PickerStack;
  let s: SecureStack;
  let surname = '';
  let doctorNo = '';
  const kept = (): Promise<unknown> => keptToken(stack);
  before(async () => {
    stack = await startPickerStack();
    ({ s, surname, doctorNo } = stack);
  });
  after(async () => { await s.close(); });

  const toPicker = (browser: Browser): Promise<string> => pickerOf(stack, browser);

  it('the refused token leaves the vault, the token of the sign-in made while OSCAR answered stays', async () => {
    s.sim.revokeAccessTokens(doctorNo);
    const browser = new Browser();
    const first = await toPicker(browser);
    assert.equal(s.sim.revokeAccessTokens(doctorNo), 1);
    // OSCAR holds its refusal of the search for a while; meanwhile the clinician signs in again in another browser.
    const rule = s.sim.faults.add({ match: { path: QUICK_SEARCH }, mode: 'lateAnswer', latencyMs: 1500, times: 1 });
    try {
      const ended = browser.request(`${first}?q=${encodeURIComponent(surname)}`);
      await toPicker(new Browser());
      const fresh = await kept();
      assert.ok(fresh, 'the new sign-in\'s token is kept');
      const answer = await ended;
      assert.equal(answer.status, 401, answer.body.slice(0, 400));
      assert.deepEqual(await kept(), fresh, 'the new sign-in\'s token stays');
    } finally {
      s.sim.faults.remove(rule);
    }
  });
});
