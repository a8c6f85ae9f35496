// The SMART sign-in end to end with OSCAR reachable from the facade only through the clinic's
// outbound proxy (docs/proxy.md): the facade knows OSCAR as oscar.test, a name only the test's
// proxy resolves, so every call the facade makes to OSCAR — the OAuth 1.0a handshake, the user's
// own REST calls, the client's reads — either crosses the proxy or fails. The clinician's browser
// is on the clinic's network and reaches OSCAR's consent page directly.
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';
import { startSecureStack, type SecureStack } from './fixture.js';
import { Browser, DOCTOR, launch, redeem, type Hop } from './launch-flow.js';

const APP = 'growth-chart';
const REDIRECT = 'http://127.0.0.1:9/app/callback';
const USER = 'clinic-egress';
const PASSWORD = 'Sign1n-Pr0xy';

/** A browser for which oscar.test is this machine (the facade's host cannot resolve it). */
class ClinicBrowser extends Browser {
  override request(url: string, init?: Parameters<Browser['request']>[1]): Promise<Hop> {
    return super.request(url.replace(/^http:\/\/oscar\.test:/, 'http://127.0.0.1:'), init);
  }
}

describe('SMART sign-in with OSCAR reached only through an outbound proxy', () => {
  let s: SecureStack;
  let proxy: OutboundProxy;
  before(async () => {
    // The premise: from here, oscar.test is reached through the proxy or not at all.
    await assert.rejects(lookup('oscar.test'));
    proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
    s = await startSecureStack({
      via: async (simUrl) => ({ url: simUrl.replace('//127.0.0.1:', '//oscar.test:'), close: async () => {} }),
      proxy: { http: `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}`, noProxy: [] },
      apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch/patient openid fhirUser patient/*.rs' }],
    }).catch(async (e: unknown) => { await proxy.close(); throw e; });
  });
  after(async () => { await s.close(); await proxy.close(); });

  it('signs the user in and serves their patient; the handshake and the user\'s REST calls crossed the proxy', async () => {
    const patient = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!;
    proxy.seen.length = 0;
    const r = await launch({
      base: s.base, clientId: APP, redirectUri: REDIRECT, scope: 'launch/patient openid fhirUser patient/Patient.rs', user: DOCTOR, pick: patient.lastName,
    }, new ClinicBrowser());
    assert.ok(r.callback.searchParams.get('code'), r.callback.href);
    const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const read = await s.as(String(t.body.access_token), `/Patient/${t.body.patient}`);
    assert.equal(read.status, 200, read.text.slice(0, 300));

    const seen = proxy.seen.map((x) => `${x.method} ${new URL(x.target).host} ${new URL(x.target).pathname}`);
    const oscar = `oscar.test:${s.sim.port}`;
    for (const call of [
      `POST ${oscar} /oscar/ws/oauth/initiate`, // the handshake, step 1
      `POST ${oscar} /oscar/ws/oauth/token`, // the handshake, step 3
      `GET ${oscar} /oscar/ws/services/oauth/info`, // the user's REST call: who signed in
      `GET ${oscar} /oscar/ws/services/demographics/quickSearch`, // the user's REST call: the patient picker
      `GET ${oscar} /oscar/ws/services/demographics/${t.body.patient}`, // the user's REST call: may they see this patient
    ]) assert.ok(seen.includes(call), `${call} in\n${seen.join('\n')}`);
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    assert.ok(proxy.seen.every((x) => x.proxyAuthorization === expected), 'every call with the proxy\'s credentials');
  });
});
