// An https:// proxy whose certificate comes from a private CA (docs/proxy.md §2):
// OSCAR_PROXY_CA_FILE / OSCAR_PROXY_TLS_FINGERPRINT trust it for the connection to the proxy
// alone. Accepted with the proxy's CA file, refused without it, refused with that CA given for
// OSCAR only (OSCAR_CA_FILE); and OSCAR's certificate inside the tunnel is not trusted by the
// proxy's CA. Nothing here widens Node's roots: the test CA (tls-fixtures/ca.pem) is trusted only
// through the settings under test. The proxy presents tls-fixtures/signed-ip.pem (127.0.0.1);
// OSCAR is the simulator with tls-fixtures/signed-other.pem (oscar.other.example, a name only the
// proxy resolves). Fingerprints are openssl's (tls-fixtures/README.md), not this code's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { OscarUnavailableError } from '../../src/oscar/errors.js';
import { HttpTransport, type HttpTransportOptions } from '../../src/oscar/http-transport.js';
import { egressProxySettingsFrom, proxySettingsFrom } from '../../src/oscar/proxy.js';
import { oscarTrustFrom, type OscarTrust } from '../../src/oscar/tls-trust.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const fixture = (name: string): string => new URL(`./tls-fixtures/${name}`, import.meta.url).pathname;
const pem = (name: string): Buffer => readFileSync(fixture(name));
const SELF_SIGNED = 'B8:61:F9:24:45:A6:F1:E3:79:E2:60:17:04:51:25:C6:42:DA:B9:B3:E6:23:15:2B:33:B6:27:E2:BB:58:83:AC';
const SIGNED_IP = '97:89:50:DE:20:5E:49:AD:6C:B0:38:50:38:42:B1:7A:FB:FA:6B:21:48:AA:BA:F5:BB:0C:F2:53:38:1B:93:84';
const creds = demoCredentials({});
const PASSWORD = 'Pr0xy-CA-s3cret';

/** The trust a deployment's settings give, read as the server reads them. */
function proxyTrust(env: Record<string, string>, proxyUrl: string): OscarTrust | undefined {
  const problems: string[] = [];
  const s = proxySettingsFrom({ OSCAR_PROXY: proxyUrl, ...env }, 'https://oscar.other.example/oscar', problems);
  assert.deepEqual(problems, []);
  return s?.trust;
}

describe('an https:// proxy with a private CA', () => {
  let httpsSim: Simulator;
  let httpSim: Simulator;
  let proxy: OutboundProxy;
  let pinned: OutboundProxy;
  let proxyUrl = '';
  before(async () => {
    httpsSim = await startSimulator({ patients: 1, tls: { key: pem('signed-other.key'), cert: pem('signed-other.pem') }, credentials: creds });
    httpSim = await startSimulator({ patients: 1, credentials: creds });
    proxy = await startOutboundProxy({ credentials: `ops:${PASSWORD}`, tls: { key: pem('signed-ip.key'), cert: pem('signed-ip.pem') } });
    pinned = await startOutboundProxy({ tls: { key: pem('self-signed.key'), cert: pem('self-signed.pem') } });
    proxyUrl = `https://ops:${PASSWORD}@127.0.0.1:${proxy.port}`;
  });
  after(async () => { await proxy.close(); await pinned.close(); await httpsSim.close(); await httpSim.close(); });

  const httpsOscar = (): URL => new URL(`https://oscar.other.example:${httpsSim.port}/oscar/ws/services`);
  const httpOscar = (): URL => new URL(`${httpSim.url.replace('127.0.0.1', 'oscar.other.example')}/ws/services`);

  /** One GET through `proxyAt` under these settings: the status, or the typed error's reason and code. */
  async function outcome(url: URL, env: Record<string, string>, proxyAt = proxyUrl): Promise<string> {
    const oscarUrl = url.href.replace(/\/ws\/services$/, '');
    const problems: string[] = [];
    const settings = proxySettingsFrom({ OSCAR_PROXY: proxyAt, ...env }, oscarUrl, problems);
    const tls = oscarTrustFrom(env, oscarUrl, problems);
    assert.deepEqual(problems, []);
    const t = new HttpTransport({ ...(settings && { proxy: settings }), ...(tls && { tls }) } satisfies HttpTransportOptions);
    try {
      const r = await t.send({ method: 'GET', url, headers: {}, timeoutMs: 3_000, operation: 'Test.op' });
      return `HTTP ${r.status}`;
    } catch (e) {
      assert.ok(e instanceof OscarUnavailableError, String(e));
      return `${e.reason} ${e.code ?? ''}`;
    } finally { t.close(); }
  }

  it('accepted with OSCAR_PROXY_CA_FILE: requests reach the proxy inside TLS', async () => {
    proxy.seen.length = 0;
    assert.match(await outcome(httpOscar(), { OSCAR_PROXY_CA_FILE: fixture('ca.pem') }), /^HTTP \d+$/);
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${new URL(s.target).pathname}`), ['GET /oscar/ws/services']);
    assert.equal(proxy.seen[0]!.proxyAuthorization, `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`);
  });

  it('refused without it: a proxy failure with the code, nothing sent to the proxy', async () => {
    proxy.seen.length = 0;
    assert.equal(await outcome(httpOscar(), {}), 'proxy UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(await outcome(httpsOscar(), {}), 'proxy UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(proxy.seen.length, 0);
  });

  it('refused with the CA given for OSCAR only (OSCAR_CA_FILE): OSCAR\'s trust does not reach the proxy', async () => {
    proxy.seen.length = 0;
    assert.equal(await outcome(httpsOscar(), { OSCAR_CA_FILE: fixture('ca.pem') }), 'proxy UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(proxy.seen.length, 0, 'no CONNECT reached the proxy');
  });

  it('the proxy\'s CA does not reach OSCAR: OSCAR\'s certificate inside the tunnel is refused without OSCAR_CA_FILE', async () => {
    proxy.seen.length = 0;
    assert.equal(await outcome(httpsOscar(), { OSCAR_PROXY_CA_FILE: fixture('ca.pem') }), 'tls UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${s.target}`), [`CONNECT oscar.other.example:${httpsSim.port}`], 'the proxy was accepted, the tunnel opened');
    assert.match(await outcome(httpsOscar(), { OSCAR_PROXY_CA_FILE: fixture('ca.pem'), OSCAR_CA_FILE: fixture('ca.pem') }), /^HTTP \d+$/, 'each trusted by its own setting');
  });

  it('OSCAR_PROXY_TLS_FINGERPRINT accepts exactly the pinned proxy certificate, whatever its chain and name', async () => {
    pinned.seen.length = 0;
    assert.match(await outcome(httpOscar(), { OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED }, pinned.url), /^HTTP \d+$/);
    assert.equal(pinned.seen.length, 1);
    assert.equal(await outcome(httpOscar(), { OSCAR_PROXY_TLS_FINGERPRINT: SIGNED_IP }, pinned.url), 'proxy DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(await outcome(httpsOscar(), { OSCAR_PROXY_TLS_FINGERPRINT: SIGNED_IP }, pinned.url), 'proxy DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(await outcome(httpsOscar(), { OSCAR_TLS_FINGERPRINT: SELF_SIGNED }, pinned.url), 'proxy DEPTH_ZERO_SELF_SIGNED_CERT', 'OSCAR\'s pin is not the proxy\'s');
    assert.equal(pinned.seen.length, 1, 'nothing sent on a refused connection');
  });

  it('the key fetches (docs/proxy.md §5) do not take the proxy\'s trust', () => {
    const env = { HTTPS_PROXY: proxyUrl, OSCAR_PROXY_CA_FILE: fixture('ca.pem'), OSCAR_PROXY_TLS_FINGERPRINT: SIGNED_IP };
    const problems: string[] = [];
    const egress = egressProxySettingsFrom(env, ['https://idp.example.org/jwks'], problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(egress, { https: `${proxyUrl}/`, noProxy: [] });
    assert.equal(proxyTrust(env, proxyUrl)?.ca?.[0], pem('ca.pem').toString().trim(), 'while OSCAR\'s connections to the same proxy do');
  });
});
