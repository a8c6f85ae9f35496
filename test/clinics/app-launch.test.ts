// A SMART app launched at one clinic of a deployment (/clinics/{id}/fhir): discovery, the
// authorization through that clinic's OSCAR sign-in, the token and a read all belong to the
// clinic, and nothing of the launch is accepted at the other clinic — not its token, not its
// code, not an authorization request naming the other clinic's base.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startClinics, oscarLoginOf, type ClinicsStack, type TestClinic } from '../helpers/clinics.js';
import { Browser, launch, redeem } from '../auth/launch-flow.js';

const APP = 'growth-chart';
const REDIRECT = 'http://127.0.0.1:9/app/callback';
const SCOPE = 'launch/patient openid fhirUser patient/Patient.rs';

let stack: ClinicsStack;
let north: TestClinic;
let south: TestClinic;

before(async () => {
  stack = await startClinics([
    { id: 'north', seed: 11, timezone: 'America/Toronto' },
    { id: 'south', seed: 22, timezone: 'America/Vancouver' },
  ], { apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch launch/patient openid fhirUser patient/*.rs' }] });
  north = stack.clinics.north!;
  south = stack.clinics.south!;
});
after(async () => { await stack?.close(); });

const surnameAt = (c: TestClinic): string => c.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName;
const launchAt = (c: TestClinic, browser?: Browser, aud?: string) => launch({
  base: c.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: oscarLoginOf(c.id), pick: surnameAt(c), ...(aud && { aud }),
}, browser);

describe('SMART App Launch at one clinic of many', () => {
  it('discovery at each clinic names that clinic\'s own endpoints and issuer', async () => {
    for (const c of [north, south]) {
      const smart = await (await fetch(`${c.base}/.well-known/smart-configuration`)).json() as Record<string, unknown>;
      assert.equal(smart.issuer, c.base);
      assert.equal(smart.authorization_endpoint, `${c.base}/auth/authorize`);
      assert.equal(smart.token_endpoint, `${c.base}/auth/token`);
      assert.ok((smart.capabilities as string[]).includes('launch-standalone'));
    }
  });

  let token = '';
  let patient = '';
  let browser: Browser;

  it('a launch at north signs in at north\'s OSCAR, and its token reads north\'s patient', async () => {
    const r = await launchAt(north);
    browser = r.browser;
    assert.ok(browser.hops.some((h) => h.url.startsWith(north.sim.url)), 'the sign-in went through north\'s OSCAR');
    assert.ok(!browser.hops.some((h) => h.url.startsWith(south.sim.url)), 'and never through south\'s');
    const code = r.callback.searchParams.get('code');
    assert.ok(code, r.callback.href);
    // The code is north's: south's token endpoint does not know it (and it stays usable at north).
    const atSouth = await redeem(south.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(atSouth.status, 400, JSON.stringify(atSouth.body));
    assert.equal(atSouth.body.error, 'invalid_grant');
    const t = await redeem(north.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    token = String(t.body.access_token);
    patient = String(t.body.patient);
    assert.equal(decodeJwt(String(t.body.id_token)).iss, north.base);
    const read = await north.as(token, `/Patient/${patient}`);
    assert.equal(read.status, 200, read.text);
    const mine = north.sim.store.data.demographics.find((d) => String(d.demographicNo) === patient)!;
    assert.equal(read.body.name[0].family, mine.lastName, 'north\'s record of that patient');
  });

  it('north\'s token is refused at south, even for the same patient number', async () => {
    assert.ok(south.sim.store.data.demographics.some((d) => String(d.demographicNo) === patient), 'south has a patient with that number');
    const read = await south.as(token, `/Patient/${patient}`);
    assert.equal(read.status, 401, read.text);
    assert.equal(read.body.resourceType, 'OperationOutcome');
  });

  it('an authorization request at south naming north\'s base as audience is refused', async () => {
    const r = await launchAt(south, new Browser(), north.base);
    assert.equal(r.callback.searchParams.get('code'), null, r.callback.href);
    assert.equal(r.callback.searchParams.get('error'), 'invalid_request');
  });

  it('the same browser launches at south through south\'s OSCAR, and south\'s token is refused at north', async () => {
    const r = await launchAt(south, browser);
    assert.ok(browser.hops.some((h) => h.url.startsWith(south.sim.url)), 'south\'s OSCAR asked for its own sign-in');
    const t = await redeem(south.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const southToken = String(t.body.access_token);
    assert.equal((await south.as(southToken, `/Patient/${t.body.patient}`)).status, 200);
    assert.equal((await north.as(southToken, `/Patient/${t.body.patient}`)).status, 401);
    assert.equal((await north.as(token, `/Patient/${patient}`)).status, 200, 'north\'s token still works at north');
  });
});
