// What a request of a user signed in through OSCAR runs under (src/auth/oscar/identity.ts), against
// a stub OSCAR that knows which user token sees which patient: the user's own token signs the REST
// calls, a patient OSCAR hides is a 403 unless the whole sign-in was withdrawn in OSCAR (401, and
// the vault forgets it, whichever call of the request meets OSCAR's refusal first), OSCAR's "yes"
// is trusted for exactly a minute and its "no" never, and an OSCAR that cannot say is a 503.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import type { AuthContext } from '../../src/auth/context.js';
import { oscarIdentity, type OscarIdentity } from '../../src/auth/oscar/identity.js';
import type { OscarConnection } from '../../src/config.js';
import { isFhirError, toOperationOutcome } from '../../src/fhir/index.js';
import { actingOscarUser } from '../../src/oscar/acting-user.js';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarAuthError } from '../../src/oscar/errors.js';
import { InProcessVault } from '../../src/state/index.js';

const DOCTOR = '999998';
const TOKEN = { token: 'doctor-token', secret: 'doctor-secret', providerNo: DOCTOR };
/** contract 1.6, 2.7: OSCAR's refusal of a token it no longer knows (deleted: revoked). */
const oauthFault = (code: string): string => '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">'
  + `ca.openosp.openo.webserv.oauth.OAuth1Exception: ${code}</ns1:faultstring></ns1:XMLFault>`;
const OAUTH_REFUSAL = '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">ca.openosp.openo.webserv.oauth.OAuth1Exception: invalid_signature</ns1:faultstring></ns1:XMLFault>';

describe('acting as a user signed in through OSCAR', () => {
  let server: Server;
  let oscar: OscarConnection;
  /** Tokens OSCAR still honours, and whose they are. */
  let logins: Map<string, string>;
  /** `token|demographicNo` pairs OSCAR shows; `token|demographicNo|prevention` pairs with _prevention r. */
  let shown: Set<string>;
  let infoBroken: boolean;
  /** OSCAR refusing every call's OAuth with this code (contract 2.7), its Date header as given. */
  let refusal: { code: string; headers: Record<string, string> } | undefined;
  /** OSCAR refusing the facade's own token 'svc' too (a wrong consumer secret, a proxy changing the URL OSCAR sees). */
  let ownRefused: boolean;
  /** The facade's own token put to OSCAR (contract 2.7: confirming before a user's token is dropped). */
  let ownCalls: number;
  /** OSCAR dropping the connection of the facade's own call only. */
  let ownDown: boolean;
  let down: boolean;
  let calls: string[];
  /** Run before OSCAR answers a refusal (what happens meanwhile elsewhere), then cleared. */
  let whileRefusing: (() => Promise<void>) | undefined;
  let identity: OscarIdentity;

  before(async () => {
    server = createServer((req, res) => {
      const token = /oauth_token="([^"]*)"/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const path = (req.url ?? '').replace(/^\/oscar\/ws\/services/, '');
      if (token === 'svc') {
        ownCalls += 1;
        if (down || ownDown) return void req.socket.destroy();
        return void (ownRefused || path !== '/oauth/info' ? res.writeHead(500).end(OAUTH_REFUSAL) : res.writeHead(200).end(JSON.stringify({ login: 'svc' })));
      }
      calls.push(path);
      if (down) return void req.socket.destroy();
      if (refusal) return void res.writeHead(500, refusal.headers).end(oauthFault(refusal.code));
      if (!logins.has(token)) {
        const meanwhile = whileRefusing ?? (async () => undefined);
        whileRefusing = undefined;
        return void meanwhile().then(() => res.writeHead(500).end(OAUTH_REFUSAL));
      }
      if (path === '/oauth/info') {
        return void (infoBroken ? res.writeHead(500).end('<html>java.lang.NullPointerException</html>') : res.writeHead(200).end(JSON.stringify({ login: logins.get(token) })));
      }
      const patient = /^\/demographics\/(\d+)$/.exec(path)?.[1];
      if (patient) return void (shown.has(`${token}|${patient}`) ? res.writeHead(200).end(JSON.stringify({ demographicNo: Number(patient) })) : res.writeHead(204).end());
      const prevention = /^\/preventions\/active\?demographicNo=(\d+)$/.exec(path)?.[1];
      if (prevention) return void res.writeHead(shown.has(`${token}|${prevention}|prevention`) ? 200 : 500).end('{}');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    oscar = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oscar`, consumerKey: 'facade', consumerSecret: 'facade-secret', accessToken: 'svc', accessTokenSecret: 'svc-secret', soapUserName: 'svc', soapPassword: 'svc-password' };
  });
  after(async () => { await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }); });
  beforeEach(async () => {
    logins = new Map([[TOKEN.token, DOCTOR]]);
    shown = new Set([`${TOKEN.token}|1001`, `${TOKEN.token}|1001|prevention`, `${TOKEN.token}|1234567890`]);
    infoBroken = false;
    refusal = undefined;
    ownRefused = false;
    ownCalls = 0;
    ownDown = false;
    down = false;
    calls = [];
    whileRefusing = undefined;
    identity = oscarIdentity({ oscar, vault: new InProcessVault(), keys: [{ id: 'k1', key: randomBytes(32) }], maxAgeSeconds: 3600 }).identity;
    await identity.vault.put({ ...TOKEN, obtainedAt: Date.now() });
  });
  afterEach(() => { mock.timers.reset(); });

  const user = (patient?: string): AuthContext => ({ kind: 'token', scopes: [], oscarProvider: DOCTOR, ...(patient && { patient }) });
  /** Who a request runs as, or the error a client gets. */
  const actAs = async (auth: AuthContext): Promise<string> => {
    try {
      return await identity.actAs(auth, async () => `ran as ${actingOscarUser()?.token ?? 'the facade'}`);
    } catch (e) {
      return answered(e);
    }
  };
  /** What a FHIR client gets for an error: status, the WWW-Authenticate description or the message, Retry-After. */
  const answered = (e: unknown): string => {
    if (isFhirError(e)) {
      const description = /error_description="([^"]*)"/.exec(e.headers['www-authenticate'] ?? '')?.[1];
      return `${e.status} ${description ?? e.message}${e.headers['retry-after'] ? ` retry-after=${e.headers['retry-after']}` : ''}`;
    }
    const m = toOperationOutcome(e); // the typed OSCAR errors (fhir/outcome.ts)
    if (m.bug) throw e;
    return `${m.status} ${/error_description="([^"]*)"/.exec(m.headers['www-authenticate'] ?? '')?.[1] ?? m.outcome.issue[0]!.diagnostics}`;
  };

  it('a key made at start-up only when none is configured', () => {
    const make = (keys: { id: string; key: Buffer }[]) => oscarIdentity({ oscar, vault: new InProcessVault(), keys, maxAgeSeconds: 60 }).generatedKey;
    assert.equal(make([]), true);
    assert.equal(make([{ id: 'k1', key: randomBytes(32) }]), false);
  });

  it('runs as the facade for a caller with no OSCAR user, as the user otherwise', async () => {
    assert.equal(await actAs({ kind: 'token', scopes: [] }), 'ran as the facade');
    assert.equal(await actAs(user()), 'ran as doctor-token');
    assert.deepEqual(calls, [], 'no patient in the token: nothing to ask OSCAR');
    assert.equal(await actAs(user('1001')), 'ran as doctor-token');
    assert.deepEqual(calls, ['/demographics/1001']);
  });

  it('a sign-in the vault no longer holds is a 401', async () => {
    await identity.vault.delete(DOCTOR);
    assert.equal(await actAs(user('1001')), '401 the user\'s OSCAR sign-in has expired: sign in to the app again');
  });

  it('trusts OSCAR\'s "yes" for exactly one minute', async () => {
    const t0 = 1_800_000_000_000;
    mock.timers.enable({ apis: ['Date'], now: t0 });
    assert.equal(await actAs(user('1001')), 'ran as doctor-token');
    mock.timers.setTime(t0 + 60_000);
    assert.equal(await actAs(user('1001')), 'ran as doctor-token');
    assert.equal(calls.length, 1, 'still trusted at the minute');
    mock.timers.setTime(t0 + 60_001);
    assert.equal(await actAs(user('1001')), 'ran as doctor-token');
    assert.deepEqual(calls, ['/demographics/1001', '/demographics/1001'], 'asked again after it');
  });

  it('a hidden patient: 403 while OSCAR still honours the sign-in, asked again every time', async () => {
    const forbidden = '403 OSCAR does not let this user see the patient of this token';
    assert.equal(await actAs(user('1002')), forbidden);
    assert.equal(await actAs(user('1002')), forbidden);
    assert.deepEqual(calls, ['/demographics/1002', '/oauth/info', '/demographics/1002', '/oauth/info']);
    assert.ok(await identity.vault.get(DOCTOR), 'the sign-in is kept');
  });

  it('patient ids OSCAR cannot have are hidden without asking for them', async () => {
    for (const id of ['0', '01', '12345678901', 'abc']) assert.match(await actAs(user(id)), /^403 /, id);
    assert.deepEqual(new Set(calls), new Set(['/oauth/info']));
    assert.equal(await actAs(user('1234567890')), 'ran as doctor-token', 'ten digits is an OSCAR number');
  });

  it('a sign-in withdrawn in OSCAR: 401 at the patient check, the vault forgets it, the next request asks OSCAR nothing', async () => {
    logins.delete(TOKEN.token);
    assert.equal(await actAs(user('1001')), '401 the user\'s sign-in to the EMR has ended; sign in to the app again');
    assert.deepEqual(calls, ['/demographics/1001'], 'OSCAR\'s refusal of the token says it all');
    assert.equal(await identity.vault.get(DOCTOR), undefined);
    assert.equal(await actAs(user('1001')), '401 the user\'s OSCAR sign-in has expired: sign in to the app again');
    assert.equal(await actAs(user()), '401 the user\'s OSCAR sign-in has expired: sign in to the app again');
    assert.deepEqual(calls, ['/demographics/1001'], 'answered without OSCAR');
  });

  it('a sign-in withdrawn while the patient check is trusted: the request\'s own REST call meets it, 401, and the vault forgets it', async () => {
    const client = new OscarClient({ baseUrl: oscar.url, timezone: 'America/Toronto', oauth: { consumerKey: 'facade', consumerSecret: 'facade-secret', token: 'svc', tokenSecret: 'svc-secret' }, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 2000 });
    try {
      assert.equal(await actAs(user('1001')), 'ran as doctor-token', 'OSCAR shows the patient: trusted for a minute');
      logins.delete(TOKEN.token);
      const read = await identity.actAs(user('1001'), () => client.restGetDemographicBasic(1001)).then(() => 'read', answered);
      assert.equal(read, '401 the user\'s sign-in to the EMR has ended; sign in to the app again');
      assert.deepEqual(calls, ['/demographics/1001', '/demographics/basic/1001'], 'the patient check came from the minute\'s trust');
      assert.equal(await identity.vault.get(DOCTOR), undefined);
      // A refusal caught on the way (a reference that could not be read) ends the sign-in too.
      await identity.vault.put({ ...TOKEN, obtainedAt: Date.now() });
      assert.equal(await identity.actAs(user(), () => client.restGetDemographicBasic(1002).then(() => 'read', () => 'left out')), 'left out');
      assert.equal(await identity.vault.get(DOCTOR), undefined, 'dropped though the answer went on');
      // Any other failure of OSCAR's is not the sign-in.
      logins.set(TOKEN.token, DOCTOR);
      await identity.vault.put({ ...TOKEN, obtainedAt: Date.now() });
      assert.equal(await identity.actAs(user(), () => client.restGetDemographicBasic(1001).then(() => 'read', answered)), '502 The EMR could not serve this request.');
      assert.ok(await identity.vault.get(DOCTOR), 'kept');
    } finally {
      client.close();
    }
  });

  it('a refusal of the old token does not drop the one a new sign-in put while it was on its way', async () => {
    const NEW = { token: 'doctor-token-2', secret: 'doctor-secret-2', providerNo: DOCTOR };
    const client = new OscarClient({ baseUrl: oscar.url, timezone: 'America/Toronto', oauth: { consumerKey: 'facade', consumerSecret: 'facade-secret', token: 'svc', tokenSecret: 'svc-secret' }, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 2000 });
    const signedInAgain = async (): Promise<void> => {
      logins.set(NEW.token, DOCTOR);
      await identity.vault.put({ ...NEW, obtainedAt: Date.now() });
    };
    try {
      // The patient check meets the refusal (askedOnce).
      logins.delete(TOKEN.token);
      whileRefusing = signedInAgain;
      assert.equal(await actAs(user('1001')), '401 the user\'s sign-in to the EMR has ended; sign in to the app again');
      assert.equal((await identity.vault.get(DOCTOR))?.token, NEW.token, 'the new sign-in kept');
      // The request's own REST call meets it (asOscarUser's signInEnded).
      await identity.vault.put({ ...TOKEN, obtainedAt: Date.now() });
      logins.delete(NEW.token);
      whileRefusing = signedInAgain;
      const read = await identity.actAs(user(), () => client.restGetDemographicBasic(1001)).then(() => 'read', answered);
      assert.equal(read, '401 the user\'s sign-in to the EMR has ended; sign in to the app again');
      assert.equal((await identity.vault.get(DOCTOR))?.token, NEW.token, 'the new sign-in kept');
      // Without a new sign-in meanwhile, the refused token still goes.
      logins.delete(NEW.token);
      assert.equal(await actAs(user('1002')), '401 the user\'s sign-in to the EMR has ended; sign in to the app again');
      assert.equal(await identity.vault.get(DOCTOR), undefined);
    } finally {
      client.close();
    }
  });

  it('OSCAR cannot say: 503 with Retry-After', async () => {
    infoBroken = true;
    assert.equal(await actAs(user('1002')), '503 OSCAR cannot confirm the user\'s sign-in right now retry-after=5');
    assert.ok(await identity.vault.get(DOCTOR), 'nothing forgotten on a broken answer');
    down = true;
    assert.equal(await actAs(user('1001')), '503 OSCAR cannot say right now whether this user may see this patient retry-after=5');
  });

  it('sees: the patient, then the per-type question where OSCAR has one', async () => {
    assert.equal(await identity.sees({ kind: 'token', scopes: [] }, '1002'), true, 'no OSCAR user: nothing to hold to');
    assert.equal(await identity.sees(user(), '1001'), true);
    assert.equal(await identity.sees(user(), '1001', 'Immunization'), true);
    assert.equal(await identity.sees(user(), '1001', 'AllergyIntolerance'), true, 'no per-user question for allergies');
    assert.equal(await identity.sees(user(), '1002', 'Immunization'), false);
    assert.deepEqual(calls, ['/demographics/1001', '/preventions/active?demographicNo=1001', '/demographics/1002'], 'answers within the minute are reused');
    shown.add(`${TOKEN.token}|1002`);
    assert.equal(await identity.sees(user(), '1002', 'Immunization'), false, 'no _prevention for this patient');
    assert.equal(await identity.sees(user(), '1002', 'Immunization'), false);
    assert.equal(calls.filter((c) => c === '/preventions/active?demographicNo=1002').length, 2, 'a "no" is asked again');
    down = true;
    await assert.rejects(identity.sees(user(), '1002', 'Immunization'), (e: unknown) => isFhirError(e) && e.status === 503
      && e.message === 'OSCAR cannot say right now whether this user may see Immunization records' && e.headers['retry-after'] === '5');
    await assert.rejects(identity.sees(user(), '1003', 'Immunization'), (e: unknown) => isFhirError(e) && e.status === 503);
    down = false;
    await identity.vault.delete(DOCTOR);
    assert.equal(await identity.sees(user(), '1001'), false, 'no sign-in kept');
  });

  it('stillSignedIn: kept and honoured by OSCAR as this provider\'s', async () => {
    assert.equal(await identity.stillSignedIn(DOCTOR), true);
    assert.equal(await identity.stillSignedIn('100101'), false, 'nothing kept');
    logins.set(TOKEN.token, '100101');
    assert.equal(await identity.stillSignedIn(DOCTOR), false, 'OSCAR names another provider');
    assert.equal(await identity.vault.get(DOCTOR), undefined, 'and the vault forgets it');
  });

  it('stillSignedIn: OSCAR refusing the token itself (contract 2.7 invalid_signature, unknown_provider) says no and the vault forgets it', async () => {
    for (const code of ['invalid_signature', 'unknown_provider']) {
      await identity.vault.put({ ...TOKEN, obtainedAt: Date.now() });
      refusal = { code, headers: {} };
      assert.equal(await identity.stillSignedIn(DOCTOR), false, code);
      assert.equal(await identity.vault.get(DOCTOR), undefined, code);
    }
  });

  it('OSCAR refusing the facade\'s consumer, its clock or its request is no sign-in ended: stillSignedIn throws OscarAuthError, a request is a 502, the token stays', async () => {
    const hourAgo = { date: new Date(Date.now() - 3_600_000).toUTCString() };
    const cases: [string, Record<string, string>, string][] = [
      ['invalid_consumer', {}, 'invalid_consumer'],
      ['invalid_signature', hourAgo, 'clock skew?'],
      ['missing_consumer_key', {}, 'missing_consumer_key'],
      ['oauth_authentication_failed', {}, 'oauth_authentication_failed'],
    ];
    for (const [code, headers, cause] of cases) {
      refusal = { code, headers };
      await assert.rejects(identity.stillSignedIn(DOCTOR), (e: unknown) => e instanceof OscarAuthError && e.cause === cause && e.operation === 'user-rest:oauthInfo', code);
      assert.ok(await identity.vault.get(DOCTOR), `${code}: the user's token is kept`);
      assert.equal(await actAs(user('1002')), '502 The EMR could not serve this request.', code);
      assert.ok(await identity.vault.get(DOCTOR), `${code}: kept after a request too`);
    }
    refusal = undefined;
    assert.equal(await identity.stillSignedIn(DOCTOR), true, 'once the administrator fixes it, the same sign-in works');
  });
  it('a bad signature while OSCAR refuses the facade\'s own too (its setup at fault) is no sign-in ended: 502, stillSignedIn throws, the token stays, one confirmation', async () => {
    refusal = { code: 'invalid_signature', headers: {} };
    ownRefused = true;
    assert.deepEqual(await Promise.all([actAs(user('1001')), actAs(user('1002')), actAs(user('1003'))]), Array(3).fill('502 The EMR could not serve this request.'));
    await assert.rejects(identity.stillSignedIn(DOCTOR), (e: unknown) => e instanceof OscarAuthError && /OSCAR_CONSUMER_SECRET/.test(e.hint));
    assert.equal(ownCalls, 1, 'four refusals, one confirmation');
    assert.ok(await identity.vault.get(DOCTOR), 'the user\'s token is kept');
    // A fresh identity, the facade's own accepted: the same refusal is the user's sign-in ended.
    identity = oscarIdentity({ oscar, vault: new InProcessVault(), keys: [{ id: 'k1', key: randomBytes(32) }], maxAgeSeconds: 3600 }).identity;
    await identity.vault.put({ ...TOKEN, obtainedAt: Date.now() });
    ownRefused = false;
    assert.equal(await actAs(user('1001')), '401 the user\'s sign-in to the EMR has ended; sign in to the app again');
    assert.equal(await identity.vault.get(DOCTOR), undefined);
  });

  it('a bad signature OSCAR cannot confirm (its connection for the facade\'s own call dropped) is 503, the token stays', async () => {
    refusal = { code: 'invalid_signature', headers: {} };
    ownDown = true;
    assert.match(await actAs(user('1001')), /^503 /);
    await assert.rejects(identity.stillSignedIn(DOCTOR), (e: unknown) => (e as Error).name === 'OscarUnreachable');
    assert.ok(ownCalls >= 1);
    assert.ok(await identity.vault.get(DOCTOR), 'the user\'s token is kept');
  });
});
