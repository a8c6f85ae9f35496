// The REST calls made with a user's own OSCAR token (src/auth/oscar/user-rest.ts) against a stub
// OSCAR that answers as the contract says it can: what each answer means (a user, a refusal, the
// user's sign-in ended, or "OSCAR cannot say"), and what is sent (path under /ws/services, query, OAuth 1.0a header).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OscarSignInEndedError } from '../../src/oscar/errors.js';
import { OscarRefused, OscarUnreachable, oscarUserRest } from '../../src/auth/oscar/user-rest.js';

const USER = { token: 'user-token-1', secret: 'user-secret-1' };
/** contract 1.6, 2.7: how OSCAR's OAuthInterceptor refuses a call (a CXF XMLFault, status 500). */
const oauthFault = (code: string): string => '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">'
  + `ca.openosp.openo.webserv.oauth.OAuth1Exception: ${code}</ns1:faultstring></ns1:XMLFault>`;
/** contract 2.7: a token deleted in OSCAR (revoked) is refused as a bad signature. */
const OAUTH_REFUSAL = oauthFault('invalid_signature');
/** contract 1.6, 3.1: the container's error page, e.g. quickSearch without the privilege _demographic. */
const ERROR_PAGE = '<html><head><title>Error</title></head><body>java.lang.RuntimeException: Access Denied</body></html>';

describe('OSCAR REST with the user\'s own token', () => {
  let server: Server;
  let base: string;
  let answer: { status: number; body: string; headers?: Record<string, string> } | 'never';
  let seen: IncomingMessage[];
  /** OSCAR's answer to the facade's own token (contract 2.7: the confirmation before a user's token is taken as ended). */
  let ownAnswer: { status: number; body: string } | 'never' | 'down';
  let ownCalls: number;

  before(async () => {
    server = createServer((req, res) => {
      if (/oauth_token="facade-own"/.test(req.headers.authorization ?? '')) {
        ownCalls += 1;
        if (ownAnswer === 'down') return void req.socket.destroy();
        if (ownAnswer === 'never') return;
        return void res.writeHead(ownAnswer.status, { 'content-type': 'application/json' }).end(ownAnswer.body);
      }
      seen.push(req);
      if (answer === 'never') return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oscar`;
  });
  after(async () => { await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }); });
  beforeEach(() => { seen = []; answer = { status: 200, body: '{}' }; ownAnswer = { status: 200, body: '{"login":"1"}' }; ownCalls = 0; });

  const OWN = { token: 'facade-own', secret: 'facade-own-secret' };
  const rest = (timeoutMs?: number, ownToken: typeof OWN | null = OWN) => oscarUserRest({ baseUrl: `${base}//`, consumerKey: 'facade-key', consumerSecret: 'facade-secret', ...(ownToken && { ownToken }), ...(timeoutMs && { timeoutMs }) });
  const reply = (status: number, body: unknown, headers?: Record<string, string>): void => { answer = { status, body: typeof body === 'string' ? body : JSON.stringify(body), ...(headers && { headers }) }; };
  /** The error a call fails with, as class and message. */
  const failure = async (p: Promise<unknown>): Promise<string> => {
    try { return `resolved ${JSON.stringify(await p)}`; } catch (e) { return `${(e as Error).constructor.name}: ${(e as Error).message}`; }
  };

  it('signs each call with the consumer and the user\'s token, under /ws/services', async () => {
    reply(200, { login: '999998' });
    await rest().providerOf(USER);
    const req = seen[0]!;
    assert.equal(req.url, '/oscar/ws/services/oauth/info');
    assert.match(req.headers.authorization ?? '', /^OAuth /);
    assert.match(req.headers.authorization ?? '', /oauth_consumer_key="facade-key"/);
    assert.match(req.headers.authorization ?? '', /oauth_token="user-token-1"/);
  });

  it('providerOf: the login OSCAR names, or a refusal', async () => {
    reply(200, { login: '999998' });
    assert.equal(await rest().providerOf(USER), '999998');
    const cases: [number, unknown, string][] = [
      [200, { login: '' }, 'OscarRefused: OSCAR did not say who approved'],
      [200, { login: 999998 }, 'OscarRefused: OSCAR did not say who approved'],
      [200, { login: '999998', error: 'internal' }, 'OscarRefused: OSCAR did not say who approved'],
      [500, OAUTH_REFUSAL, 'OscarSignInEndedError: OSCAR no longer accepts the signed-in user\'s access token for user-rest:oauthInfo (invalid_signature)'],
      [500, ERROR_PAGE, 'OscarRefused: OSCAR answered 500'],
      [200, '<html>login</html>', 'OscarRefused: OSCAR did not answer JSON'],
    ];
    for (const [status, body, expected] of cases) {
      reply(status, body);
      assert.equal(await failure(rest().providerOf(USER)), expected, JSON.stringify(body));
    }
  });

  it('a bad signature ends the sign-in only once OSCAR accepts the facade\'s own; refused too, or unconfirmable, the token stands (contract 2.7)', async () => {
    const refusedOwn = { status: 500, body: OAUTH_REFUSAL };
    const cases: [typeof ownAnswer, ReturnType<typeof rest> | undefined, string, string][] = [
      [{ status: 200, body: '{"login":"1"}' }, undefined, 'OscarSignInEndedError', 'resolved false'],
      [refusedOwn, undefined, 'OscarAuthError', 'OscarAuthError'],
      ['down', undefined, 'OscarUnreachable', 'OscarUnreachable'],
      [{ status: 200, body: '{"login":"1"}' }, rest(undefined, null), 'OscarAuthError', 'OscarAuthError'],
    ];
    for (const [own, client, search, accepts] of cases) {
      ownAnswer = own;
      ownCalls = 0;
      const r = client ?? rest();
      reply(500, OAUTH_REFUSAL);
      const [a, b] = await Promise.all([failure(r.quickSearch(USER, 'doe')), failure(r.accepts(USER, '999998'))]);
      assert.deepEqual([a.split(':')[0], b.startsWith('resolved') ? b : b.split(':')[0]], [search, accepts], JSON.stringify(own));
      assert.equal(ownCalls, client ? 0 : 1, 'one confirmation for both refusals');
    }
  });

  it('accepts: the same provider, another one, a refused token, or OSCAR cannot say', async () => {
    const cases: [number, unknown, string][] = [
      [200, { login: '999998' }, 'resolved true'],
      [200, { login: '100101' }, 'resolved false'],
      [500, OAUTH_REFUSAL, 'resolved false'],
      [500, oauthFault('unknown_provider'), 'resolved false'],
      // contract 2.7: the facade's consumer or request, not the user's token: the caller must not drop it.
      [500, oauthFault('invalid_consumer'), 'OscarAuthError: OSCAR rejected the facade\'s credentials for user-rest:oauthInfo (invalid_consumer)'],
      [500, oauthFault('missing_consumer_key'), 'OscarAuthError: OSCAR rejected the facade\'s credentials for user-rest:oauthInfo (missing_consumer_key)'],
      [500, oauthFault('oauth_authentication_failed'), 'OscarAuthError: OSCAR rejected the facade\'s credentials for user-rest:oauthInfo (oauth_authentication_failed)'],
      [500, '<html>NullPointerException</html>', 'OscarUnreachable: OSCAR answered 500'],
      // A redirect is the OSCAR address to correct, not a passing state (docs/oscar-redirects.md).
      [302, '', 'OscarRedirectError: OSCAR redirected user-rest (HTTP 302)'],
      [200, 'not json', 'OscarUnreachable: OSCAR did not answer JSON'],
      [200, { error: 'db down' }, 'OscarUnreachable: OSCAR reported an internal error'],
    ];
    for (const [status, body, expected] of cases) {
      reply(status, body);
      assert.equal(await failure(rest().accepts(USER, '999998')), expected, `${status} ${JSON.stringify(body)}`);
    }
    // invalid_signature with OSCAR's clock an hour from ours: the clocks, not the token.
    reply(500, OAUTH_REFUSAL, { date: new Date(Date.now() - 3_600_000).toUTCString() });
    assert.equal(await failure(rest().accepts(USER, '999998')), 'OscarAuthError: OSCAR rejected the facade\'s credentials for user-rest:oauthInfo (clock skew?)');
  });

  it('quickSearch: one match or many, names defaulted, the term as the query', async () => {
    const ada = { demographicNo: 1001, lastName: 'Lovelace', firstName: 'Ada', formattedDOB: '1815-12-10' };
    reply(200, { content: [ada, { demographicNo: 1002, formattedDOB: null }] });
    assert.deepEqual(await rest().quickSearch(USER, 'love lace'), [
      { demographicNo: 1001, lastName: 'Lovelace', firstName: 'Ada', dob: '1815-12-10' }, { demographicNo: 1002, lastName: '', firstName: '', dob: null },
    ]);
    assert.equal(seen[0]!.url, '/oscar/ws/services/demographics/quickSearch?query=love%20lace');
    reply(200, { content: ada });
    assert.deepEqual(await rest().quickSearch(USER, 'ada'), [{ demographicNo: 1001, lastName: 'Lovelace', firstName: 'Ada', dob: '1815-12-10' }]);
    reply(200, {});
    assert.deepEqual(await rest().quickSearch(USER, 'nobody'), []);
    reply(403, '<html>denied</html>');
    assert.equal(await failure(rest().quickSearch(USER, 'ada')), 'OscarRefused: OSCAR answered 403');
  });

  it('OSCAR refusing the user\'s token ends their sign-in; its error page (privilege) and the facade\'s own refusals do not (contract 2.7)', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['quickSearch', () => rest().quickSearch(USER, 'ada')],
      ['getDemographic', () => rest().patient(USER, 1001)],
      ['getPreventions', () => rest().readsPreventions(USER, 1001)],
    ];
    for (const [operation, call] of calls) {
      for (const code of ['invalid_signature', 'unknown_provider']) {
        reply(500, oauthFault(code));
        const e = await call().catch((x: unknown) => x);
        assert.ok(e instanceof OscarSignInEndedError, `${operation} ${code}`);
        assert.equal(e.code, code);
        assert.equal(e.operation, `user-rest:${operation}`);
        assert.doesNotMatch(e.message, /ada|1001/, 'neither the term nor the patient');
      }
      reply(500, oauthFault('invalid_consumer'));
      assert.equal(await failure(call()), `OscarAuthError: OSCAR rejected the facade's credentials for user-rest:${operation} (invalid_consumer)`);
      reply(500, OAUTH_REFUSAL, { date: new Date(Date.now() - 3_600_000).toUTCString() });
      assert.equal(await failure(call()), `OscarAuthError: OSCAR rejected the facade's credentials for user-rest:${operation} (clock skew?)`, 'the clocks, not the token');
      reply(500, ERROR_PAGE);
      assert.equal(await failure(call()), operation === 'quickSearch' ? 'OscarRefused: OSCAR answered 500' : operation === 'getDemographic' ? 'resolved undefined' : 'resolved false', `${operation}: the error page is a privilege`);
      // The refusal's words echoed in an error page (a proxy's, the term in it) are that page, not a refusal.
      reply(500, '<html><p>Not found: /demographics/quickSearch?query=OAuth1Exception: invalid_signature</p></html>');
      assert.equal(await failure(call()), operation === 'quickSearch' ? 'OscarRefused: OSCAR answered 500' : operation === 'getDemographic' ? 'resolved undefined' : 'resolved false', `${operation}: an echo`);
    }
  });

  it('readsPreventions: only a 200 says yes', async () => {
    reply(200, { content: [] });
    assert.equal(await rest().readsPreventions(USER, 1001), true);
    assert.equal(seen[0]!.url, '/oscar/ws/services/preventions/active?demographicNo=1001');
    for (const [status, body] of [[204, ''], [403, ''], [500, ''], [500, ERROR_PAGE]] as const) {
      reply(status, body);
      assert.equal(await rest().readsPreventions(USER, 1001), false, String(status));
    }
  });

  it('patient: the patient OSCAR shows this user, or undefined', async () => {
    reply(200, { demographicNo: 1001, lastName: 'Lovelace', firstName: 'Ada', yearOfBirth: '1815', monthOfBirth: '12', dayOfBirth: '10' });
    assert.deepEqual(await rest().patient(USER, 1001), { demographicNo: 1001, lastName: 'Lovelace', firstName: 'Ada', dob: '1815-12-10' });
    assert.equal(seen[0]!.url, '/oscar/ws/services/demographics/1001');
    reply(200, { demographicNo: 1001, yearOfBirth: '1815', monthOfBirth: '12' });
    assert.deepEqual(await rest().patient(USER, 1001), { demographicNo: 1001, lastName: '', firstName: '', dob: null }, 'no day of birth');
    reply(200, { demographicNo: 1001, monthOfBirth: '12', dayOfBirth: '10' });
    assert.equal((await rest().patient(USER, 1001))?.dob, null, 'no year of birth');
    reply(200, { demographicNo: 1001, yearOfBirth: '1815', dayOfBirth: '10' });
    assert.equal((await rest().patient(USER, 1001))?.dob, null, 'no month of birth');
    const hidden: [number, unknown][] = [[204, ''], [500, '<html>error</html>'], [500, ERROR_PAGE], [200, { demographicNo: 1002 }], [200, '<html>login</html>']];
    for (const [status, body] of hidden) {
      reply(status, body);
      assert.equal(await rest().patient(USER, 1001), undefined, `${status} ${JSON.stringify(body)}`);
    }
  });

  it('OSCAR down or too slow: OscarUnreachable, retry in 5 s', async () => {
    const down = oscarUserRest({ baseUrl: 'http://127.0.0.1:9/oscar', consumerKey: 'k', consumerSecret: 's' });
    const e = await down.providerOf(USER).catch((x: unknown) => x);
    assert.ok(e instanceof OscarUnreachable);
    assert.equal(e.message, 'OSCAR did not answer (ECONNREFUSED)');
    assert.equal(e.name, 'OscarUnreachable');
    assert.equal(e.retryAfterSeconds, 5);
    answer = 'never';
    const started = Date.now();
    assert.equal(await failure(rest(100).accepts(USER, '999998')), 'OscarUnreachable: OSCAR did not answer (timeout)');
    assert.ok(Date.now() - started < 5_000, 'gave up after the configured 100 ms, not the default 10 s');
    assert.ok(!(e instanceof OscarRefused));
  });
});
