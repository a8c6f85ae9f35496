// The page where a user sees and revokes the apps they authorised (management.ts), with
// oidc-provider's session and grant models replaced by stand-ins: only a signed-in browser sees a
// list, and only its own; a revocation needs the form this server showed and a grant of this user,
// and ends every token of the grant at once. The whole flow: test/auth/app-launch.test.ts.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import type Provider from 'oidc-provider';
import type { SmartClient } from '../../src/auth/clients.js';
import { managementRoutes, rememberGrant } from '../../src/auth/server/management.js';
import { InProcessDocuments } from '../../src/state/in-process.js';

const ISSUER = 'https://fhir.example.org/fhir';
const USER = 'oscar:999998';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

describe('the SMART apps page', () => {
  let now = Date.parse('2026-12-07T09:00:00Z');
  let documents: InProcessDocuments;
  /** The browser's sign-in session by its cookie value. */
  const sessions = new Map<string, { accountId?: string; uid: string }>([
    ['s-user', { accountId: USER, uid: 'session-1' }],
    ['s-other', { accountId: 'oscar:1', uid: 'session-2' }],
    ['s-anonymous', { uid: 'session-3' }],
  ]);
  /** Grants oidc-provider knows: client and resource scope. */
  let grants: Map<string, { clientId?: string; scope: string }>;
  const clients = new Map<string, SmartClient>([['chart', { clientId: 'chart', name: 'Chart <app>', kind: 'app' } as SmartClient]]);
  let server: Server;
  let base: string;

  before(async () => {
    const provider = {
      Session: { get: async ({ req }: { req: express.Request }) => sessions.get(/sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '') },
      Grant: {
        find: async (id: string) => {
          const g = grants.get(id);
          return g && { clientId: g.clientId, getResourceScope: (aud: string) => (aud === ISSUER ? g.scope : '') };
        },
      },
    } as unknown as Provider;
    const web = express();
    web.use('/fhir', managementRoutes({ provider, issuer: ISSUER, clients, get documents() { return documents; } } as Parameters<typeof managementRoutes>[0]));
    // body-parser's refusals (413) answered without express's default stack-trace logging.
    web.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => { res.status(err.status ?? 500).end(); });
    server = web.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  after(() => { server.close(); });
  beforeEach(() => {
    documents = new InProcessDocuments(1000, () => now);
    grants = new Map([['g1', { clientId: 'chart', scope: 'user/Patient.rs' }], ['g-other', { clientId: 'chart', scope: 'user/Patient.rs' }]]);
  });

  const show = async (sid?: string): Promise<{ status: number; body: string; headers: Headers }> => {
    const r = await fetch(`${base}/auth/apps`, { headers: sid ? { cookie: `sid=${sid}` } : {} });
    return { status: r.status, body: await r.text(), headers: r.headers };
  };
  const revoke = async (sid: string | undefined, fields: Record<string, string>): Promise<{ status: number; location: string | null; body: string; type: string | null }> => {
    const r = await fetch(`${base}/auth/apps`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sid && { cookie: `sid=${sid}` }) },
      body: new URLSearchParams(fields),
    });
    return { status: r.status, location: r.headers.get('location'), body: await r.text(), type: r.headers.get('content-type') };
  };
  const csrfOf = (body: string): string => /name="csrf" value="([^"]+)"/.exec(body)![1]!;
  const listed = (body: string): string[] => [...body.matchAll(/name="grant" value="([^"]+)"/g)].map((m) => m[1]!);

  it('a browser with no signed-in user gets a 401 page, never a list', async () => {
    await rememberGrant(documents, USER, 'g1');
    grants.set('g1', { clientId: 'chart', scope: 'patient/Patient.rs' });
    for (const sid of [undefined, 's-anonymous', 's-unknown']) {
      const r = await show(sid);
      assert.equal(r.status, 401, sid);
      assert.match(r.body, /Not signed in/);
      assert.match(r.body, /Open one of your SMART apps in this browser first/);
      assert.doesNotMatch(r.body, /Revoke/);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.headers.get('content-security-policy'), CSP);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    }
  });

  it('lists the user\'s own live grants: app name (escaped), patient, each scope in words, a revoke form', async () => {
    await rememberGrant(documents, USER, 'g1');
    await rememberGrant(documents, USER, 'g-gone');
    await rememberGrant(documents, USER, 'g2');
    await rememberGrant(documents, 'oscar:1', 'g-other');
    grants.set('g1', { clientId: 'chart', scope: 'patient/Patient.rs patient/Immunization.rs' });
    grants.set('g2', { clientId: 'unregistered-app', scope: 'user/Patient.rs' });
    grants.set('g-other', { clientId: 'chart', scope: 'user/Patient.rs' });
    await documents.put('smart-context', 'g1', { patient: '1001', needPatientBanner: true });
    const r = await show('s-user');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('content-security-policy'), CSP);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r.body, /<title>Your SMART apps<\/title>/);
    assert.deepEqual(listed(r.body), ['g1', 'g2']);
    assert.match(r.body, /<li><strong>Chart &#60;app&#62;<\/strong> — patient 1001<br>\nread, search Patient records of the selected patient<br>read, search Immunization records of the selected patient\n<form method="post" action="\/fhir\/auth\/apps">/);
    assert.match(r.body, /<li><strong>unregistered-app<\/strong><br>\nread, search Patient records you can see in OSCAR\n<form/);
    assert.doesNotMatch(r.body, /None\./);
  });

  it('no grant, or none still alive: "None."', async () => {
    grants.clear();
    assert.match((await show('s-user')).body, /<h1>Apps you authorised<\/h1><p>None\.<\/p>/);
    await rememberGrant(documents, USER, 'g-gone');
    const r = await show('s-user');
    assert.match(r.body, /<p>None\.<\/p>/);
    assert.deepEqual(listed(r.body), []);
  });

  it('keeps the latest 100 grants of a user, for 30 days', async () => {
    for (let i = 1; i <= 101; i++) { await rememberGrant(documents, USER, `g${i}`); grants.set(`g${i}`, { clientId: 'chart', scope: 'user/Patient.rs' }); }
    const ids = listed((await show('s-user')).body);
    assert.equal(ids.length, 100);
    assert.equal(ids[0], 'g2');
    assert.equal(ids[99], 'g101');
    const last = now;
    now = last + 30 * 86_400_000 - 1;
    assert.equal(listed((await show('s-user')).body).length, 100);
    now = last + 30 * 86_400_000 + 1;
    assert.deepEqual(listed((await show('s-user')).body), []);
    now = last;
  });

  it('a revocation ends the grant and every token of it, and goes back to the page', async () => {
    await rememberGrant(documents, USER, 'g1');
    await rememberGrant(documents, USER, 'g2');
    grants.set('g1', { clientId: 'chart', scope: 'user/Patient.rs' });
    grants.set('g2', { clientId: 'chart', scope: 'user/Patient.rs' });
    await documents.put('oidc:Grant', 'g1', { kind: 'Grant' });
    await documents.put('oidc:AccessToken', 'at-1', { grantId: 'g1' }, { lookup: { grantId: 'g1' } });
    await documents.put('oidc:RefreshToken', 'rt-1', { grantId: 'g1' }, { lookup: { grantId: 'g1' } });
    await documents.put('oidc:AccessToken', 'at-2', { grantId: 'g2' }, { lookup: { grantId: 'g2' } });
    const csrf = csrfOf((await show('s-user')).body);
    const r = await revoke('s-user', { csrf, grant: 'g1' });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/fhir/auth/apps');
    assert.equal(await documents.get('oidc:Grant', 'g1'), undefined);
    assert.equal(await documents.get('oidc:AccessToken', 'at-1'), undefined);
    assert.equal(await documents.get('oidc:RefreshToken', 'rt-1'), undefined);
    assert.ok(await documents.get('oidc:AccessToken', 'at-2'), 'another grant\'s token stays');
  });

  it('a revocation without the form this server showed this browser is refused (403)', async () => {
    await rememberGrant(documents, USER, 'g1');
    await rememberGrant(documents, 'oscar:1', 'g-other');
    await documents.put('oidc:AccessToken', 'at-1', { grantId: 'g1' }, { lookup: { grantId: 'g1' } });
    const csrf = csrfOf((await show('s-user')).body);
    const othersCsrf = csrfOf((await show('s-other')).body);
    for (const [what, sid, fields] of [
      ['no session', undefined, { csrf, grant: 'g1' }],
      ['a session with no user', 's-anonymous', { csrf, grant: 'g1' }],
      ['no csrf', 's-user', { grant: 'g1' }],
      ['a wrong csrf of the same length', 's-user', { csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`, grant: 'g1' }],
      ['a shorter csrf', 's-user', { csrf: csrf.slice(0, -1), grant: 'g1' }],
      ['another browser\'s csrf', 's-user', { csrf: othersCsrf, grant: 'g1' }],
      ['a csrf for a browser that was shown no page', 's-other', { csrf, grant: 'g1' }],
    ] as const) {
      const r = await revoke(sid, fields);
      assert.equal(r.status, 403, what);
      assert.match(r.body, /Request refused/, what);
      assert.match(r.body, /This form was not sent from the page this server showed\./, what);
    }
    assert.ok(await documents.get('oidc:AccessToken', 'at-1'));
  });

  it('the form\'s csrf lives an hour', async () => {
    await rememberGrant(documents, USER, 'g1');
    const csrf = csrfOf((await show('s-user')).body);
    const shown = now;
    now = shown + 3_600_000 + 1;
    assert.equal((await revoke('s-user', { csrf, grant: 'g1' })).status, 403);
    now = shown;
    const fresh = csrfOf((await show('s-user')).body);
    now = shown + 3_600_000 - 1;
    assert.equal((await revoke('s-user', { csrf: fresh, grant: 'g1' })).status, 303);
    now = shown;
  });

  it('a grant of another user, or none named, is a 404 and revokes nothing', async () => {
    await rememberGrant(documents, USER, 'g1');
    await rememberGrant(documents, 'oscar:1', 'g-other');
    await documents.put('oidc:AccessToken', 'at-other', { grantId: 'g-other' }, { lookup: { grantId: 'g-other' } });
    const csrf = csrfOf((await show('s-user')).body);
    for (const fields of [{ csrf, grant: 'g-other' }, { csrf }, { csrf, grant: '' }] as Record<string, string>[]) {
      const r = await revoke('s-user', fields);
      assert.equal(r.status, 404, JSON.stringify(fields));
      assert.match(r.body, /Unknown app/);
      assert.match(r.body, /You did not authorise this\./);
      assert.match(r.type ?? '', /^text\/html\b/);
    }
    assert.ok(await documents.get('oidc:AccessToken', 'at-other'));
  });

  it('form fields are plain names: "grant[]" is not read as grant', async () => {
    await rememberGrant(documents, USER, 'g1');
    await documents.put('oidc:AccessToken', 'at-1', { grantId: 'g1' }, { lookup: { grantId: 'g1' } });
    const csrf = csrfOf((await show('s-user')).body);
    const r = await revoke('s-user', { csrf, grant: 'g1', 'grant[]': 'g-other' });
    assert.equal(r.status, 303);
    assert.equal(await documents.get('oidc:AccessToken', 'at-1'), undefined);
  });

  it('a form longer than 4 KB is refused before anything is read', async () => {
    await rememberGrant(documents, USER, 'g1');
    const csrf = csrfOf((await show('s-user')).body);
    const r = await revoke('s-user', { csrf, grant: 'g1', pad: 'x'.repeat(5000) });
    assert.equal(r.status, 413);
  });
});
