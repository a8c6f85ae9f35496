// OSCAR_PROXY_CA_FILE and OSCAR_PROXY_TLS_FINGERPRINT (docs/proxy.md §2): read and checked at
// start-up with the proxy settings, refused where there is no proxy certificate to verify, kept
// apart from OSCAR's own OSCAR_CA_FILE / OSCAR_TLS_FINGERPRINT, and given per clinic in a clinics
// file (oscar.proxyCaFile, oscar.proxyTlsFingerprint). Messages name the setting and never the
// proxy's password. Expected values are the fixture files and openssl's fingerprints.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const fixture = (name: string): string => new URL(`../oscar/tls-fixtures/${name}`, import.meta.url).pathname;
const CA_PEM = readFileSync(fixture('ca.pem'), 'utf8').trim();
const SELF_SIGNED = 'B8:61:F9:24:45:A6:F1:E3:79:E2:60:17:04:51:25:C6:42:DA:B9:B3:E6:23:15:2B:33:B6:27:E2:BB:58:83:AC';
const PASSWORD = 'Sekr3t-proxy';
const PROXY = `https://ops:${PASSWORD}@proxy.hospital.example:8443`;
const CREDENTIALS = {
  OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts',
  OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p', LOG_LEVEL: 'silent',
  SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token',
};
const dir = mkdtempSync(join(tmpdir(), 'proxy-ca-'));

const problemsOf = (env: Record<string, string>): string[] => {
  try { loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', ...env }); return []; } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
};

describe('the proxy\'s certificate settings', () => {
  it('reach the proxy settings of the OSCAR connection, and only them', () => {
    const c = loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', HTTPS_PROXY: PROXY, OSCAR_PROXY_CA_FILE: fixture('ca.pem'), OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED.toLowerCase() });
    assert.deepEqual(c.oscar?.proxy?.trust, { ca: [CA_PEM], fingerprints: [SELF_SIGNED.replace(/:/g, '')] });
    assert.equal(c.oscar?.tls, undefined, 'OSCAR\'s own certificate: Node\'s roots');
    assert.equal(c.smart.egressProxy?.trust, undefined, 'the key fetches: Node\'s roots');
    const oscarOnly = loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', HTTPS_PROXY: PROXY, OSCAR_CA_FILE: fixture('ca.pem') });
    assert.equal(oscarOnly.oscar?.proxy?.trust, undefined, 'OSCAR_CA_FILE is not the proxy\'s');
    assert.deepEqual(oscarOnly.oscar?.tls?.ca, [CA_PEM]);
  });

  it('are refused where there is no proxy certificate: OSCAR direct, OSCAR_PROXY=none, an http:// proxy, the embedded simulator', () => {
    for (const env of [{}, { OSCAR_PROXY: 'none', HTTPS_PROXY: PROXY }] as Record<string, string>[]) {
      assert.deepEqual(problemsOf({ ...env, OSCAR_PROXY_CA_FILE: fixture('ca.pem') }).map((p) => p.split(':')[0]), ['OSCAR_PROXY_CA_FILE']);
      assert.match(problemsOf({ ...env, OSCAR_PROXY_CA_FILE: fixture('ca.pem') })[0]!, /OSCAR is reached without a proxy/);
    }
    const http = problemsOf({ OSCAR_PROXY: `http://ops:${PASSWORD}@proxy:3128`, OSCAR_PROXY_CA_FILE: fixture('ca.pem'), OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED });
    assert.deepEqual(http, ['OSCAR_PROXY_CA_FILE and OSCAR_PROXY_TLS_FINGERPRINT: the proxy for OSCAR is http://, so there is no proxy certificate to verify (only an https:// proxy is spoken to over TLS)']);
    assert.deepEqual(problemsOf({ HTTP_PROXY: PROXY, OSCAR_PROXY_CA_FILE: fixture('ca.pem') }).length, 1, 'an https OSCAR does not take HTTP_PROXY: no proxy');
    for (const n of ['OSCAR_PROXY_CA_FILE', 'OSCAR_PROXY_TLS_FINGERPRINT']) {
      assert.throws(() => loadConfig({ LOG_LEVEL: 'silent', HTTPS_PROXY: PROXY, [n]: n.endsWith('FILE') ? fixture('ca.pem') : SELF_SIGNED }),
        (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0]!.startsWith(`${n}: only for a real OSCAR (OSCAR_URL)`), `${n} with the embedded simulator`);
    }
  });

  it('an unreadable file, one without a certificate, a bad fingerprint: named, the password never shown', () => {
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const cases: [Record<string, string>, RegExp][] = [
      [{ OSCAR_PROXY_CA_FILE: join(dir, 'missing.pem') }, /^OSCAR_PROXY_CA_FILE: cannot read .*missing\.pem \(ENOENT\)$/],
      [{ OSCAR_PROXY_CA_FILE: fixture('self-signed.key') }, /^OSCAR_PROXY_CA_FILE: .*self-signed\.key holds no certificate/],
      [{ OSCAR_PROXY_CA_FILE: broken }, /^OSCAR_PROXY_CA_FILE: certificate 1 of .*broken\.pem cannot be read$/],
      [{ OSCAR_PROXY_TLS_FINGERPRINT: 'AB:CD:EF' }, /^OSCAR_PROXY_TLS_FINGERPRINT: "AB:CD:EF" is not a SHA-256 fingerprint/],
    ];
    for (const [env, words] of cases) {
      const problems = problemsOf({ OSCAR_PROXY: PROXY, ...env });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, words);
      assert.ok(!problems[0]!.includes(PASSWORD));
    }
    // A proxy URL refused: that alone is reported (its password masked), not the CA file too.
    const bad = problemsOf({ OSCAR_PROXY: `socks5://ops:${PASSWORD}@proxy:1080`, OSCAR_PROXY_CA_FILE: fixture('ca.pem') });
    assert.equal(bad.length, 1, bad.join('\n'));
    assert.match(bad[0]!, /^OSCAR_PROXY must be a proxy URL/);
    assert.ok(!bad[0]!.includes(PASSWORD));
  });

  it('a clinics file gives them per clinic (proxyCaFile, proxyTlsFingerprint), in its own terms, and refuses them beside CLINICS_FILE', () => {
    const file = join(dir, 'clinics.json');
    const oscar = (extra: object) => ({
      url: 'https://emr.example.org/oscar', consumerKey: { env: 'K' }, consumerSecret: { env: 'S' }, accessToken: { env: 'T' },
      accessTokenSecret: { env: 'TS' }, soapUserName: { env: 'U' }, soapPassword: { env: 'P' }, ...extra,
    });
    const write = (...clinics: object[]): void => writeFileSync(file, JSON.stringify({ clinics }));
    write(
      { id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyCaFile: fixture('ca.pem') }) },
      { id: 'south', timezone: 'America/Toronto', oscar: oscar({ proxyTlsFingerprint: [SELF_SIGNED] }) },
      { id: 'east', timezone: 'America/Toronto', oscar: oscar({ caFile: fixture('ca.pem') }) },
    );
    const env = { CLINICS_FILE: file, HTTPS_PROXY: PROXY, K: 'k', S: 's', T: 't', TS: 'ts', U: 'u', P: 'p', LOG_LEVEL: 'silent', SMART_ISSUER: CREDENTIALS.SMART_ISSUER, SMART_JWKS_URL: CREDENTIALS.SMART_JWKS_URL, SMART_TOKEN_URL: CREDENTIALS.SMART_TOKEN_URL };
    const [north, south, east] = loadClinics(env);
    assert.deepEqual(north!.config.oscar?.proxy?.trust, { ca: [CA_PEM] });
    assert.deepEqual(south!.config.oscar?.proxy?.trust, { fingerprints: [SELF_SIGNED.replace(/:/g, '')] });
    assert.equal(east!.config.oscar?.proxy?.trust, undefined, 'another clinic\'s, or its OSCAR\'s CA, is not its proxy\'s');
    assert.equal(north!.config.oscar?.tls, undefined);
    assert.throws(() => loadClinics({ ...env, OSCAR_PROXY_CA_FILE: fixture('ca.pem') }), /OSCAR_PROXY_CA_FILE is one clinic's setting: .*\(oscar\.proxyCaFile\)/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyCaFile: join(dir, 'missing.pem') }) });
    assert.throws(() => loadClinics(env), /clinic "north": oscar\.proxyCaFile: cannot read/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyTlsFingerprint: 7 }) });
    assert.throws(() => loadClinics(env), /clinic "north": oscar: proxyTlsFingerprint must be a SHA-256 fingerprint or an array of them/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyTlsFingerprint: 'AB:CD' }) });
    assert.throws(() => loadClinics(env), /clinic "north": oscar\.proxyTlsFingerprint: "AB:CD" is not a SHA-256 fingerprint/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyCaFile: fixture('ca.pem') }) });
    assert.throws(() => loadClinics({ ...env, HTTPS_PROXY: 'http://proxy:3128' }), /clinic "north": oscar\.proxyCaFile: the proxy for OSCAR is http:\/\//);
  });
});
