// The consent page and the form's answer (GET /auth/interaction/{uid}, POST …/decide) as the router
// sees them, with oidc-provider, the OSCAR token vault and OSCAR's REST replaced by stand-ins: the
// page needs the user's OSCAR token; the form is refused unless this server showed it; a sign-in
// whose app or OSCAR user is gone by the time the form comes back ends with a 400 page, never a
// grant (the app can be gone when instances share state and one runs with an older clients file);
// the patient chosen must be a plain demographic number.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Provider } from 'oidc-provider';
import { parseSmartClients, type SmartClient } from '../../src/auth/clients.js';
import { interactionRoutes, type InteractionDeps } from '../../src/auth/server/interactions.js';
import { InProcessDocuments } from '../../src/state/in-process.js';

const UID = 'uid-1';
const APP = 'consent-app';

describe('consent form answers', () => {
  const problems: string[] = [];
  const app: SmartClient = parseSmartClients({ clients: [{ client_id: APP, redirect_uris: ['https://app.example.org/cb'], scope: 'openid launch/patient user/*.rs patient/*.rs' }] }, problems)[0]!;
  let session: { accountId?: string } | undefined;
  let clients: Map<string, SmartClient>;
  let finished: unknown[];
  let scope = 'openid user/Patient.rs';
  /** What oidc-provider says of the interaction this browser is in. */
  let prompt = 'consent';
  let detailsUid = UID;
  /** The user's OSCAR token in the vault, or none (expired, or signed in on another deployment). */
  let vaulted: { token: string; secret: string; providerNo: string; obtainedAt: number } | undefined;
  const looked: number[] = [];
  const grants: { accountId: string; clientId: string; resource: string[] }[] = [];
  let server: Server;
  let base: string;
  const documents = new InProcessDocuments();

  before(async () => {
    assert.deepEqual(problems, []);
    const provider = {
      interactionDetails: async () => ({ uid: detailsUid, prompt: { name: prompt }, params: { client_id: APP, scope }, session }),
      interactionFinished: async (_req: unknown, res: express.Response, result: unknown) => { finished.push(result); res.status(303).end(); },
      Grant: class {
        readonly resource: string[] = [];
        constructor(readonly o: { accountId: string; clientId: string }) {}
        addOIDCScope(): void {}
        addResourceScope(_aud: string, s: string): void { this.resource.push(s); }
        rejectResourceScope(): void {}
        rejectOIDCScope(): void {}
        async save(): Promise<string> { grants.push({ ...this.o, resource: this.resource }); return `grant-${grants.length}`; }
      },
    } as unknown as Provider;
    const vault = { get: async (providerNo: string) => (vaulted?.providerNo === providerNo ? vaulted : undefined) };
    const userRest = {
      patient: async (_t: unknown, demographicNo: number) => { looked.push(demographicNo); return { demographicNo, lastName: 'DOE', firstName: 'JANE', dob: null }; },
    };
    const deps = { provider, issuer: 'http://127.0.0.1/fhir', get clients() { return clients; }, documents, vault, userRest, https: false } as unknown as InteractionDeps;
    const web = express();
    web.use('/fhir', interactionRoutes(deps));
    server = web.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  after(() => { server.close(); });

  /** Posts the form as the page would, with the csrf value this server stored for the page. */
  async function decide(fields: Record<string, string>): Promise<{ status: number; body: string }> {
    finished = [];
    await documents.put('consent-csrf', UID, { csrf: 'csrf-value' });
    const r = await fetch(`${base}/auth/interaction/${UID}/decide`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: 'csrf-value', ...fields }),
    });
    return { status: r.status, body: await r.text() };
  }

  it('a user who says no is sent back to the app with access_denied', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    const r = await decide({ decision: 'deny' });
    assert.equal(r.status, 303);
    assert.deepEqual(finished, [{ error: 'access_denied', error_description: 'the user denied access' }]);
  });

  it('a form that does not carry the csrf value of the page shown is refused', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    finished = [];
    await documents.put('consent-csrf', UID, { csrf: 'csrf-value' });
    const r = await fetch(`${base}/auth/interaction/${UID}/decide`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: 'forged', decision: 'allow' }),
    });
    assert.equal(r.status, 403);
    assert.deepEqual(finished, []);
  });

  for (const [what, setUp] of [
    ['the app is no longer registered on this instance', () => { clients = new Map(); session = { accountId: 'oscar:999998' }; }],
    ['the session has no signed-in user', () => { clients = new Map([[APP, app]]); session = {}; }],
    ['the session belongs to no OSCAR provider', () => { clients = new Map([[APP, app]]); session = { accountId: 'someone-else' }; }],
  ] as const) {
    it(`${what}: a 400 "Sign-in expired" page, nothing handed back to the app`, async () => {
      setUp();
      for (const decision of ['allow', 'deny']) {
        const r = await decide({ decision });
        assert.equal(r.status, 400, decision);
        assert.match(r.body, /Sign-in expired/);
        assert.deepEqual(finished, [], decision);
      }
    });
  }

  it('the consent page is shown only while the vault holds the user\'s OSCAR token; without it, "Sign in again"', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    scope = 'openid user/Patient.rs';
    vaulted = undefined;
    const gone = await fetch(`${base}/auth/interaction/${UID}`);
    assert.equal(gone.status, 401);
    assert.match(await gone.text(), /Sign in again/);
    vaulted = { token: 't', secret: 's', providerNo: '999998', obtainedAt: Date.now() };
    const shown = await fetch(`${base}/auth/interaction/${UID}`);
    assert.equal(shown.status, 200);
    assert.match(await shown.text(), /name="csrf"/);
  });

  it('the patient posted must be a plain demographic number: "1e3" or "0x10" is not read as one', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    scope = 'openid launch/patient patient/Patient.rs';
    vaulted = { token: 't', secret: 's', providerNo: '999998', obtainedAt: Date.now() };
    looked.length = 0;
    grants.length = 0;
    for (const patient of ['1e3', '0x10', ' 12', '012', '']) {
      const r = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient });
      assert.equal(r.status, 400, patient);
      assert.match(r.body, /Choose a patient/);
    }
    assert.deepEqual(looked, []);
    const ok = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1000' });
    assert.equal(ok.status, 303);
    assert.deepEqual(looked, [1000]);
    assert.deepEqual(grants, [{ accountId: 'oscar:999998', clientId: APP, resource: ['patient/Patient.rs'] }]);
    assert.deepEqual(finished, [{ consent: { grantId: 'grant-1' } }]);
  });

  it('a form answered for another step or another interaction, or with no page shown, is refused and hands nothing back', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    scope = 'openid user/Patient.rs';
    for (const [what, setUp] of [
      ['the interaction is at its login step', () => { prompt = 'login'; }],
      ['the interaction is another one than the form names', () => { detailsUid = 'uid-2'; }],
    ] as const) {
      setUp();
      const r = await decide({ decision: 'allow', scope: 'user/Patient.rs' });
      assert.equal(r.status, 403, what);
      assert.match(r.body, /Request refused/, what);
      assert.deepEqual(finished, [], what);
      prompt = 'consent';
      detailsUid = UID;
    }
    finished = [];
    await documents.delete('consent-csrf', UID);
    const unseen = await fetch(`${base}/auth/interaction/${UID}/decide`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: 'csrf-value', decision: 'allow' }),
    });
    assert.equal(unseen.status, 403, 'no consent page was shown for this interaction');
    assert.deepEqual(finished, []);
  });

  it('the page posts its answer to this interaction\'s /decide, and offers a patient search only when a patient scope is asked', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    vaulted = { token: 't', secret: 's', providerNo: '999998', obtainedAt: Date.now() };
    scope = 'openid user/Patient.rs';
    const plain = await (await fetch(`${base}/auth/interaction/${UID}`)).text();
    assert.match(plain, /action="\/fhir\/auth\/interaction\/uid-1\/decide"/);
    assert.doesNotMatch(plain, /name="q"/);
    scope = 'openid launch/patient patient/Patient.rs';
    const picking = await (await fetch(`${base}/auth/interaction/${UID}`)).text();
    assert.match(picking, /<form method="get" action="\/fhir\/auth\/interaction\/uid-1"><label>Find a patient/);
  });
});
