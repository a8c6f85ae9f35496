// OSCAR reached through an outbound HTTP proxy (docs/proxy.md): an https OSCAR through a CONNECT
// tunnel with TLS to OSCAR inside it, an http OSCAR in absolute form, NO_PROXY origins direct, the
// proxy's credentials sent to the proxy only, its refusals typed and free of the credentials, and
// the exchange's deadline covering a proxy that never answers. The proxy is the test's own
// (helpers/outbound-proxy.ts) and records what it was sent; the https OSCAR is the simulator with
// the fixture certificate for oscar.test, a name only the proxy resolves.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { initiate } from '../../src/oscar/oauth1-handshake.js';
import type { ProxySettings } from '../../src/oscar/proxy.js';
import { oscarUserRest } from '../../src/auth/oscar/user-rest.js';
import { oscarIdentity } from '../../src/auth/oscar/identity.js';
import { InProcessVault } from '../../src/state/index.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { SimRequestSeen } from '../../src/sim/app.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const cert = readFileSync(new URL('oscar-test.crt', FIXTURES));
const key = readFileSync(new URL('oscar-test.key', FIXTURES));
const USER = 'clinic-proxy-user';
const PASSWORD = 'Pr0xy-s3cret!';
const creds = demoCredentials({});

function clientOf(baseUrl: string, proxy: ProxySettings | undefined, over: Partial<ConstructorParameters<typeof OscarClient>[0]> = {}): OscarClient {
  return new OscarClient({
    baseUrl, timezone: 'America/Toronto', retries: 0, timeoutMs: 3_000,
    oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
    soap: { userName: creds.soapUserName, password: creds.soapPassword },
    ...(proxy && { proxy }), ...over,
  });
}

const withCredentials = (proxy: OutboundProxy, user = USER, password = PASSWORD): string =>
  `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${proxy.port}`;
const expectedAuthorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** Nothing of the proxy's password, plain or base64'd with the user, in what a caller could see. */
function assertNoSecret(text: string): void {
  assert.ok(!text.includes(PASSWORD), 'the proxy password');
  assert.ok(!text.includes(encodeURIComponent(PASSWORD)), 'the proxy password, URL-encoded');
  assert.ok(!text.includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')), 'the Basic credentials');
}

const errorText = (e: unknown): string => `${String(e)} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`;

describe('an https OSCAR through a CONNECT tunnel', () => {
  let sim: Simulator;
  let proxy: OutboundProxy;
  let baseUrl: string;
  const seenBySim: SimRequestSeen[] = [];
  before(async () => {
    // The fixture certificate is trusted as a CA would be: the name is still checked.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.toString()]);
    sim = await startSimulator({ tls: { key, cert }, credentials: creds, onRequest: (r) => seenBySim.push(r) });
    proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
    baseUrl = `https://oscar.test:${sim.port}/oscar`;
  });
  after(async () => { await proxy.close(); await sim.close(); });

  it('SOAP and REST calls reach OSCAR through one tunnel, kept alive: two calls, one CONNECT with the proxy credentials', async () => {
    proxy.seen.length = 0;
    seenBySim.length = 0;
    const client = clientOf(baseUrl, { https: withCredentials(proxy), noProxy: ['localhost', '127.0.0.1'] }, { maxInFlight: 1 });
    try {
      const row = sim.store.data.demographics.find((d) => d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)!;
      assert.equal((await client.soapGetDemographic(row.demographicNo))?.lastName, row.lastName);
      assert.equal((await client.restGetDemographicBasic(row.demographicNo))?.lastName, row.lastName);
      assert.equal((await client.restOauthInfo()).login, creds.providerNo);
    } finally { client.close(); }
    const connects = proxy.seen.filter((s) => s.method === 'CONNECT');
    assert.deepEqual(connects.map((s) => s.target), [`oscar.test:${sim.port}`], 'one tunnel, to OSCAR\'s name and port');
    assert.equal(connects[0]!.proxyAuthorization, expectedAuthorization);
    assert.match(connects[0]!.head, new RegExp(`^CONNECT oscar\\.test:${sim.port} HTTP/1\\.1\\r\\nHost: oscar\\.test:${sim.port}\\r\\n`));
    assert.equal(proxy.seen.length, 1, 'nothing but the CONNECT in clear to the proxy');
    // Inside the tunnel: OSCAR's own requests, in origin form, without the proxy's credentials.
    assert.ok(seenBySim.length >= 3);
    for (const r of seenBySim) {
      assert.equal(r.headers['proxy-authorization'], undefined);
      assert.equal(r.headers.host, `oscar.test:${sim.port}`);
    }
  });

  it('checks OSCAR\'s certificate against OSCAR\'s name inside the tunnel', async () => {
    const t = new HttpTransport({ proxy: { https: proxy.url.replace('//', `//${USER}:${encodeURIComponent(PASSWORD)}@`), noProxy: [] } });
    try {
      const e = await t.send({ method: 'GET', url: new URL(`https://other.test:${sim.port}/oscar/ws/services`), headers: {}, timeoutMs: 3_000, operation: 'Test.op' }).catch((x: unknown) => x);
      assert.ok(e instanceof OscarUnavailableError, String(e));
      assert.equal(e.reason, 'tls');
      assert.equal(e.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    } finally { t.close(); }
  });

  it('trusts inside the tunnel what OSCAR_TLS_FINGERPRINT trusts on a direct connection (docs/oscar-tls.md), and nothing more', async () => {
    const via = { https: proxy.url.replace('//', `//${USER}:${encodeURIComponent(PASSWORD)}@`), noProxy: [] };
    const url = new URL(`https://other.test:${sim.port}/oscar/ws/services`);
    const ask = async (t: HttpTransport): Promise<unknown> => {
      try { return await t.send({ method: 'GET', url, headers: {}, timeoutMs: 3_000, operation: 'Test.op' }); } catch (e) { return e; } finally { t.close(); }
    };
    const pinned = new X509Certificate(cert).fingerprint256.replace(/:/g, '');
    // The fixture's certificate, pinned: accepted whatever its name.
    const ok = await ask(new HttpTransport({ proxy: via, tls: { fingerprints: [pinned] } })) as { status?: number };
    assert.equal(typeof ok.status, 'number', String(ok));
    // Another pin: refused as without one.
    const other = await ask(new HttpTransport({ proxy: via, tls: { fingerprints: ['AB'.repeat(32)] } }));
    assert.ok(other instanceof OscarUnavailableError, String(other));
    assert.equal(other.reason, 'tls');
  });

  for (const [what, url] of [['without credentials', (p: OutboundProxy) => p.url], ['with a wrong password', (p: OutboundProxy) => withCredentials(p, USER, 'wrong-Pa55')]] as const) {
    it(`a CONNECT refused with 407 (${what}) is a typed error naming the proxy and its status, never the credentials`, async () => {
      proxy.seen.length = 0;
      const client = clientOf(baseUrl, { https: url(proxy), noProxy: [] });
      try {
        const e = await client.soapGetDemographic(1001).catch((x: unknown) => x);
        assert.ok(e instanceof OscarUnavailableError, String(e));
        assert.equal(e.reason, 'proxy');
        assert.equal(e.code, 'HTTP 407');
        assert.equal(e.proxy, `http://127.0.0.1:${proxy.port}`);
        assert.match(e.message, new RegExp(`HTTP 407 from http://127\\.0\\.0\\.1:${proxy.port}`));
        assert.equal(toOperationOutcome(e).status, 503);
        assertNoSecret(errorText(e));
        assert.ok(!errorText(e).includes('wrong-Pa55'));
      } finally { client.close(); }
      assert.ok(proxy.seen.every((s) => s.method === 'CONNECT'), 'nothing but CONNECT reached the proxy');
    });
  }

  it('a CONNECT refused with 403 or 502 is the same typed error with that status', async () => {
    for (const status of [403, 502]) {
      const refusing = await startOutboundProxy({ refuseConnect: status });
      const t = new HttpTransport({ proxy: { https: refusing.url, noProxy: [] } });
      try {
        const e = await t.send({ method: 'GET', url: new URL(`${baseUrl}/ws/services`), headers: {}, timeoutMs: 3_000, operation: 'Test.op' }).catch((x: unknown) => x);
        assert.ok(e instanceof OscarUnavailableError, String(e));
        assert.equal(e.reason, 'proxy');
        assert.equal(e.code, `HTTP ${status}`);
      } finally { t.close(); await refusing.close(); }
    }
  });

  it('the exchange\'s deadline covers a proxy that never answers CONNECT', async () => {
    const silent = await startOutboundProxy({ hangOnConnect: true });
    const t = new HttpTransport({ proxy: { https: silent.url, noProxy: [] } });
    const started = Date.now();
    try {
      const e = await t.send({ method: 'GET', url: new URL(`${baseUrl}/ws/services`), headers: {}, timeoutMs: 300, operation: 'Test.op' }).catch((x: unknown) => x);
      assert.ok(e instanceof OscarTimeoutError, String(e));
      assert.ok(Date.now() - started < 2_000, `gave up after ${Date.now() - started} ms`);
      assert.equal(silent.seen.length, 1);
      assert.equal(silent.seen[0]!.method, 'CONNECT');
    } finally { t.close(); await silent.close(); }
  });

  it('two https origins through one proxy get a tunnel each', async () => {
    proxy.seen.length = 0;
    // Two origins (oscar.test on two ports): a tunnel leads to one origin, so each needs its own.
    const second = await startSimulator({ tls: { key, cert }, credentials: creds });
    const t = new HttpTransport({ maxSockets: 4, proxy: { https: withCredentials(proxy), noProxy: [] } });
    try {
      for (const port of [sim.port, second.port, sim.port, second.port]) {
        const r = await t.send({ method: 'GET', url: new URL(`https://oscar.test:${port}/oscar/ws/services`), headers: {}, timeoutMs: 3_000, operation: 'Test.op' });
        assert.ok(r.status < 500, `status ${r.status}`);
      }
    } finally { t.close(); await second.close(); }
    assert.deepEqual(proxy.seen.map((s) => s.target).sort(), [`oscar.test:${sim.port}`, `oscar.test:${second.port}`].sort());
  });
});

describe('an http OSCAR through the proxy, and NO_PROXY', () => {
  let sim: Simulator;
  let proxy: OutboundProxy;
  const seenBySim: SimRequestSeen[] = [];
  before(async () => {
    sim = await startSimulator({ credentials: creds, onRequest: (r) => seenBySim.push(r) });
    proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
  });
  after(async () => { await proxy.close(); await sim.close(); });
  // The simulator by a name only the proxy's resolver knows (it maps every name to 127.0.0.1).
  const viaName = (): string => sim.url.replace('127.0.0.1', 'oscar.test');

  it('SOAP and REST requests go to the proxy in absolute form with Proxy-Authorization, on one kept-alive connection', async () => {
    proxy.seen.length = 0;
    seenBySim.length = 0;
    const client = clientOf(viaName(), { http: withCredentials(proxy), noProxy: ['localhost'] }, { maxInFlight: 1 });
    try {
      const row = sim.store.data.demographics.find((d) => d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)!;
      assert.equal((await client.soapGetDemographic(row.demographicNo))?.lastName, row.lastName);
      assert.equal((await client.restGetDemographicBasic(row.demographicNo))?.lastName, row.lastName);
    } finally { client.close(); }
    assert.ok(proxy.seen.length >= 3, `${proxy.seen.length} requests`);
    for (const s of proxy.seen) {
      assert.match(s.target, new RegExp(`^http://oscar\\.test:${sim.port}/oscar/ws/`));
      assert.equal(s.proxyAuthorization, expectedAuthorization);
      assert.match(s.head, new RegExp(`\\r\\nHost: oscar\\.test:${sim.port}\\r\\n`));
    }
    assert.ok(proxy.seen.some((s) => s.method === 'POST' && s.target.includes('/ws/DemographicService')), 'SOAP');
    assert.ok(proxy.seen.some((s) => s.method === 'GET' && s.target.includes('/ws/services/demographics/')), 'REST');
    assert.equal(proxy.connections, 1, 'one kept-alive connection to the proxy');
    for (const r of seenBySim) assert.equal(r.headers['proxy-authorization'], undefined, 'the proxy credentials stop at the proxy');
  });

  it('a 407 from the proxy in place of OSCAR\'s answer is the typed proxy error, without the credentials', async () => {
    const client = clientOf(viaName(), { http: withCredentials(proxy, USER, 'not-it'), noProxy: [] });
    try {
      const e = await client.restOauthInfo().catch((x: unknown) => x);
      assert.ok(e instanceof OscarUnavailableError, String(e));
      assert.equal(e.reason, 'proxy');
      assert.equal(e.code, 'HTTP 407');
      assert.ok(!errorText(e).includes('not-it'));
      assertNoSecret(errorText(e));
    } finally { client.close(); }
  });

  it('an origin NO_PROXY names goes direct; one it does not name goes through the proxy, on sockets of its own', async () => {
    proxy.seen.length = 0;
    const connectionsBefore = proxy.connections;
    // The same simulator as two origins: 127.0.0.1 (listed) and localhost (not listed).
    const t = new HttpTransport({ proxy: { http: withCredentials(proxy), noProxy: [' example.org', '127.0.0.1:' + sim.port] } });
    const direct = `${sim.url}/ws/services/oauth/info`;
    const proxied = direct.replace('127.0.0.1', 'localhost');
    try {
      for (const url of [direct, proxied, direct, proxied, direct]) {
        await t.send({ method: 'GET', url: new URL(url), headers: {}, timeoutMs: 3_000, operation: 'Test.op' });
      }
    } finally { t.close(); }
    assert.deepEqual(proxy.seen.map((s) => s.target), [proxied, proxied], 'only the unlisted origin, every time');
    assert.equal(proxy.connections - connectionsBefore, 1);
  });

  it('the user\'s own REST calls and the OAuth handshake take the same proxy', async () => {
    proxy.seen.length = 0;
    const settings: ProxySettings = { http: withCredentials(proxy), noProxy: [] };
    const rest = oscarUserRest({ baseUrl: viaName(), consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, proxy: settings });
    assert.equal(await rest.providerOf({ token: creds.accessToken, secret: creds.accessTokenSecret }), creds.providerNo);
    const rt = await initiate(viaName(), { key: creds.consumerKey, secret: creds.consumerSecret }, 'oob', undefined, { proxy: settings });
    assert.ok(rt.token);
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${new URL(s.target).pathname}`), ['GET /oscar/ws/services/oauth/info', 'POST /oscar/ws/oauth/initiate']);
    assert.ok(proxy.seen.every((s) => s.proxyAuthorization === expectedAuthorization));
  });

  it('the SMART sign-in\'s identity takes the connection\'s proxy to its REST calls and hands it to the handshake', async () => {
    proxy.seen.length = 0;
    const settings: ProxySettings = { http: withCredentials(proxy), noProxy: [] };
    const { identity } = oscarIdentity({
      oscar: { url: viaName(), consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, accessToken: '', accessTokenSecret: '', soapUserName: '', soapPassword: '', proxy: settings },
      vault: new InProcessVault(), keys: [], maxAgeSeconds: 60,
    });
    assert.deepEqual(identity.proxy, settings);
    assert.equal(await identity.userRest.providerOf({ token: creds.accessToken, secret: creds.accessTokenSecret }), creds.providerNo);
    assert.deepEqual(proxy.seen.map((s) => new URL(s.target).pathname), ['/oscar/ws/services/oauth/info']);
  });
});
