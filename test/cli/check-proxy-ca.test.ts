// `oscar-fhir check` through an https:// proxy whose certificate comes from a private CA
// (docs/proxy.md §2, §4): refused, the report names the setting that trusts it for the proxy
// alone; with OSCAR_PROXY_CA_FILE every check passes through the proxy. Node's roots are left as
// they are: the test CA is trusted only through the setting. The proxy's password is never printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { demoCreds, demoCredentialsFile, runCheck } from '../helpers/cli-check.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const PASSWORD = 'Ward-Pr0xy-CA';
const fixture = (name: string): string => new URL(`../oscar/tls-fixtures/${name}`, import.meta.url).pathname;

describe('oscar-fhir check through an https:// proxy with a private CA', () => {
  let sim: Simulator;
  let proxy: OutboundProxy;
  let file: string;
  before(async () => {
    sim = await startSimulator({ port: 0, patients: 1, credentials: demoCreds });
    proxy = await startOutboundProxy({ credentials: `ops:${PASSWORD}`, tls: { key: readFileSync(fixture('signed-ip.key')), cert: readFileSync(fixture('signed-ip.pem')) } });
    file = demoCredentialsFile('check-proxy-ca-', sim.url.replace('127.0.0.1', 'oscar.test'));
  });
  after(async () => { await proxy.close(); await sim.close(); });

  const check = (env: Record<string, string>): Promise<{ code: number; out: string }> => runCheck(file, { HTTP_PROXY: `https://ops:${PASSWORD}@127.0.0.1:${proxy.port}`, ...env });

  it('refused: the report gives the code and the setting to add', async () => {
    proxy.seen.length = 0;
    const { code, out } = await check({});
    assert.equal(code, 1, out);
    assert.match(out, new RegExp(`FAIL +REST +/ws/services/oauth/info +failed \\(TLS with the proxy https://127\\.0\\.0\\.1:${proxy.port} failed \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\): .*OSCAR_PROXY_CA_FILE`));
    assert.equal(proxy.seen.length, 0);
    assert.ok(!out.includes(PASSWORD));
  });

  it('with OSCAR_PROXY_CA_FILE every check passes through the proxy', async () => {
    proxy.seen.length = 0;
    const { code, out } = await check({ OSCAR_PROXY_CA_FILE: fixture('ca.pem') });
    assert.equal(code, 0, out);
    assert.match(out, /ok +REST +\/ws\/services\/oauth\/info/);
    assert.ok(proxy.seen.some((s) => s.target.includes('/ws/services/oauth/info')));
    assert.ok(!out.includes(PASSWORD));
  });
});
