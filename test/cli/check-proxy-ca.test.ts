// `oscar-fhir check` through an https:// proxy whose certificate comes from a private CA
// (docs/proxy.md §2, §4): refused, the report names the setting that trusts it for the proxy
// alone; with OSCAR_PROXY_CA_FILE every check passes through the proxy. Node's roots are left as
// they are: the test CA is trusted only through the setting. The proxy's password is never printed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { writeCredentialsFile } from '../../src/config/credentials-file.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const creds = demoCredentials({});
const PASSWORD = 'Ward-Pr0xy-CA';
const fixture = (name: string): string => new URL(`../oscar/tls-fixtures/${name}`, import.meta.url).pathname;

describe('oscar-fhir check through an https:// proxy with a private CA', () => {
  let sim: Simulator;
  let proxy: OutboundProxy;
  let file: string;
  before(async () => {
    sim = await startSimulator({ port: 0, patients: 1, credentials: creds });
    proxy = await startOutboundProxy({ credentials: `ops:${PASSWORD}`, tls: { key: readFileSync(fixture('signed-ip.key')), cert: readFileSync(fixture('signed-ip.pem')) } });
    file = join(mkdtempSync(join(tmpdir(), 'check-proxy-ca-')), 'oscar-credentials.json');
    writeCredentialsFile(file, {
      OSCAR_URL: sim.url.replace('127.0.0.1', 'oscar.test'), OSCAR_CONSUMER_KEY: creds.consumerKey, OSCAR_CONSUMER_SECRET: creds.consumerSecret,
      OSCAR_ACCESS_TOKEN: creds.accessToken, OSCAR_ACCESS_TOKEN_SECRET: creds.accessTokenSecret,
      OSCAR_SOAP_USERNAME: creds.soapUserName, OSCAR_SOAP_PASSWORD: creds.soapPassword,
    });
  });
  after(async () => { await proxy.close(); await sim.close(); });

  async function check(env: Record<string, string>): Promise<{ code: number; out: string }> {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
    const code = await main(['check', '--credentials', file], { stdin: new PassThrough(), stdout: sink, stderr: sink }, { OSCAR_TIMEZONE: 'America/Toronto', HTTP_PROXY: `https://ops:${PASSWORD}@127.0.0.1:${proxy.port}`, ...env });
    return { code, out };
  }

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
