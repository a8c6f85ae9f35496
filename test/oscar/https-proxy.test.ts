// An https:// outbound proxy (docs/proxy.md §2): TLS to the proxy itself (its certificate checked
// against Node's roots and the proxy's name), then, for an https OSCAR, CONNECT and TLS to OSCAR
// inside that TLS (OSCAR's certificate checked against OSCAR's name, as directly); for an http
// OSCAR, absolute-form requests inside the TLS to the proxy. The proxy's credentials travel inside
// its TLS. A proxy certificate Node does not trust is a typed 'proxy' failure naming its code.
// The proxy presents tls-fixtures/signed-ip.pem (127.0.0.1, from the test CA ca.pem); the https
// OSCAR is the simulator with fixtures/oscar-test.crt for oscar.test, a name only the proxy resolves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarUnavailableError } from '../../src/oscar/errors.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import type { ProxySettings } from '../../src/oscar/proxy.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const read = (path: string): Buffer => readFileSync(new URL(path, import.meta.url));
const oscarCert = read('./fixtures/oscar-test.crt');
const oscarKey = read('./fixtures/oscar-test.key');
const proxyCert = read('./tls-fixtures/signed-ip.pem');
const proxyKey = read('./tls-fixtures/signed-ip.key');
const testCa = read('./tls-fixtures/ca.pem');
const selfSigned = { cert: read('./tls-fixtures/self-signed.pem'), key: read('./tls-fixtures/self-signed.key') };
const creds = demoCredentials({});
const USER = 'ward-7';
const PASSWORD = 'Tls-Pr0xy-s3cret';

function clientOf(baseUrl: string, proxy: ProxySettings): OscarClient {
  return new OscarClient({
    baseUrl, timezone: 'America/Toronto', retries: 0, timeoutMs: 3_000, proxy,
    oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
    soap: { userName: creds.soapUserName, password: creds.soapPassword },
  });
}

describe('an https:// proxy', () => {
  let httpsSim: Simulator;
  let httpSim: Simulator;
  let proxy: OutboundProxy;
  /** Bytes the proxy's port received, in clear as they crossed the network. */
  let wire = Buffer.alloc(0);
  let tap: net.Server;
  let tapUrl = '';
  before(async () => {
    // The test CA (the proxy's) and the fixture certificate (OSCAR's) as if public roots: names still checked.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), testCa.toString(), oscarCert.toString()]);
    httpsSim = await startSimulator({ patients: 3, tls: { key: oscarKey, cert: oscarCert }, credentials: creds });
    httpSim = await startSimulator({ patients: 3, credentials: creds });
    proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}`, tls: { key: proxyKey, cert: proxyCert } });
    // A wiretap in front of the proxy: what an onlooker on the network would see.
    tap = net.createServer((c) => {
      const up = net.connect({ host: '127.0.0.1', port: proxy.port });
      c.on('data', (d: Buffer) => { wire = Buffer.concat([wire, d]); });
      c.pipe(up).pipe(c);
      c.on('error', () => up.destroy());
      up.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => tap.listen(0, '127.0.0.1', r));
    tapUrl = `https://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${(tap.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => { tap.close(() => r()); });
    await proxy.close(); await httpsSim.close(); await httpSim.close();
  });

  it('an https OSCAR: TLS to the proxy, CONNECT with the credentials inside it, TLS to OSCAR inside the tunnel', async () => {
    proxy.seen.length = 0;
    wire = Buffer.alloc(0);
    const client = clientOf(`https://oscar.test:${httpsSim.port}/oscar`, { https: tapUrl, noProxy: [] });
    try {
      assert.equal((await client.restOauthInfo()).login, creds.providerNo);
      assert.ok(await client.soapGetDemographic(1001));
    } finally { client.close(); }
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${s.target}`), [`CONNECT oscar.test:${httpsSim.port}`], 'one tunnel, kept alive');
    assert.equal(proxy.seen[0]!.proxyAuthorization, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    const onWire = wire.toString('latin1');
    assert.ok(wire.length > 0);
    for (const clear of ['CONNECT', 'Proxy-Authorization', Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), 'oscar.test:']) {
      assert.ok(!onWire.includes(clear), `"${clear}" crossed the network in clear`);
    }
  });

  it('an http OSCAR: absolute-form requests inside the TLS to the proxy', async () => {
    proxy.seen.length = 0;
    wire = Buffer.alloc(0);
    const client = clientOf(httpSim.url.replace('127.0.0.1', 'oscar.test'), { http: tapUrl, noProxy: [] });
    try {
      assert.equal((await client.restOauthInfo()).login, creds.providerNo);
    } finally { client.close(); }
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${new URL(s.target).pathname}`), ['GET /oscar/ws/services/oauth/info']);
    assert.ok(!wire.toString('latin1').includes('/ws/services/oauth/info'), 'the request crossed the network inside TLS');
  });

  it('the proxy going away mid-exchange inside TLS inside TLS: a typed connection failure, at once', async () => {
    // An OSCAR that completes TLS and never answers.
    const held = new Set<net.Socket>();
    const silent = tls.createServer({ key: oscarKey, cert: oscarCert }, (s) => { held.add(s); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const leaving = await startOutboundProxy({ tls: { key: proxyKey, cert: proxyCert } });
    const t = new HttpTransport({ proxy: { https: leaving.url, noProxy: [] } });
    try {
      const started = Date.now();
      const pending = t.send({ method: 'GET', url: new URL(`https://oscar.test:${(silent.address() as net.AddressInfo).port}/oscar/ws/services`), headers: {}, timeoutMs: 5_000, operation: 'Test.op' }).catch((x: unknown) => x);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(leaving.seen.length, 1, 'the tunnel was open');
      await leaving.close();
      const e = await pending;
      assert.ok(e instanceof OscarUnavailableError, String(e));
      assert.equal(e.reason, 'connection');
      assert.ok(Date.now() - started < 2_000, `after ${Date.now() - started} ms`);
    } finally {
      t.close();
      for (const s of held) s.destroy();
      await new Promise<void>((r) => { silent.close(() => r()); });
    }
  });

  it('a proxy certificate Node does not trust: a typed proxy failure with its code; nothing sent', async () => {
    const untrusted = await startOutboundProxy({ tls: selfSigned });
    const t = new HttpTransport({ proxy: { https: untrusted.url, http: untrusted.url, noProxy: [] } });
    try {
      for (const url of [`https://oscar.test:${httpsSim.port}/oscar/ws/services`, `${httpSim.url.replace('127.0.0.1', 'oscar.test')}/ws/services`]) {
        const e = await t.send({ method: 'GET', url: new URL(url), headers: {}, timeoutMs: 3_000, operation: 'Test.op' }).catch((x: unknown) => x);
        assert.ok(e instanceof OscarUnavailableError, `${url}: ${String(e)}`);
        assert.equal(e.reason, 'proxy', url);
        assert.equal(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT', url);
        assert.equal(e.proxy, untrusted.url);
      }
      assert.equal(untrusted.seen.length, 0, 'no request, no CONNECT reached the proxy');
    } finally { t.close(); await untrusted.close(); }
  });
});
