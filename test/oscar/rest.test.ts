import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { OscarClient } from '../../src/oscar/client.js';
import {
  OscarAuthError, OscarFaultError, OscarProtocolError, OscarSignInEndedError, OscarTimeoutError, OscarUnavailableError, OscarUnsupportedRequestError,
} from '../../src/oscar/errors.js';
import { asOscarUser } from '../../src/oscar/acting-user.js';
import { buildUrl, oauthHeaderFor, queryPairs } from '../../src/oscar/oauth-sign.js';
import { sendJson, startFake } from './fake-http.js';
import type { FakeHandler, FakeServer, SeenRequest } from './fake-http.js';
import { verifyOAuth } from './oauth-verify.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const CREDS = { consumerKey: 'k3y0s1d2e4f5g6h7', consumerSecret: 's3cr3t0a1b2c3d4e', token: '0f8fad5b-d9cb-469f-a165-70867728950e', tokenSecret: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };
const xmlFault = (code: string): string => '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">'
  + `ca.openosp.openo.webserv.oauth.OAuth1Exception: ${code}</ns1:faultstring></ns1:XMLFault>`;

describe('OAuth 1.0a signing', () => {
  it('reproduces the known-answer vector of samples §1', () => {
    const url = buildUrl('http://emr.example.org:8080/oscar', '/ws/services/demographics/1001', []);
    const header = oauthHeaderFor(CREDS, 'GET', url, [], { nonce: 'a1b2c3d4e5', timestamp: 1710520000 });
    assert.match(header, /^OAuth /);
    assert.match(header, /oauth_signature="PqZHhQMlT79zPwLNm40u7JDMM4w%3D"/);
    assert.match(header, /oauth_token="0f8fad5b-d9cb-469f-a165-70867728950e"/);
    assert.match(header, /oauth_version="1.0"/);
  });

  it('signs the URL as the server sees it: lower-case host, default port dropped', () => {
    const a = buildUrl('HTTP://EMR.Example.ORG:80/oscar/', '/ws/services/demographics/1001', []);
    assert.equal(a.href, 'http://emr.example.org/oscar/ws/services/demographics/1001');
    const at = { nonce: 'n', timestamp: 1 };
    const b = buildUrl('http://emr.example.org/oscar', '/ws/services/demographics/1001', []);
    assert.equal(oauthHeaderFor(CREDS, 'GET', a, [], at), oauthHeaderFor(CREDS, 'GET', b, [], at));
  });

  it('encodes spaces in queries as %20, never +', () => {
    const pairs = queryPairs({ query: 'doe, jane+x' }, 'test');
    assert.equal(buildUrl('http://h/oscar', '/q', pairs).search, '?query=doe%2C%20jane%2Bx');
  });

  it('refuses non-ASCII query values up front (contract 2.4)', () => {
    assert.throws(() => queryPairs({ query: 'Hélène' }, 'rest:quickSearch'), OscarUnsupportedRequestError);
  });
});

describe('RestClient over HTTP', () => {
  let server: FakeServer;
  let handler: FakeHandler = (_req, res) => { res.writeHead(500).end(); };
  let client: OscarClient;
  let seen: SeenRequest | undefined;
  /**
   * OSCAR's answer to `/oauth/info` signed with the facade's own token (contract 2.7: confirming
   * the facade's signature before a user's token is taken as ended), and how many were asked.
   */
  let own: FakeHandler = (_req, res) => sendJson(res, 200, { login: '999998' });
  let ownCalls = 0;

  before(async () => {
    server = await startFake((req, res) => {
      if (req.url === '/oscar/ws/services/oauth/info' && signedOk(req)) { ownCalls += 1; return own(req, res); }
      seen = req;
      return handler(req, res);
    });
    client = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', oauth: CREDS, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 2000 });
  });
  after(async () => { client.close(); await server.close(); });

  const origin = (): string => `http://127.0.0.1:${server.port}`;
  const signedOk = (req: SeenRequest): boolean => verifyOAuth(req, origin(), CREDS);

  it('GETs a demographic with a signature an independent verifier accepts', async () => {
    handler = (req, res) => (signedOk(req) ? sendJson(res, 200, { demographicNo: 1001, lastName: 'DOE' }) : res.writeHead(500).end(xmlFault('invalid_signature')));
    const d = await client.restGetDemographicBasic(1001);
    assert.equal(d?.demographicNo, 1001);
    assert.equal(seen?.url, '/oscar/ws/services/demographics/basic/1001');
    assert.equal(seen?.headers.accept, 'application/json');
  });

  it('signs query parameters, including repeated ones', async () => {
    handler = (req, res) => (signedOk(req) ? sendJson(res, 200, { demographicNo: 5 }) : res.writeHead(500).end(xmlFault('invalid_signature')));
    assert.equal((await client.restGetDemographicBasic(5, ['contacts']))?.demographicNo, 5);
    assert.equal(seen?.url, '/oscar/ws/services/demographics/basic/5?includes%5B%5D=contacts');
    // No call the facade makes repeats a parameter; the signer must still cover them (contract 2.4).
    const pairs = queryPairs({ 'includes[]': ['allergies', 'notes'], query: 'doe, jane' }, 'test');
    const url = buildUrl('http://emr.example.org/oscar', '/ws/services/demographics/5', pairs);
    const authorization = oauthHeaderFor(CREDS, 'GET', url, pairs, { nonce: 'n0nce', timestamp: Math.floor(Date.now() / 1000) });
    assert.equal(url.search, '?includes%5B%5D=allergies&includes%5B%5D=notes&query=doe%2C%20jane');
    assert.ok(verifyOAuth({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { authorization }, body: '' }, url.origin, CREDS));
  });

  it('does not sign JSON bodies, and sends them as application/json', async () => {
    handler = (req, res) => (signedOk(req) ? sendJson(res, 200, { offset: 0, limit: 0, total: 1, timestamp: 1, content: [{ demographicNo: 7 }], query: null }) : res.writeHead(500).end(xmlFault('invalid_signature')));
    const r = await client.restSearchDemographics({ type: 'Name', term: 'Hélène', startIndex: 0, itemsToReturn: 5 });
    assert.equal(r.content[0]?.demographicNo, 7);
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.url, '/oscar/ws/services/demographics/search?startIndex=0&itemsToReturn=5');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen?.body ?? ''), { type: 'Name', term: 'Hélène', active: 'true', integrator: 'false', outofdomain: 'true', params: {} });
  });

  it('PUTs demographics asking for XML (XML-only method, contract 7.15) and ignores the XML answer', async () => {
    handler = (req, res) => {
      if (req.headers.accept !== 'application/xml') { res.writeHead(406).end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end('<demographicTo1><demographicNo>1001</demographicNo></demographicTo1>');
    };
    assert.equal(await client.restUpdateDemographic({ demographicNo: 1001, lastName: 'DOE' }), undefined);
    assert.equal(seen?.method, 'PUT');
    assert.equal(seen?.headers['content-type'], 'application/json');
  });

  it('accepts gzip-compressed answers (contract 7.20)', async () => {
    handler = (req, res) => {
      assert.match(String(req.headers['accept-encoding']), /gzip/);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(gzipSync(JSON.stringify({ allergies: [{ id: 7, archived: false }] })));
    };
    assert.deepEqual(await client.restActiveAllergies(1001), [{ id: 7, archived: false }]);
    assert.equal(seen?.url, '/oscar/ws/services/allergies/active?demographicNo=1001');
  });

  it('maps a connection cut in the middle of the body to OscarUnavailableError', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"demographicNo":');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'connection');
  });

  it('reads 204 as "not found" (undefined)', async () => {
    handler = (_req, res) => { res.writeHead(204).end(); };
    assert.equal(await client.restGetDemographicBasic(4242), undefined);
  });

  it('maps an OAuth XMLFault (HTTP 500) to OscarAuthError with the OAuth1Exception code as cause', async () => {
    handler = (_req, res) => { res.writeHead(500, { 'Content-Type': 'application/json;charset=UTF-8' }).end(xmlFault('invalid_consumer')); };
    await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarAuthError && e.cause === 'invalid_consumer' && toOperationOutcome(e).status === 502);
    handler = (_req, res) => { res.writeHead(500).end(xmlFault('invalid_signature')); };
    await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarAuthError && e.cause === 'invalid_signature');
  });

  it('signed with a signed-in user\'s token, invalid_signature and unknown_provider end that user\'s sign-in (contract 2.7), and say so', async () => {
    const user = { token: 'user-token-1', tokenSecret: 'user-secret-1' };
    for (const code of ['invalid_signature', 'unknown_provider']) {
      handler = (_req, res) => { res.writeHead(500, { 'Content-Type': 'application/json;charset=UTF-8' }).end(xmlFault(code)); };
      let told = 0;
      const e = await asOscarUser({ ...user, signInEnded: () => { told += 1; } }, () => client.restGetDemographicBasic(1)).catch((x: unknown) => x);
      assert.ok(e instanceof OscarSignInEndedError, code);
      assert.equal(e.code, code);
      assert.equal(e.operation, 'rest:getDemographicBasic');
      assert.equal(told, 1, `${code}: the token's holder is told once`);
      assert.match(seen?.headers.authorization ?? '', /oauth_token="user-token-1"/);
      const m = toOperationOutcome(e);
      assert.equal(m.status, 401);
      assert.equal(m.headers['www-authenticate'], 'Bearer realm="oscar-fhir", error="invalid_token", error_description="the user\'s sign-in to the EMR has ended; sign in to the app again"');
    }
  });

  it('signed with a user\'s token, the facade\'s own refusals stay OscarAuthError: the consumer, the clocks', async () => {
    let told = 0;
    const asUser = <T>(fn: () => Promise<T>): Promise<T> => asOscarUser({ token: 'user-token-1', tokenSecret: 'user-secret-1', signInEnded: () => { told += 1; } }, fn);
    handler = (_req, res) => { res.writeHead(500).end(xmlFault('invalid_consumer')); };
    await assert.rejects(asUser(() => client.restGetDemographicBasic(1)), (e: unknown) => e instanceof OscarAuthError && e.cause === 'invalid_consumer');
    handler = (_req, res) => { res.writeHead(500, { Date: new Date(Date.now() - 3_600_000).toUTCString() }).end(xmlFault('invalid_signature')); };
    await assert.rejects(asUser(() => client.restGetDemographicBasic(1)), (e: unknown) => e instanceof OscarAuthError && e.cause === 'clock skew?');
    // OSCAR's error page (a missing privilege, contract 1.6) is about the request, not the token.
    handler = (_req, res) => { res.writeHead(500, { 'Content-Type': 'text/html' }).end('<html>RuntimeException: Access Denied</html>'); };
    await assert.rejects(asUser(() => client.restGetDemographicBasic(1)), (e: unknown) => e instanceof OscarFaultError && e.upstreamStatus === 500);
    assert.equal(told, 0);
  });

  it('the words of an OAuth refusal elsewhere in a 500 (a page echoing a request\'s text) are no refusal: the user\'s sign-in stands', async () => {
    let told = 0;
    const asUser = <T>(fn: () => Promise<T>): Promise<T> => asOscarUser({ token: 'user-token-1', tokenSecret: 'user-secret-1', signInEnded: () => { told += 1; } }, fn);
    const echoes = [
      '<html><body><h1>Error</h1><p>No such name: OAuth1Exception: invalid_signature</p></body></html>',
      '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring>java.lang.NumberFormatException: For input string: "ca.openosp.openo.webserv.oauth.OAuth1Exception: unknown_provider"</ns1:faultstring></ns1:XMLFault>',
      '<p>faultstring>OAuth1Exception: invalid_signature</p>',
    ];
    for (const body of echoes) {
      handler = (_req, res) => { res.writeHead(500, { 'Content-Type': 'text/html' }).end(body); };
      await assert.rejects(asUser(() => client.restGetDemographicBasic(1)), (e: unknown) => e instanceof OscarFaultError && e.upstreamStatus === 500, body);
    }
    assert.equal(told, 0);
    // The interceptor's own fault, with another package or blanks around the code, still is one.
    handler = (_req, res) => { res.writeHead(500).end('<XMLFault><faultstring>\n net.oauth.OAuth1Exception: invalid_signature \n</faultstring></XMLFault>'); };
    await assert.rejects(asUser(() => client.restGetDemographicBasic(1)), (e: unknown) => e instanceof OscarSignInEndedError && e.code === 'invalid_signature');
    assert.equal(told, 1);
  });

  it('a user\'s token refused as a bad signature: the facade\'s own signature is put to OSCAR first, once for concurrent refusals (contract 2.7)', async () => {
    const fresh = (oauth = CREDS): OscarClient => new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', oauth, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 2000 });
    let told = 0;
    const asUser = <T>(fn: () => Promise<T>): Promise<T> => asOscarUser({ token: 'user-token-1', tokenSecret: 'user-secret-1', signInEnded: () => { told += 1; } }, fn);
    const outcomes = async (c: OscarClient, n: number): Promise<string[]> => Promise.all(Array.from({ length: n }, () => asUser(() => c.restGetDemographicBasic(1)).then(
      () => 'read', (e: unknown) => `${(e as Error).name} ${toOperationOutcome(e).status}`)));
    handler = (_req, res) => { res.writeHead(500).end(xmlFault('invalid_signature')); };
    try {
      // The facade's own refused too (a wrong consumer secret, a proxy changing the URL OSCAR sees): its setup, 502; five refusals, one confirmation.
      own = (_req, res) => { res.writeHead(500).end(xmlFault('invalid_signature')); };
      ownCalls = 0;
      const misconfigured = fresh();
      assert.deepEqual(await outcomes(misconfigured, 5), Array(5).fill('OscarAuthError 502'));
      assert.equal(ownCalls, 1, 'one confirmation for five refusals');
      const e = await asUser(() => misconfigured.restGetDemographicBasic(1)).catch((x: unknown) => x);
      assert.ok(e instanceof OscarAuthError);
      assert.match(e.hint, /OSCAR_CONSUMER_SECRET/);
      assert.match(e.hint, /proxy/);
      assert.equal(ownCalls, 1, 'the verdict is remembered');
      misconfigured.close();
      // OSCAR cannot say (the confirmation's connection dropped): 503, nothing ended.
      own = (_req, res) => { res.socket?.destroy(); };
      ownCalls = 0;
      const down = fresh();
      assert.deepEqual(await outcomes(down, 3), Array(3).fill('OscarUnavailableError 503'));
      assert.equal(ownCalls, 1);
      down.close();
      // No token of its own to confirm with: the safe side, 502, nothing ended.
      const tokenless = fresh({ ...CREDS, token: '', tokenSecret: '' });
      assert.deepEqual(await outcomes(tokenless, 1), ['OscarAuthError 502']);
      tokenless.close();
      assert.equal(told, 0, 'no sign-in ended');
      // The facade's own accepted: the user's sign-in has ended (401), each holder told.
      own = (_req, res) => sendJson(res, 200, { login: '999998' });
      ownCalls = 0;
      const fine = fresh();
      assert.deepEqual(await outcomes(fine, 3), Array(3).fill('OscarSignInEndedError 401'));
      assert.deepEqual([ownCalls, told], [1, 3]);
      // unknown_provider names the user's provider: no confirmation.
      handler = (_req, res) => { res.writeHead(500).end(xmlFault('unknown_provider')); };
      ownCalls = 0;
      const other = fresh();
      assert.deepEqual(await outcomes(other, 1), ['OscarSignInEndedError 401']);
      assert.equal(ownCalls, 0);
      fine.close();
      other.close();
    } finally {
      own = (_req, res) => sendJson(res, 200, { login: '999998' });
    }
  });

  it('suspects clock skew when a signature fails and the server clock is far from ours', async () => {
    handler = (_req, res) => { res.writeHead(500, { Date: new Date(Date.now() - 3_600_000).toUTCString() }).end(xmlFault('invalid_signature')); };
    await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarAuthError && e.cause === 'clock skew?');
  });

  it('maps other non-2xx answers to OscarFaultError, keeping the upstream text out of the message', async () => {
    handler = (_req, res) => { res.writeHead(500, { 'Content-Type': 'text/html' }).end('<html>NullPointerException DOE JANE</html>'); };
    await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => {
      assert.ok(e instanceof OscarFaultError);
      assert.equal(e.upstreamStatus, 500);
      assert.match(e.upstreamMessage, /NullPointerException/);
      assert.doesNotMatch(e.message, /DOE|JANE/);
      return true;
    });
  });

  it('maps unreadable JSON to OscarProtocolError', async () => {
    handler = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"demographicNo":'); };
    await assert.rejects(client.restGetDemographicBasic(1), OscarProtocolError);
  });

  it('reads a long answer (parsed in pieces, json-pieces.ts) as JSON.parse reads it; broken, it is OscarProtocolError; blanks are no answer', async () => {
    const content = Array.from({ length: 1001 }, (_, i) => ({ demographicNo: 100_000 + i, lastName: 'DESJARDINS', firstName: `H\u00c9L\u00c8NE "${i}"`, chartNo: `X${i}`, sex: 'F', dob: -1280001600000, hin: '1926824804', remoteFacilityId: null, formattedDOB: '1929-06-10' }));
    const text = JSON.stringify({ offset: 0, limit: 0, total: 1001, timestamp: 1796669170927, content, query: null });
    assert.ok(text.length > 131_056);
    handler = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }).end(text); };
    assert.deepStrictEqual(await client.restSearchDemographics({ type: 'Name', term: 'D' }), JSON.parse(text));
    handler = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }).end(text.replace('},{"demographicNo":100900', '}{"demographicNo":100900')); };
    await assert.rejects(client.restSearchDemographics({ type: 'Name', term: 'D' }), OscarProtocolError);
    handler = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }).end(' \n'.repeat(70_000)); };
    assert.equal(await client.restGetDemographicBasic(1), undefined);
  });

  it('times out a call that gets no answer (OscarTimeoutError → 504)', async () => {
    const slow = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', oauth: CREDS, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 100 });
    handler = () => { /* never answer */ };
    const t0 = Date.now();
    await assert.rejects(slow.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarTimeoutError && toOperationOutcome(e).status === 504 && e.timeoutMs === 100);
    assert.ok(Date.now() - t0 < 1000);
    slow.close();
  });

  it('uses the longer document timeout for document uploads', async () => {
    const c = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', oauth: CREDS, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 50, documentTimeoutMs: 2000 });
    handler = (_req, res) => { setTimeout(() => sendJson(res, 200, { id: 9, fileName: 'x.pdf' }), 150); };
    const d = await c.restSaveDocumentToDemographic({ fileName: 'x.pdf', fileContents: 'JVBERi0=', demographicNo: 1001 });
    assert.equal(d.id, 9);
    c.close();
  });

  it('maps a reset connection to OscarUnavailableError (→ 503)', async () => {
    handler = (_req, res) => { res.socket?.destroy(); };
    await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'connection' && toOperationOutcome(e).status === 503);
  });

  it('maps a refused connection to OscarUnavailableError(ECONNREFUSED)', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const c = new OscarClient({ baseUrl: `http://127.0.0.1:${port}/oscar`, timezone: 'America/Toronto', oauth: CREDS, soap: { userName: 'u', password: 'p' }, retries: 0 });
    await assert.rejects(c.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarUnavailableError && e.code === 'ECONNREFUSED');
    c.close();
  });
});
