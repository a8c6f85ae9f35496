// `oscar-fhir check` through the outbound proxy the server would use (docs/proxy.md): discovery and
// the connectivity report go through it; a proxy refusing the credentials is reported as such; a
// proxy URL the server would refuse stops the command. The proxy's password is never printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { demoCreds, demoCredentialsFile, runCheck } from '../helpers/cli-check.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const PASSWORD = 'cl1nic-Pr0xy';

describe('oscar-fhir check through an outbound proxy', () => {
  let sim: Simulator;
  let proxy: OutboundProxy;
  let file: string;
  before(async () => {
    sim = await startSimulator({ port: 0, patients: 3, credentials: demoCreds });
    proxy = await startOutboundProxy({ credentials: `ops:${PASSWORD}` });
    // A name only the proxy resolves: a direct attempt could not reach it.
    file = demoCredentialsFile('check-proxy-', sim.url.replace('127.0.0.1', 'oscar.test'));
  });
  after(async () => { await proxy.close(); await sim.close(); });

  const check = (env: Record<string, string>): Promise<{ code: number; out: string }> => runCheck(file, { ...env });

  it('HTTP_PROXY with its user and password: every check passes, through the proxy', async () => {
    proxy.seen.length = 0;
    const { code, out } = await check({ http_proxy: `http://ops:${PASSWORD}@127.0.0.1:${proxy.port}` });
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`^Checking OSCAR at http://oscar\\.test:${sim.port}/oscar through the proxy http://127\\.0\\.0\\.1:${proxy.port}\n`));
    assert.match(out, /ok +REST +\/ws\/services\/oauth\/info/);
    assert.match(out, /ok +SOAP +LoginService\.login2/);
    assert.ok(proxy.seen.some((s) => s.target.includes('/ws/services/oauth/info')) && proxy.seen.some((s) => s.target.includes('/ws/SystemInfoService')));
    assert.ok(!out.includes(PASSWORD));
  });

  it('an https:// proxy: every check passes through it; one whose certificate Node does not trust is named with its code', async () => {
    const fixture = (name: string): Buffer => readFileSync(new URL(`../oscar/tls-fixtures/${name}`, import.meta.url));
    // The test CA as if a public root (NODE_EXTRA_CA_CERTS would add it in a real deployment).
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), fixture('ca.pem').toString()]);
    const trusted = await startOutboundProxy({ credentials: `ops:${PASSWORD}`, tls: { key: fixture('signed-ip.key'), cert: fixture('signed-ip.pem') } });
    const untrusted = await startOutboundProxy({ tls: { key: fixture('self-signed.key'), cert: fixture('self-signed.pem') } });
    try {
      const ok = await check({ HTTP_PROXY: `https://ops:${PASSWORD}@127.0.0.1:${trusted.port}` });
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, new RegExp(`through the proxy https://127\\.0\\.0\\.1:${trusted.port}\n`));
      assert.ok(trusted.seen.some((s) => s.target.includes('/ws/services/oauth/info')));
      const refused = await check({ HTTP_PROXY: untrusted.url });
      assert.equal(refused.code, 1, refused.out);
      // Said before any check, with the certificate to pin (docs/proxy.md §4), and nothing sent to that proxy.
      assert.match(refused.out, new RegExp(`\nThe proxy https://127\\.0\\.0\\.1:${untrusted.port}'s HTTPS certificate is refused \\(DEPTH_ZERO_SELF_SIGNED_CERT\\): the certificate is self-signed\\.\n`));
      assert.ok(refused.out.includes('\n  OSCAR_PROXY_TLS_FINGERPRINT=B8:61:F9:24:45:A6:F1:E3:79:E2:60:17:04:51:25:C6:42:DA:B9:B3:E6:23:15:2B:33:B6:27:E2:BB:58:83:AC\n'), refused.out);
      assert.equal(untrusted.seen.length, 0);
      assert.ok(!ok.out.includes(PASSWORD));
    } finally { await trusted.close(); await untrusted.close(); }
  });

  it('a wrong password: the report says the proxy refused, and names no password', async () => {
    const { code, out } = await check({ OSCAR_PROXY: `http://ops:Wr0ng-one@127.0.0.1:${proxy.port}`, HTTP_PROXY: 'http://ignored.example:1' });
    assert.equal(code, 1, out);
    assert.match(out, new RegExp(`FAIL +REST +/ws/services/oauth/info +failed \\(the proxy http://127\\.0\\.0\\.1:${proxy.port} answered HTTP 407`));
    assert.ok(!out.includes('Wr0ng-one') && !out.includes(PASSWORD));
  });

  it('a proxy URL the server would refuse stops the command (exit 2), the password masked', async () => {
    const { code, out } = await check({ OSCAR_PROXY: `socks5://ops:${PASSWORD}@proxy.example.org:1080` });
    assert.equal(code, 2);
    assert.match(out, /OSCAR_PROXY must be a proxy URL such as http:\/\/proxy\.example\.org:3128/);
    assert.ok(!out.includes(PASSWORD));
  });
});
