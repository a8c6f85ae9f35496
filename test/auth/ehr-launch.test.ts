// EHR launch from inside OSCAR without changing OSCAR: a link in an eForm names the patient and the
// provider; the facade makes a single-use launch id bound to the app, the user signs in through
// OSCAR, the patient is confirmed on screen, and the app gets that patient without a banner.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inProcessState, InProcessDocuments } from '../../src/state/index.js';
import { startSecureStack, type SecureStack } from './fixture.js';
import { Browser, launch, redeem, DOCTOR, BILLING_CLERK } from './launch-flow.js';

const APP = 'ehr-app';
const OTHER = 'other-app';
const TRUSTED = 'trusted-app';
const TRUSTED_REDIRECT = 'http://127.0.0.1:9/trusted/callback';
const REDIRECT = 'http://127.0.0.1:9/ehr/callback';
const LAUNCH_URI = 'http://127.0.0.1:9/ehr/launch';
const SCOPE = 'launch openid fhirUser patient/Patient.rs patient/Immunization.rs';

describe('EHR launch from an OSCAR eForm link', () => {
  let s: SecureStack;
  let patient = 0;
  let doctorNo = '';
  before(async () => {
    s = await startSecureStack({
      apps: [
        { client_id: APP, name: 'Chart app', redirect_uris: [REDIRECT], launch_uri: LAUNCH_URI, scope: 'launch launch/patient openid fhirUser patient/*.rs' },
        { client_id: OTHER, redirect_uris: ['http://127.0.0.1:9/other/callback'], launch_uri: 'http://127.0.0.1:9/other/launch', scope: 'launch openid patient/*.rs' },
        { client_id: TRUSTED, name: 'Clinic dashboard', redirect_uris: [TRUSTED_REDIRECT], launch_uri: 'http://127.0.0.1:9/trusted/launch', scope: 'launch launch/patient openid fhirUser patient/*.rs', trusted_ehr_launch: true },
      ],
    });
    patient = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.demographicNo;
    doctorNo = s.sim.store.data.providers[0]!.providerNo;
  });
  after(async () => { await s.close(); });

  async function launchId(client = APP, provider = doctorNo): Promise<string> {
    const r = await new Browser().request(`${s.base}/auth/launch/${client}?demographic_no=${patient}&provider_no=${provider}`);
    assert.equal(r.status, 302, r.body);
    const target = new URL(r.location!);
    assert.equal(target.searchParams.get('iss'), s.base);
    return target.searchParams.get('launch')!;
  }

  it('sends the browser to the app\'s launch URL with iss and an unguessable launch id', async () => {
    const r = await new Browser().request(`${s.base}/auth/launch/${APP}?demographic_no=${patient}&provider_no=${doctorNo}`);
    const target = new URL(r.location!);
    assert.equal(`${target.origin}${target.pathname}`, LAUNCH_URI);
    assert.match(target.searchParams.get('launch')!, /^[A-Za-z0-9_-]{32}$/);
    const bad = await new Browser().request(`${s.base}/auth/launch/${APP}?demographic_no=1%27%20or%201=1`);
    assert.equal(bad.status, 400);
    const unknown = await new Browser().request(`${s.base}/auth/launch/nobody`);
    assert.equal(unknown.status, 404);
  });

  it('the app gets the launch\'s patient, confirmed on screen, and need_patient_banner false', async () => {
    const id = await launchId();
    const r = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: id });
    assert.match(r.consentHtml ?? '', /Check this is the patient you meant/);
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.patient, String(patient));
    assert.equal(t.body.need_patient_banner, false);
    const read = await s.as(String(t.body.access_token), `/Patient/${patient}`);
    assert.equal(read.status, 200);
  });

  it('a launch id works once, only for its own app', async () => {
    const id = await launchId();
    const first = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: id });
    assert.ok(first.callback.searchParams.get('code'));
    const again = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: id });
    assert.equal(again.callback.searchParams.get('error'), 'invalid_request', 'reuse');
    const foreign = await launchId(OTHER);
    const other = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: foreign });
    assert.equal(other.callback.searchParams.get('error'), 'invalid_request', 'another app\'s launch');
    const made = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: 'made-up-launch-id' });
    assert.equal(made.callback.searchParams.get('error'), 'invalid_request', 'an unknown launch');
  });

  it('a trusted_ehr_launch app skips the consent page on an EHR launch: the grant is still recorded, and the app shows the patient banner', async () => {
    const id = await launchId(TRUSTED);
    const r = await launch({ base: s.base, clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT, scope: SCOPE, user: DOCTOR, launch: id });
    assert.equal(r.consentHtml, undefined, 'no consent page');
    assert.ok(r.callback.searchParams.get('code'), r.callback.href);
    const t = await redeem(s.base, r, { clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.patient, String(patient));
    assert.equal(t.body.need_patient_banner, true, 'nobody confirmed the patient on the facade\'s page');
    assert.deepEqual(String(t.body.scope).split(' ').filter((w) => w.startsWith('patient/')).sort(), ['patient/Immunization.rs', 'patient/Patient.rs']);
    const apps = await r.browser.request(`${s.base}/auth/apps`);
    assert.match(apps.body, /Clinic dashboard/, 'the grant is listed on the management page');
    assert.equal((await s.as(String(t.body.access_token), `/Patient/${patient}`)).status, 200);
    // The launch is spent like any other.
    const again = await launch({ base: s.base, clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT, scope: SCOPE, user: DOCTOR, launch: id });
    assert.equal(again.callback.searchParams.get('error'), 'invalid_request');
  });

  it('the consent page stays for an untrusted app\'s EHR launch, a trusted app\'s standalone launch, and a trusted launch naming no provider', async () => {
    const untrusted = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: await launchId(APP) });
    assert.match(untrusted.consentHtml ?? '', /Check this is the patient you meant/);
    const surname = s.sim.store.data.demographics.find((d) => d.demographicNo === patient)!.lastName;
    const standalone = await launch({ base: s.base, clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT, scope: 'launch/patient openid fhirUser patient/Patient.rs', user: DOCTOR, pick: surname });
    assert.ok(standalone.consentHtml, 'a standalone launch shows the consent page');
    const r = await new Browser().request(`${s.base}/auth/launch/${TRUSTED}?demographic_no=${patient}`);
    const noHint = await launch({ base: s.base, clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT, scope: SCOPE, user: DOCTOR, launch: new URL(r.location!).searchParams.get('launch')! });
    assert.match(noHint.consentHtml ?? '', /Check this is the patient you meant/);
  });

  it('a trusted app\'s EHR launch is still refused for another provider than the link named, or a patient OSCAR hides', async () => {
    await assert.rejects(launch({ base: s.base, clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT, scope: SCOPE, user: DOCTOR, launch: await launchId(TRUSTED, '300301') }),
      /403[\s\S]*Different OSCAR user/);
    await assert.rejects(launch({ base: s.base, clientId: TRUSTED, redirectUri: TRUSTED_REDIRECT, scope: SCOPE, user: BILLING_CLERK, launch: await launchId(TRUSTED, '300301') }),
      /403[\s\S]*Patient not available/);
  });

  it('refuses when another provider signs in than the one the link named, or OSCAR hides the patient from the user', async () => {
    await assert.rejects(launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: await launchId(APP, '300301') }),
      /403[\s\S]*Different OSCAR user/);
    await assert.rejects(launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: BILLING_CLERK, launch: await launchId(APP, '300301') }),
      /403[\s\S]*Patient not available/);
  });
});

describe('EHR launch ids expire after five minutes', () => {
  let s: SecureStack;
  let patient = 0;
  let doctorNo = '';
  // The state's clock, moved by hand: no five-minute sleep.
  let skewMs = 0;
  before(async () => {
    s = await startSecureStack({
      facade: { state: { ...inProcessState(), documents: new InProcessDocuments(undefined, () => Date.now() + skewMs) } },
      apps: [{ client_id: APP, name: 'Chart app', redirect_uris: [REDIRECT], launch_uri: LAUNCH_URI, scope: 'launch launch/patient openid fhirUser patient/*.rs' }],
    });
    patient = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.demographicNo;
    doctorNo = s.sim.store.data.providers[0]!.providerNo;
  });
  after(async () => { await s.close(); });

  async function launchId(): Promise<string> {
    const r = await new Browser().request(`${s.base}/auth/launch/${APP}?demographic_no=${patient}&provider_no=${doctorNo}`);
    return new URL(r.location!).searchParams.get('launch')!;
  }

  it('a launch id used within five minutes works; one older than five minutes is refused with invalid_request naming the reason', async () => {
    const fresh = await launchId();
    skewMs += 4 * 60_000 + 55_000;
    const inTime = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: fresh });
    assert.ok(inTime.callback.searchParams.get('code'), inTime.callback.href);

    const stale = await launchId();
    skewMs += 5 * 60_000 + 5_000;
    const late = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, launch: stale });
    assert.equal(late.callback.searchParams.get('code'), null);
    assert.equal(late.callback.searchParams.get('error'), 'invalid_request');
    assert.match(late.callback.searchParams.get('error_description') ?? '', /expired/);
    assert.equal(late.callback.searchParams.get('state'), late.state);
  });
});
