// Redirects from OSCAR or the host in front of it (docs/oscar-redirects.md): never followed by any
// path to OSCAR — the client's REST and SOAP calls, the users' own REST calls, the OAuth handshake
// — and each one a typed error naming where OSCAR redirects and the OSCAR_URL to set, without the
// request's query (which may hold a patient's name). The hosts are the simulator's edge rules
// (src/sim/edge/redirect.ts: nginx's https:// and front-page redirects); the bare socket server
// shows what was on the wire: one request, and nothing sent to the redirect's target.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { oscarUserRest } from '../../src/auth/oscar/user-rest.js';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarRedirectError } from '../../src/oscar/errors.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { HandshakeError, initiate } from '../../src/oscar/oauth1-handshake.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { eachRequest } from './raw-requests.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const creds = demoCredentials({});

function clientOf(baseUrl: string): OscarClient {
  return new OscarClient({
    baseUrl, timezone: 'America/Toronto', retries: 2, timeoutMs: 3_000,
    oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
    soap: { userName: creds.soapUserName, password: creds.soapPassword },
  });
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try { await p; } catch (e) { return e; }
  assert.fail('expected a rejection');
}

/** A bare server answering every request with `head` (a status line and header lines) and an empty body. */
async function answering(head: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    eachRequest(socket, (r) => { requests.push(r); socket.write(`${head}\r\nContent-Length: 0\r\n\r\n`); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requests,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

describe('the transport never follows a redirect', () => {
  it('a 307 to another origin: one request, the credentials stay where they were sent, the error names the new OSCAR_URL and no query', async () => {
    const other = await answering('HTTP/1.1 200 OK');
    const s = await answering(`HTTP/1.1 307 Temporary Redirect\r\nLocation: ${other.url}/emr/ws/services/demographics/quickSearch?query=Tremblay`);
    const t = new HttpTransport();
    try {
      const e = await rejected(t.send({
        method: 'POST', url: new URL(`${s.url}/oscar/ws/services/demographics/quickSearch?query=Tremblay`), operation: 'rest:quickSearch', timeoutMs: 2_000,
        headers: { Authorization: 'OAuth oauth_signature="secret-sig"' }, body: '{}',
      }));
      assert.ok(e instanceof OscarRedirectError, String(e));
      assert.equal(e.status, 307);
      assert.equal(e.to, `${other.url}/emr/ws/…`);
      assert.equal(e.suggestedUrl, `${other.url}/emr`);
      assert.equal(e.hint, `OSCAR_URL should be ${other.url}/emr (in a clinics file, the clinic's "url")`);
      assert.equal(toOperationOutcome(e).status, 502);
      for (const text of [e.message, e.hint, JSON.stringify(e)]) assert.ok(!text.includes('Tremblay'), text);
      assert.equal(s.requests.length, 1, 'asked once');
      assert.equal(other.requests.length, 0, 'nothing, the OAuth header least of all, went to the redirect\'s target');
    } finally { t.close(); await s.close(); await other.close(); }
  });

  it('a relative Location, a page elsewhere, and none at all are each told apart', async () => {
    const t = new HttpTransport();
    const cases: [string, (e: OscarRedirectError, url: string) => void][] = [
      ['HTTP/1.1 302 Found\r\nLocation: /oscar/', (e, url) => { assert.equal(e.to, `${url}/oscar/`); assert.equal(e.suggestedUrl, `${url}/oscar`); }],
      ['HTTP/1.1 302 Found\r\nLocation: /sso/login?next=%2Fws%2Fservices', (e, url) => {
        assert.equal(e.to, `${url}/sso/login`);
        assert.equal(e.suggestedUrl, undefined);
        assert.match(e.hint, /a web page at .*\/sso\/login, not its web services/);
      }],
      ['HTTP/1.1 301 Moved Permanently', (e) => { assert.equal(e.to, undefined); assert.match(e.hint, /names no address/); }],
    ];
    try {
      for (const [head, check] of cases) {
        const s = await answering(head);
        try {
          const e = await rejected(t.send({ method: 'GET', url: new URL(`${s.url}/ws/services/oauth/info`), operation: 'rest:oauthInfo', timeoutMs: 2_000, headers: {} }));
          assert.ok(e instanceof OscarRedirectError, `${head}: ${String(e)}`);
          check(e, s.url);
          assert.equal(s.requests.length, 1);
        } finally { await s.close(); }
      }
    } finally { t.close(); }
  });
});

it('a read the client would retry after a passing failure is asked once: a redirect will not change by waiting', async () => {
  const s = await answering('HTTP/1.1 301 Moved Permanently\r\nLocation: https://127.0.0.1/oscar/ws/services/demographics/5');
  const client = clientOf(`${s.url}/oscar`);
  try {
    const e = await rejected(client.restGetDemographicBasic(5));
    assert.ok(e instanceof OscarRedirectError, String(e));
    assert.equal(s.requests.length, 1);
  } finally { client.close(); await s.close(); }
});

describe('an OSCAR on a host that redirects http:// to https:// (nginx 301)', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 3, credentials: creds, edgeRedirect: 'https' }); });
  after(async () => { await sim.close(); });
  const https = (): string => 'https://127.0.0.1/oscar';

  it('the client\'s REST and SOAP calls fail at once with the redirect, not retried', async () => {
    const client = clientOf(sim.url);
    try {
      const rest = await rejected(client.restOauthInfo());
      assert.ok(rest instanceof OscarRedirectError, String(rest));
      assert.equal(rest.status, 301);
      assert.equal(rest.suggestedUrl, https());
      // The WSDL's GET meets the redirect first: nothing with the SOAP password is sent.
      const soap = await rejected(client.soapGetDemographic(1));
      assert.ok(soap instanceof OscarRedirectError, String(soap));
      assert.equal(soap.suggestedUrl, https());
      assert.equal(soap.hint, `OSCAR_URL should be ${https()} (in a clinics file, the clinic's "url")`);
    } finally { client.close(); }
  });

  it('the user\'s own REST call: the redirect, not "OSCAR unreachable"', async () => {
    const rest = oscarUserRest({ baseUrl: sim.url, consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret });
    const e = await rejected(rest.providerOf({ token: creds.accessToken, secret: creds.accessTokenSecret }));
    assert.ok(e instanceof OscarRedirectError, String(e));
    assert.equal(e.suggestedUrl, https());
  });

  it('the OAuth handshake: a HandshakeError naming where OSCAR redirects and the setting to change', async () => {
    const e = await rejected(initiate(sim.url, { key: creds.consumerKey, secret: creds.consumerSecret }, 'oob', undefined));
    assert.ok(e instanceof HandshakeError, String(e));
    assert.equal(e.status, 301);
    assert.equal(e.message, `OSCAR redirected /oscar/ws/oauth/initiate (HTTP 301 to ${https()}/ws/…): OSCAR_URL should be ${https()} (in a clinics file, the clinic's "url")`);
  });
});

describe('an OSCAR_URL without the context path, on a host that sends other paths to OSCAR\'s front page', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 3, credentials: creds, edgeRedirect: 'front-page' }); });
  after(async () => { await sim.close(); });

  it('names the context path OSCAR_URL lacks; with it the same calls work', async () => {
    const root = sim.url.replace(/\/oscar$/, '');
    const wrong = clientOf(root);
    try {
      const e = await rejected(wrong.restOauthInfo());
      assert.ok(e instanceof OscarRedirectError, String(e));
      assert.equal(e.status, 302);
      assert.equal(e.to, `${root}/oscar/`);
      assert.equal(e.suggestedUrl, `${root}/oscar`);
    } finally { wrong.close(); }
    const right = clientOf(sim.url);
    try {
      assert.equal((await right.restOauthInfo()).login, creds.providerNo);
    } finally { right.close(); }
  });
});
