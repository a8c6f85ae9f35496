// `oscar-fhir check` through an https:// proxy whose certificate comes from a private CA
// (docs/proxy.md §2, §4): refused, the proxy's certificate is shown with the setting that pins it
// for the proxy alone; with that fingerprint, or with OSCAR_PROXY_CA_FILE, every check passes
// through the proxy. Node's roots are left as
// they are: the test CA is trusted only through the setting. The proxy's password is never printed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { demoCreds, demoCredentialsFile, runCheck } from '../helpers/cli-check.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const PASSWORD = 'Ward-Pr0xy-CA';
const SIGNED_IP = '97:89:50:DE:20:5E:49:AD:6C:B0:38:50:38:42:B1:7A:FB:FA:6B:21:48:AA:BA:F5:BB:0C:F2:53:38:1B:93:84';
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

  it('refused: the proxy\'s certificate is shown as OSCAR\'s would be, with the setting that pins it, before anything is sent', async () => {
    proxy.seen.length = 0;
    const { code, out } = await check({});
    assert.equal(code, 1, out);
    // Expected from the fixture (openssl x509 -noout -subject -issuer -dates -fingerprint -sha256 -in signed-ip.pem).
    const at = `https://127.0.0.1:${proxy.port}`;
    assert.equal(out.slice(out.indexOf('\n') + 1), [
      `The proxy ${at}'s HTTPS certificate is refused (UNABLE_TO_VERIFY_LEAF_SIGNATURE): the certificate was issued by a CA that is not trusted (a private CA), or the proxy ${at} does not send its intermediate certificates.`,
      `The certificate the proxy ${at} presented:`,
      `  SHA-256 fingerprint  ${SIGNED_IP}`,
      '  subject              O=oscar-fhir tests, CN=127.0.0.1',
      '  names                IP Address:127.0.0.1',
      '  issuer               O=oscar-fhir tests, CN=Test Clinic CA',
      '  valid                Dec  7 14:00:40 2026 GMT to Nov 13 14:00:40 2126 GMT',
      'If this is your proxy\'s certificate (compare the fingerprint with `openssl x509 -noout -fingerprint -sha256 -in <its certificate file>` on the proxy), trust it for the connections to the proxy only with:',
      `  OSCAR_PROXY_TLS_FINGERPRINT=${SIGNED_IP}`,
      'or give the certificate of the CA that issued it in OSCAR_PROXY_CA_FILE (docs/proxy.md §2). Never set NODE_TLS_REJECT_UNAUTHORIZED=0.',
      '',
    ].join('\n'));
    assert.equal(proxy.seen.length, 0);
    assert.ok(!out.includes(PASSWORD));
  });

  it('with the printed fingerprint as OSCAR_PROXY_TLS_FINGERPRINT every check passes through the proxy', async () => {
    proxy.seen.length = 0;
    const { code, out } = await check({ OSCAR_PROXY_TLS_FINGERPRINT: SIGNED_IP });
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /certificate is refused/);
    assert.ok(proxy.seen.some((s) => s.target.includes('/ws/services/oauth/info')));
  });

  it('with OSCAR_PROXY_CA_FILE every check passes through the proxy', async () => {
    proxy.seen.length = 0;
    const { code, out } = await check({ OSCAR_PROXY_CA_FILE: fixture('ca.pem') });
    assert.equal(code, 0, out);
    assert.match(out, /ok +REST +\/ws\/services\/oauth\/info/);
    assert.ok(proxy.seen.some((s) => s.target.includes('/ws/services/oauth/info')));
    assert.ok(!out.includes(PASSWORD));
  });

  it('with a clinics file: the line to add is the clinic\'s proxyTlsFingerprint, and the environment\'s serves the clinics without their own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-proxy-ca-clinics-'));
    const clients = join(dir, 'clients.json');
    writeFileSync(clients, JSON.stringify({ clients: [] }));
    const oscar = (extra: object = {}) => ({
      url: sim.url.replace('127.0.0.1', 'oscar.test'), consumerKey: { env: 'C_CK' }, consumerSecret: { env: 'C_CS' }, accessToken: { env: 'C_AT' },
      accessTokenSecret: { env: 'C_ATS' }, soapUserName: { env: 'C_SU' }, soapPassword: { env: 'C_SP' }, ...extra,
    });
    const clinics = join(dir, 'clinics.json');
    writeFileSync(clinics, JSON.stringify({ clinics: [
      { id: 'north', timezone: 'America/Toronto', oscar: oscar(), smartClientsFile: clients },
      { id: 'south', timezone: 'America/Toronto', oscar: oscar({ proxyCaFile: fixture('ca.pem') }), smartClientsFile: clients },
    ] }));
    const run = async (env: Record<string, string>): Promise<{ code: number; out: string }> => {
      let out = '';
      const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
      const code = await main(['check', '--clinics', clinics], { stdin: new PassThrough(), stdout: sink, stderr: sink }, {
        C_CK: demoCreds.consumerKey, C_CS: demoCreds.consumerSecret, C_AT: demoCreds.accessToken, C_ATS: demoCreds.accessTokenSecret,
        C_SU: demoCreds.soapUserName, C_SP: demoCreds.soapPassword, PUBLIC_URL: 'https://fhir.example.org', LOG_LEVEL: 'silent',
        HTTP_PROXY: `https://ops:${PASSWORD}@127.0.0.1:${proxy.port}`, ...env,
      });
      return { code, out };
    };
    try {
      const alone = await run({});
      assert.equal(alone.code, 1, alone.out);
      assert.ok(alone.out.includes(`\n  "proxyTlsFingerprint": "${SIGNED_IP}" in clinic "north"'s "oscar" of ${clinics} (or OSCAR_PROXY_TLS_FINGERPRINT=${SIGNED_IP} in the environment, for every clinic behind this proxy without its own)\n`), alone.out);
      assert.match(alone.out, /\nnorth: NOT usable .*\nsouth: usable\n$/);
      const shared = await run({ OSCAR_PROXY_TLS_FINGERPRINT: SIGNED_IP });
      assert.equal(shared.code, 0, shared.out);
      assert.match(shared.out, /\nnorth: usable\nsouth: usable\n$/);
      assert.ok(![alone.out, shared.out].some((o) => o.includes(PASSWORD)));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
