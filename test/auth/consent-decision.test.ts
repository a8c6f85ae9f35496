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
import { OscarRefused, OscarUnreachable } from '../../src/auth/oscar/user-rest.js';
import { OscarAuthError, OscarRedirectError, OscarSignInEndedError, OscarUnavailableError } from '../../src/oscar/errors.js';

const UID = 'uid-1';
const APP = 'consent-app';
const TRUSTED = 'trusted-app';

describe('consent form answers', () => {
  const problems: string[] = [];
  const [app, trusted] = parseSmartClients({ clients: [
    { client_id: APP, redirect_uris: ['https://app.example.org/cb'], scope: 'openid launch/patient user/*.rs patient/*.rs' },
    // Registered without openid: openid is granted to every app that asks for it.
    { client_id: TRUSTED, name: 'Clinic board', redirect_uris: ['https://board.example.org/cb'], launch_uri: 'https://board.example.org/launch', scope: 'launch launch/patient user/*.rs patient/*.rs', trusted_ehr_launch: true },
  ] }, problems) as [SmartClient, SmartClient];
  /** The app the interaction is for (its client_id parameter). */
  let clientId = APP;
  /** The interaction's launch parameter (an EHR launch), or none. */
  let launchParam: string | undefined;
  /** EHR launches made by OSCAR links, by launch id, and those spent. */
  const launchRecords = new Map<string, { clientId: string; patient?: string; providerHint?: string }>();
  const spent = new Set<string>();
  /** Patients OSCAR refuses to show this user; what was quick-searched. */
  const hidden = new Set<number>();
  /** What OSCAR's REST throws for this user, when it fails (the classes user-rest.ts throws). */
  let failing: (() => Error) | undefined;
  /** The consent step's warnings. */
  const warned: { fields: Record<string, unknown>; message: string }[] = [];
  const searched: string[] = [];
  let session: { accountId?: string } | undefined;
  let clients: Map<string, SmartClient>;
  let finished: unknown[];
  let scope = 'openid user/Patient.rs';
  /** What oidc-provider says of the interaction this browser is in. */
  let prompt = 'consent';
  let detailsUid = UID;
  /** oidc-provider no longer knows the interaction (expired, or its cookie is gone). */
  let interactionGone = false;
  /** The user's OSCAR token in the vault, or none (expired, or signed in on another deployment). */
  let vaulted: { token: string; secret: string; providerNo: string; obtainedAt: number } | undefined;
  const looked: number[] = [];
  const grants: { accountId: string; clientId: string; resource: string[] }[] = [];
  /** What each saved Grant was told, in order. */
  const grantCalls: string[][] = [];
  let server: Server;
  let base: string;
  let now = Date.parse('2026-12-07T09:00:00Z');
  const documents = new InProcessDocuments(1000, () => now);

  before(async () => {
    assert.deepEqual(problems, []);
    const provider = {
      interactionDetails: async () => {
        if (interactionGone) throw new Error('interaction expired');
        return { uid: detailsUid, prompt: { name: prompt }, params: { client_id: clientId, scope, ...(launchParam !== undefined && { launch: launchParam }) }, session };
      },
      interactionFinished: async (_req: unknown, res: express.Response, result: unknown, options: { mergeWithLastSubmission: boolean }) => {
        // A consent is merged into what the sign-in submitted; a refusal is not.
        assert.equal(options.mergeWithLastSubmission, 'consent' in (result as object));
        finished.push(result);
        res.status(303).end();
      },
      Grant: class {
        readonly resource: string[] = [];
        readonly calls: string[] = [];
        constructor(readonly o: { accountId: string; clientId: string }) {}
        addOIDCScope(s: string): void { this.calls.push(`add OIDC ${s}`); }
        addResourceScope(aud: string, s: string): void { this.resource.push(s); this.calls.push(`add ${aud} ${s}`); }
        rejectResourceScope(aud: string, s: string): void { this.calls.push(`reject ${aud} ${s}`); }
        rejectOIDCScope(s: string): void { this.calls.push(`reject OIDC ${s}`); }
        async save(): Promise<string> { grants.push({ ...this.o, resource: this.resource }); grantCalls.push(this.calls); return `grant-${grants.length}`; }
      },
    } as unknown as Provider;
    const vault = {
      get: async (providerNo: string) => (vaulted?.providerNo === providerNo ? vaulted : undefined),
      delete: async (providerNo: string) => { if (vaulted?.providerNo === providerNo) vaulted = undefined; },
      // Only the token OSCAR refused: one a new sign-in put meanwhile stays.
      deleteIf: async (providerNo: string, token: string) => { if (vaulted?.providerNo === providerNo && vaulted.token === token) vaulted = undefined; },
    };
    const userRest = {
      patient: async (_t: unknown, demographicNo: number) => {
        looked.push(demographicNo);
        if (hidden.has(demographicNo)) return undefined; // as OSCAR's error page reads (user-rest.ts)
        if (failing) throw failing();
        return { demographicNo, lastName: 'DOE', firstName: 'JANE', dob: null };
      },
      quickSearch: async (_t: unknown, term: string) => {
        searched.push(term);
        if (failing) throw failing();
        return term === 'nobody' ? [] : [{ demographicNo: 1001, lastName: 'DOE', firstName: 'JANE', dob: '1980-02-03' }, { demographicNo: 1002, lastName: 'ROE', firstName: 'JOHN', dob: null }];
      },
    };
    const launches = {
      record: async (id: string) => launchRecords.get(id),
      consume: async (id: string) => { if (spent.has(id) || !launchRecords.has(id)) return false; spent.add(id); return true; },
    };
    const deps = { provider, issuer: 'http://127.0.0.1/fhir', get clients() { return clients; }, documents, vault, userRest, launches, https: false,
      log: { warn: (fields: Record<string, unknown>, message: string) => { warned.push({ fields, message }); } } } as unknown as InteractionDeps;
    const web = express();
    web.use('/fhir', interactionRoutes(deps));
    server = web.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  after(() => { server.close(); });

  /** Posts the form as the page would, with the csrf value this server stored for the page. */
  async function decide(fields: Record<string, string> | [string, string][]): Promise<{ status: number; body: string }> {
    finished = [];
    await documents.put('consent-csrf', UID, { csrf: 'csrf-value' });
    const r = await fetch(`${base}/auth/interaction/${UID}/decide`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([['csrf', 'csrf-value'], ...(Array.isArray(fields) ? fields : Object.entries(fields))]),
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
        assert.match(r.body, /This sign-in is no longer valid\./);
        assert.deepEqual(finished, [], decision);
      }
    });
  }

  it('the consent page is shown only while the vault holds the user\'s OSCAR token; without it, OSCAR\'s sign-in again for this request', async () => {
    clients = new Map([[APP, app]]);
    session = { accountId: 'oscar:999998' };
    scope = 'openid user/Patient.rs';
    vaulted = undefined;
    const gone = await fetch(`${base}/auth/interaction/${UID}`);
    assert.equal(gone.status, 401);
    assert.equal(gone.headers.get('cache-control'), 'no-store');
    const page = await gone.text();
    assert.match(page, /<h1>Sign in to OSCAR again<\/h1><p role="alert">Your OSCAR sign-in has ended; sign in to OSCAR again\.<\/p>/);
    assert.match(page, /<form method="get" action="\/fhir\/auth\/interaction\/uid-1\/oscar-again"><button type="submit">Sign in to OSCAR<\/button><\/form>/);
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

  /** A signed-in user whose OSCAR token is in the vault, at the consent step of APP. */
  function signedIn(asked: string): void {
    clients = new Map([[APP, app], [TRUSTED, trusted]]);
    session = { accountId: 'oscar:999998' };
    vaulted = { token: 't', secret: 's', providerNo: '999998', obtainedAt: Date.now() };
    scope = asked;
    clientId = APP;
    launchParam = undefined;
    prompt = 'consent';
    detailsUid = UID;
    looked.length = 0;
    searched.length = 0;
    finished = [];
  }
  const show = async (query = ''): Promise<{ status: number; body: string; headers: Headers }> => {
    finished = [];
    const r = await fetch(`${base}/auth/interaction/${UID}${query}`, { redirect: 'manual' });
    return { status: r.status, body: await r.text(), headers: r.headers };
  };
  const radios = (body: string): string[] => [...body.matchAll(/<input type="radio" name="patient" value="(\d+)" required> ([^<]*)<\/label>/g)].map((m) => `${m[1]} ${m[2]}`);
  /** The grant context and the account's list, as the token endpoint and the apps page will read them. */
  const kept = async (grantId: string): Promise<{ context: unknown; listed: boolean }> => ({
    context: (await documents.get('smart-context', grantId))?.value,
    listed: ((await documents.get<{ grants: string[] }>('smart-account-grants', 'oscar:999998'))?.value.grants ?? []).includes(grantId),
  });

  it('the page: not cached, no scripts or framing, the app and the user named, each scope a ticked box, offline access said only when asked', async () => {
    signedIn('openid launch/patient user/Patient.rs user/Observation.rs user/Encounter.cruds system/Patient.rs');
    const r = await show();
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    assert.match(r.body, /<title>Allow consent-app\?<\/title>/);
    assert.match(r.body, /Signed in at OSCAR as provider 999998\./);
    assert.deepEqual([...r.body.matchAll(/<input type="checkbox" name="scope" value="([^"]+)" checked> ([^<]+)<\/label>/g)].map((m) => `${m[1]}: ${m[2]}`), [
      'user/Patient.rs: read, search Patient records you can see in OSCAR',
      'user/Observation.rs: read, search Observation records you can see in OSCAR',
    ], 'only the scopes the registration covers');
    assert.doesNotMatch(r.body, /keep access after you close it/);
    signedIn('openid offline_access user/Patient.rs');
    assert.match((await show()).body, /<p>The app may keep access after you close it, until you revoke it\.<\/p>/);
  });

  /** Posts the page's own form back: the csrf value the page showed, not one the test stored. */
  const answerPage = async (page: string, fields: Record<string, string>): Promise<{ status: number; body: string }> => {
    finished = [];
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const r = await fetch(`${base}/auth/interaction/${UID}/decide`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...fields }),
    });
    return { status: r.status, body: await r.text() };
  };

  it('the page\'s form serves once, for ten minutes', async () => {
    signedIn('openid user/Patient.rs');
    const at = now;
    const page = (await show()).body;
    now = at + 10 * 60_000 - 1;
    assert.equal((await answerPage(page, { decision: 'deny' })).status, 303);
    now = at;
    const replay = await answerPage(page, { decision: 'allow', scope: 'user/Patient.rs' });
    assert.equal(replay.status, 403, 'the same form again');
    assert.deepEqual(finished, []);
    const late = (await show()).body;
    now = at + 10 * 60_000 + 1;
    assert.equal((await answerPage(late, { decision: 'deny' })).status, 403, 'a form older than ten minutes');
    now = at;
  });

  it('a form answered after oidc-provider forgot the interaction: a 400 page, nothing handed back', async () => {
    signedIn('openid user/Patient.rs');
    interactionGone = true;
    const r = await decide({ decision: 'allow', scope: 'user/Patient.rs' });
    interactionGone = false;
    assert.equal(r.status, 400);
    assert.match(r.body, /<h1>Sign-in expired<\/h1>/);
    assert.match(r.body, /This sign-in is no longer valid\./);
    assert.deepEqual(finished, []);
  });

  it('an app no longer registered on this instance gets no page: 400 "Unknown app"', async () => {
    signedIn('openid user/Patient.rs');
    clients = new Map();
    const r = await show();
    assert.equal(r.status, 400);
    assert.match(r.body, /<h1>Unknown app<\/h1>/);
    assert.match(r.body, /This app is not registered here\./);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  it('a patient is asked for by launch/patient alone or by a patient/ scope alone', async () => {
    for (const [asked, picks] of [
      ['openid launch/patient user/Patient.rs', true],
      ['openid patient/Patient.rs', true],
      ['openid user/Patient.rs', false],
      ['openid user/Patient.rs patient/Observation.x', false],
    ] as const) {
      signedIn(asked);
      const r = await show();
      assert.equal(r.status, 200, asked);
      assert.equal(/name="q"/.test(r.body), picks, asked);
      assert.equal(/<legend>Patient<\/legend>/.test(r.body), picks, asked);
    }
  });

  it('the picker searches OSCAR with the term trimmed and cut to 60 characters, and lists what OSCAR returns', async () => {
    signedIn('openid launch/patient patient/Patient.rs');
    const found = await show('?q=%20%20doe%20%20');
    assert.deepEqual(searched, ['doe']);
    assert.deepEqual(radios(found.body), ['1001 DOE, JANE (born 1980-02-03)', '1002 ROE, JOHN']);
    assert.match(found.body, /<input name="q" value="  doe  ">/);
    assert.doesNotMatch(found.body, /No patient you may see/);
    searched.length = 0;
    const long = `${'a'.repeat(60)}${'b'.repeat(10)}`;
    const cut = await show(`?q=${long}`);
    assert.deepEqual(searched, ['a'.repeat(60)]);
    assert.match(cut.body, new RegExp(`<input name="q" value="${'a'.repeat(60)}">`));
    for (const [query, message] of [['?q=nobody', true], ['?q=%20%20', false], ['', false], ['?q=a&q=b', false]] as const) {
      searched.length = 0;
      const r = await show(query);
      assert.equal(r.status, 200, query);
      assert.deepEqual(radios(r.body), [], query);
      assert.equal(/<p>No patient you may see in OSCAR matches\.<\/p>/.test(r.body), message, query);
      if (!message) assert.deepEqual(searched, [], `${query}: OSCAR not searched`);
    }
  });

  it('OSCAR failing the picker\'s search: the page stays with a message per class, never the plain "no patient" of an empty answer, logged typed without the term', async () => {
    const unavailable = (reason: 'connection' | 'tls' | 'proxy', code: string) => () =>
      new OscarUnreachable(`OSCAR did not answer (${code})`, { cause: new OscarUnavailableError('user-rest', reason, { code, ...(reason === 'proxy' && { proxy: 'http://proxy.example.org:3128' }) }) });
    const REDIRECT_HINT = 'OSCAR_URL should be https://oscar.example.org/oscar (in a clinics file, the clinic\'s "url")';
    const cases: [string, () => Error, number, string | null, string, Record<string, unknown>][] = [
      ['outage', unavailable('connection', 'ECONNRESET'), 503, '5',
        'OSCAR is not answering right now, so patients cannot be looked up. Try again in a moment.',
        { error: 'OscarUnreachable', cause: 'OscarUnavailableError', reason: 'connection', code: 'ECONNRESET' }],
      ['refused certificate', unavailable('tls', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 502, null,
        'The facade does not trust OSCAR&#39;s certificate, so patients cannot be looked up. The facade&#39;s OSCAR certificate settings need correcting. Tell whoever runs this service.',
        { error: 'OscarUnreachable', cause: 'OscarUnavailableError', reason: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }],
      ['proxy refusal', unavailable('proxy', 'HTTP 403'), 502, null,
        'The network&#39;s proxy refused the facade&#39;s call to OSCAR, so patients cannot be looked up. Tell whoever runs this service.',
        { error: 'OscarUnreachable', cause: 'OscarUnavailableError', reason: 'proxy', code: 'HTTP 403' }],
      ['redirect', () => new OscarRedirectError('user-rest', 301, 'https://oscar.example.org/oscar/ws/…', 'https://oscar.example.org/oscar'), 502, null,
        'OSCAR sent the facade&#39;s call to another address, so patients cannot be looked up. The facade&#39;s OSCAR address needs correcting. Tell whoever runs this service.',
        { error: 'OscarRedirectError', status: 301, hint: REDIRECT_HINT }],
      // contract 3.1: the search's error page is how OSCAR refuses a user without _demographic.
      ['error answer', () => new OscarRefused('OSCAR answered 500'), 403, null,
        'No patient you may see in OSCAR matches: OSCAR refused the search for your account. Your OSCAR role may not allow looking up patients. If you should be able to, tell whoever runs this service.',
        { error: 'OscarRefused' }],
      // The facade's own consumer refused (contract 2.7): the same for every user.
      ['facade credentials', () => new OscarAuthError('user-rest:quickSearch', 'invalid_consumer'), 502, null,
        'OSCAR refused the facade&#39;s credentials, so patients cannot be looked up. Tell whoever runs this service.',
        { error: 'OscarAuthError', reason: 'invalid_consumer', hint: 'OSCAR does not know OSCAR_CONSUMER_KEY (REST client deleted or mistyped)' }],
    ];
    signedIn('openid launch/patient patient/Patient.rs');
    try {
      for (const [what, error, status, retryAfter, message, logged] of cases) {
        failing = error;
        warned.length = 0;
        const r = await show('?q=O%27Brien%20%3Cb%3E');
        assert.equal(r.status, status, what);
        assert.equal(r.headers.get('retry-after'), retryAfter, what);
        assert.equal(r.headers.get('cache-control'), 'no-store', what);
        assert.ok(r.body.includes(`<p role="alert">${message}</p>`), `${what}: ${r.body}`);
        assert.doesNotMatch(r.body, /<p>No patient you may see/, what); // not the plain paragraph of an empty answer
        assert.deepEqual(radios(r.body), [], what);
        // The search form stays, to try again, the term escaped as before.
        assert.match(r.body, /<input name="q" value="O&#39;Brien &#60;b&#62;">/, what);
        assert.deepEqual(warned, [{ fields: { ...logged, step: 'patient search' }, message: 'OSCAR could not answer a sign-in\'s call about patients' }], what);
        assert.doesNotMatch(JSON.stringify(warned), /Brien/, `${what}: no search term in the log`);
      }
      // Anything else is a bug of ours: not dressed up as OSCAR's trouble, nor as "no patient".
      failing = () => new TypeError('x is undefined');
      const bug = await show('?q=doe');
      assert.equal(bug.status, 500);
      assert.doesNotMatch(bug.body, /No patient you may see|OSCAR/);
    } finally {
      failing = undefined;
    }
  });

  it('OSCAR refusing the user\'s own token (contract 2.7) at the search, a launch\'s or a chosen patient: "sign in to OSCAR again", the token dropped, logged typed without the term or patient', async () => {
    const steps: [string, () => Promise<{ status: number; body: string; headers?: Headers }>][] = [
      ['patient search', async () => { signedIn('openid launch/patient patient/Patient.rs'); return show('?q=O%27Brien%20%3Cb%3E'); }],
      ['launch patient', async () => {
        signedIn('openid launch launch/patient patient/Patient.rs');
        launchRecords.set('L-ended', { clientId: APP, patient: '1001', providerHint: '999998' });
        launchParam = 'L-ended';
        return show();
      }],
      ['chosen patient', async () => { signedIn('openid launch/patient patient/Patient.rs'); return decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1001' }); }],
    ];
    try {
      for (const [step, run] of steps) {
        failing = () => new OscarSignInEndedError(`user-rest:${step}`, 'invalid_signature');
        warned.length = 0;
        finished = [];
        const r = await run();
        assert.equal(r.status, 401, step);
        assert.match(r.body, /<h1>Sign in to OSCAR again<\/h1><p role="alert">Your OSCAR sign-in has ended; sign in to OSCAR again\.<\/p>/, step);
        assert.match(r.body, /action="\/fhir\/auth\/interaction\/uid-1\/oscar-again"/, step);
        assert.doesNotMatch(r.body, /role may not allow|Try again|Choose a patient|Patient not available|name="q"/, step);
        assert.equal(vaulted, undefined, `${step}: the token OSCAR refused leaves the vault`);
        assert.deepEqual(warned, [{ fields: { error: 'OscarSignInEndedError', reason: 'invalid_signature', step }, message: 'OSCAR could not answer a sign-in\'s call about patients' }], step);
        assert.doesNotMatch(JSON.stringify(warned), /Brien|1001/, `${step}: neither the term nor a patient in the log`);
        assert.deepEqual(finished, [], `${step}: no grant`);
      }
    } finally {
      failing = undefined;
    }
  });

  it('OSCAR\'s sign-in again is for this browser\'s own interaction only', async () => {
    signedIn('openid launch/patient patient/Patient.rs');
    detailsUid = 'uid-other';
    const other = await fetch(`${base}/auth/interaction/${UID}/oscar-again`, { redirect: 'manual' });
    assert.equal(other.status, 400);
    assert.match(await other.text(), /This sign-in does not belong to this browser\./);
    detailsUid = UID;
    interactionGone = true;
    try {
      const gone = await fetch(`${base}/auth/interaction/${UID}/oscar-again`, { redirect: 'manual' });
      assert.equal(gone.status, 400);
      assert.match(await gone.text(), /This sign-in is no longer valid/);
    } finally {
      interactionGone = false;
    }
  });

  it('OSCAR failing the check of a launch\'s or a chosen patient: a page saying so, not "not available" or "choose a patient"', async () => {
    signedIn('openid launch launch/patient patient/Patient.rs');
    launchRecords.set('L-down', { clientId: APP, patient: '1001', providerHint: '999998' });
    launchParam = 'L-down';
    failing = () => new OscarUnreachable('OSCAR did not answer (ECONNREFUSED)', { cause: new OscarUnavailableError('user-rest', 'connection', { code: 'ECONNREFUSED' }) });
    warned.length = 0;
    try {
      const launched = await show();
      assert.equal(launched.status, 503);
      assert.equal(launched.headers.get('retry-after'), '5');
      assert.match(launched.body, /<h1>OSCAR is not answering<\/h1><p>OSCAR is not answering right now, so patients cannot be looked up\. Try again in a moment\.<\/p>/);
      assert.doesNotMatch(launched.body, /Patient not available/);
      signedIn('openid launch/patient patient/Patient.rs');
      failing = () => new OscarRedirectError('user-rest', 302, 'http://oscar.example.org/oscar/', 'http://oscar.example.org/oscar');
      const chosen = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1001' });
      assert.equal(chosen.status, 502);
      assert.match(chosen.body, /<h1>OSCAR address needs correcting<\/h1>/);
      assert.doesNotMatch(chosen.body, /Choose a patient/);
      assert.deepEqual(finished, [], 'no grant');
      assert.deepEqual(warned.map((w) => [w.fields.step, w.fields.error]), [['launch patient', 'OscarUnreachable'], ['chosen patient', 'OscarRedirectError']]);
      assert.doesNotMatch(JSON.stringify(warned), /1001/, 'no patient in the log');
    } finally {
      failing = undefined;
    }
  });

  it('an EHR launch: its patient confirmed on the page once OSCAR lets this user see them; else refused', async () => {
    signedIn('openid launch launch/patient patient/Patient.rs');
    launchRecords.set('L-1', { clientId: APP, patient: '1001', providerHint: '999998' });
    launchParam = 'L-1';
    const r = await show();
    assert.equal(r.status, 200);
    assert.deepEqual(looked, [1001]);
    assert.match(r.body, /The app opens for <strong>DOE, JANE<\/strong>\./);
    assert.match(r.body, /<input type="hidden" name="patient" value="1001">/);
    assert.doesNotMatch(r.body, /name="q"/);
    hidden.add(1001);
    const refused = await show();
    hidden.delete(1001);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /Patient not available/);
    assert.match(refused.body, /OSCAR does not let you see the patient this launch named\./);
    launchRecords.set('L-other', { clientId: APP, patient: '1001', providerHint: '123' });
    launchParam = 'L-other';
    const other = await show();
    assert.equal(other.status, 403);
    assert.match(other.body, /Different OSCAR user/);
    assert.match(other.body, /The app was opened from OSCAR by another provider than the one signed in here\./);
    launchRecords.set('L-nohint', { clientId: APP, patient: '1001' });
    launchParam = 'L-nohint';
    assert.equal((await show()).status, 200, 'a link that names no provider is confirmed on the page');
    launchParam = 'L-expired';
    const expired = await show();
    assert.equal(expired.status, 400);
    assert.match(expired.body, /Launch expired/);
    assert.match(expired.body, /This launch from OSCAR has expired\. Open the app from OSCAR again\./);
    assert.deepEqual(finished, []);
  });

  it('an EHR launch naming no patient, for an app that needs none, shows the page without a patient', async () => {
    signedIn('openid launch user/Patient.rs');
    launchRecords.set('L-none', { clientId: APP, providerHint: '999998' });
    launchParam = 'L-none';
    const r = await show();
    assert.equal(r.status, 200);
    assert.deepEqual(looked, []);
    assert.doesNotMatch(r.body, /<legend>Patient<\/legend>/);
  });

  it('allowing: the Grant gets the SMART words the app is registered for (openid always) and the boxes ticked; the rest is rejected', async () => {
    signedIn('openid fhirUser launch/patient offline_access patient/Patient.rs patient/Observation.rs user/Encounter.rs');
    grantCalls.length = 0;
    grants.length = 0;
    const r = await decide([['decision', 'allow'], ['scope', 'patient/Patient.rs'], ['scope', 'patient/Immunization.rs'], ['patient', '1001']]);
    assert.equal(r.status, 303, r.body);
    assert.deepEqual(grantCalls, [[
      'add OIDC openid launch/patient',
      'add http://127.0.0.1/fhir patient/Patient.rs',
      'reject http://127.0.0.1/fhir patient/Observation.rs user/Encounter.rs',
      'reject OIDC fhirUser offline_access',
    ]]);
    assert.deepEqual(finished, [{ consent: { grantId: 'grant-1' } }]);
    assert.deepEqual(await kept('grant-1'), { context: { patient: '1001', needPatientBanner: true }, listed: true });
    await documents.deleteBy('grantId', 'grant-1');
    assert.equal((await kept('grant-1')).context, undefined, 'the context goes when its grant is revoked (found by grantId)');
    clientId = TRUSTED;
    scope = 'openid user/Patient.rs';
    const bare = await decide([['decision', 'allow'], ['scope', 'user/Patient.rs']]);
    assert.equal(bare.status, 303, bare.body);
    assert.deepEqual(grantCalls[1], ['add OIDC openid', 'add http://127.0.0.1/fhir user/Patient.rs']);
    assert.deepEqual(await kept('grant-2'), { context: {}, listed: true });
    clientId = APP;
    scope = 'fhirUser user/Patient.rs';
    const nothing = await decide({ decision: 'allow' });
    assert.equal(nothing.status, 303, nothing.body);
    assert.deepEqual(grantCalls[2], ['reject http://127.0.0.1/fhir user/Patient.rs', 'reject OIDC fhirUser']);
    scope = 'openid user/Patient.rs user/Observation.rs user/Encounter.rs';
    const two = await decide([['decision', 'allow'], ['scope', 'user/Patient.rs'], ['scope', 'user/Observation.rs']]);
    assert.equal(two.status, 303, two.body);
    assert.deepEqual(grantCalls[3], ['add OIDC openid', 'add http://127.0.0.1/fhir user/Patient.rs user/Observation.rs', 'reject http://127.0.0.1/fhir user/Encounter.rs']);
    scope = 'openid user/Patient.rs';
    const bracketed = await decide([['decision', 'allow'], ['scope[]', 'user/Patient.rs']]);
    assert.equal(bracketed.status, 303, bracketed.body);
    assert.deepEqual(grantCalls[4], ['add OIDC openid', 'reject http://127.0.0.1/fhir user/Patient.rs'], 'form fields are plain names: "scope[]" is not a scope');
  });

  it('the grant context lives as long as the grant: 30 days', async () => {
    signedIn('openid user/Patient.rs');
    grants.length = 0;
    grantCalls.length = 0;
    const at = now;
    await decide([['decision', 'allow'], ['scope', 'user/Patient.rs']]);
    now = at + 30 * 86_400_000 - 1;
    assert.deepEqual(await kept('grant-1'), { context: {}, listed: true });
    now = at + 30 * 86_400_000 + 1;
    assert.deepEqual(await kept('grant-1'), { context: undefined, listed: false });
    now = at;
  });

  it('a patient must be chosen when launch/patient is granted or a patient/ scope is ticked, either alone', async () => {
    for (const [asked, ticked] of [
      ['openid launch/patient user/Patient.rs', 'user/Patient.rs'],
      ['openid patient/Patient.rs', 'patient/Patient.rs'],
    ] as const) {
      signedIn(asked);
      const r = await decide({ decision: 'allow', scope: ticked });
      assert.equal(r.status, 400, asked);
      assert.match(r.body, /Choose a patient/, asked);
      assert.deepEqual(finished, [], asked);
    }
    signedIn('openid launch/patient patient/Patient.rs user/Patient.rs');
    const unticked = await decide({ decision: 'allow', scope: 'user/Patient.rs' });
    assert.equal(unticked.status, 400, 'launch/patient still asks for a patient when the patient/ box is unticked');
  });

  it('a patient is needed but the user\'s OSCAR token is gone by the time the form comes back: OSCAR\'s sign-in again, OSCAR not asked', async () => {
    signedIn('openid launch/patient patient/Patient.rs');
    vaulted = undefined;
    const r = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1001' });
    assert.equal(r.status, 401);
    assert.match(r.body, /<p role="alert">Your OSCAR sign-in has ended; sign in to OSCAR again\.<\/p>/);
    assert.match(r.body, /action="\/fhir\/auth\/interaction\/uid-1\/oscar-again"/);
    assert.deepEqual(looked, []);
    assert.deepEqual(finished, []);
  });

  it('an EHR launch confirmed on the page: the posted patient must be the launch\'s; the app needs no banner; the launch serves once', async () => {
    signedIn('openid launch launch/patient patient/Patient.rs');
    grants.length = 0;
    grantCalls.length = 0;
    launchRecords.set('L-2', { clientId: APP, patient: '1001', providerHint: '999998' });
    launchParam = 'L-2';
    const changed = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1002' });
    assert.equal(changed.status, 400);
    assert.match(changed.body, /Patient changed/);
    assert.match(changed.body, /The patient does not match the launch\./);
    assert.deepEqual(grants, []);
    const ok = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1001' });
    assert.equal(ok.status, 303, ok.body);
    assert.deepEqual(await kept('grant-1'), { context: { patient: '1001', needPatientBanner: false, launchId: 'L-2' }, listed: true });
    assert.ok(spent.has('L-2'));
    const twice = await decide({ decision: 'allow', scope: 'patient/Patient.rs', patient: '1001' });
    assert.equal(twice.status, 400);
    assert.match(twice.body, /Launch already used/);
    assert.match(twice.body, /This launch from OSCAR was already used\. Open the app from OSCAR again\./);
    assert.equal(grants.length, 1);
  });

  it('a trusted app launched from OSCAR by the signed-in provider skips the page; the app shows the patient banner', async () => {
    signedIn('launch launch/patient patient/Patient.rs');
    clientId = TRUSTED;
    grants.length = 0;
    grantCalls.length = 0;
    launchRecords.set('L-3', { clientId: TRUSTED, patient: '1001', providerHint: '999998' });
    launchParam = 'L-3';
    const r = await show();
    assert.equal(r.status, 303, r.body);
    assert.deepEqual(finished, [{ consent: { grantId: 'grant-1' } }]);
    assert.deepEqual(grantCalls, [['add OIDC launch launch/patient', 'add http://127.0.0.1/fhir patient/Patient.rs']]);
    assert.deepEqual(await kept('grant-1'), { context: { patient: '1001', needPatientBanner: true, launchId: 'L-3' }, listed: true });
    signedIn('launch user/Patient.rs');
    clientId = TRUSTED;
    launchRecords.set('L-4', { clientId: TRUSTED, providerHint: '999998' });
    launchParam = 'L-4';
    assert.equal((await show()).status, 303, 'no patient needed: no page either');
    assert.deepEqual(await kept('grant-2'), { context: { }, listed: true });
    assert.equal(spent.has('L-4'), false, 'a launch with no patient context is not spent');
  });

  it('a trusted app still gets the page when the link named no provider, or for an app that is not trusted', async () => {
    signedIn('launch launch/patient patient/Patient.rs');
    clientId = TRUSTED;
    launchRecords.set('L-5', { clientId: TRUSTED, patient: '1001' });
    launchParam = 'L-5';
    const r = await show();
    assert.equal(r.status, 200);
    assert.match(r.body, /<title>Allow Clinic board\?<\/title>/);
    clientId = APP;
    launchRecords.set('L-6', { clientId: APP, patient: '1001', providerHint: '999998' });
    launchParam = 'L-6';
    assert.equal((await show()).status, 200);
    assert.deepEqual(finished, []);
  });

  it('a trusted app whose launch named no patient but asks for one is shown the page (a patient must be picked)', async () => {
    signedIn('launch launch/patient patient/Patient.rs');
    clientId = TRUSTED;
    launchRecords.set('L-7', { clientId: TRUSTED, providerHint: '999998' });
    launchParam = 'L-7';
    const r = await show();
    assert.equal(r.status, 200);
    assert.match(r.body, /name="q"/);
    assert.deepEqual(finished, []);
  });
});
