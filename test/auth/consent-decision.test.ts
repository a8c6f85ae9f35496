// The consent form's answer (POST /auth/interaction/{uid}/decide) as the router sees it, with
// oidc-provider replaced by a stand-in: the form is refused unless this server showed it, and a
// sign-in whose app or OSCAR user is gone by the time the form comes back ends with a 400 page, never
// a grant. The app can be gone when instances share state and one runs with an older clients file.
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
  const app: SmartClient = parseSmartClients({ clients: [{ client_id: APP, redirect_uris: ['https://app.example.org/cb'], scope: 'openid user/*.rs' }] }, problems)[0]!;
  let session: { accountId?: string } | undefined;
  let clients: Map<string, SmartClient>;
  let finished: unknown[];
  let server: Server;
  let base: string;
  const documents = new InProcessDocuments();

  before(async () => {
    assert.deepEqual(problems, []);
    const provider = {
      interactionDetails: async () => ({ uid: UID, prompt: { name: 'consent' }, params: { client_id: APP, scope: 'openid user/Patient.rs' }, session }),
      interactionFinished: async (_req: unknown, res: express.Response, result: unknown) => { finished.push(result); res.status(303).end(); },
    } as unknown as Provider;
    const deps = { provider, issuer: 'http://127.0.0.1/fhir', get clients() { return clients; }, documents, https: false } as unknown as InteractionDeps;
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
});
