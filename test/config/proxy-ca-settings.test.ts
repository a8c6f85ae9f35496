// OSCAR_PROXY_CA_FILE and OSCAR_PROXY_TLS_FINGERPRINT (docs/proxy.md §2): read and checked at
// start-up with the proxy settings, refused where there is no proxy certificate to verify, kept
// apart from OSCAR's own OSCAR_CA_FILE / OSCAR_TLS_FINGERPRINT, and given per clinic in a clinics
// file (oscar.proxyCaFile, oscar.proxyTlsFingerprint) or by the environment for the clinics behind
// its https:// proxy that give none. Messages name the setting and never the proxy's password.
// Expected values are the fixture files and openssl's fingerprints.
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

  it('are refused when NO_PROXY sends OSCAR direct (docs/proxy.md §3: host, suffix, *, port, address), as for a clinic', () => {
    const refusal = (host: string): string => `OSCAR_PROXY_CA_FILE: NO_PROXY matches OSCAR's host (${host}), so OSCAR is reached without the proxy and there is no proxy certificate to verify`;
    const direct: [string, Record<string, string>][] = [
      ['https://emr.example.org/oscar', { NO_PROXY: 'emr.example.org' }],
      ['https://emr.example.org/oscar', { NO_PROXY: 'localhost, EMR.Example.org' }],
      ['https://emr.example.org/oscar', { NO_PROXY: 'example.org' }],
      ['https://emr.example.org/oscar', { NO_PROXY: '.example.org' }],
      ['https://emr.example.org/oscar', { NO_PROXY: '*.example.org' }],
      ['https://emr.example.org/oscar', { NO_PROXY: '*' }],
      ['https://emr.example.org/oscar', { no_proxy: 'emr.example.org' }],
      ['https://emr.example.org/oscar', { NO_PROXY: 'emr.example.org:443' }],
      ['https://emr.example.org:8443/oscar', { NO_PROXY: 'emr.example.org:8443' }],
      ['https://10.1.2.3/oscar', { NO_PROXY: '10.0.0.0/8' }],
      ['https://[fd00::5]:8443/oscar', { NO_PROXY: '[fd00::5]:8443' }],
    ];
    for (const [url, noProxy] of direct) {
      for (const proxy of [{ HTTPS_PROXY: PROXY }, { OSCAR_PROXY: PROXY }] as Record<string, string>[]) {
        const problems = problemsOf({ ...proxy, ...noProxy, OSCAR_URL: url, OSCAR_PROXY_CA_FILE: fixture('ca.pem') });
        assert.deepEqual(problems, [refusal(new URL(url).host)], `${url} ${JSON.stringify(noProxy)} ${JSON.stringify(proxy)}`);
      }
    }
    const both = problemsOf({ HTTPS_PROXY: PROXY, NO_PROXY: 'emr.example.org', OSCAR_PROXY_CA_FILE: fixture('ca.pem'), OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED });
    assert.deepEqual(both.map((p) => p.split(':')[0]), ['OSCAR_PROXY_CA_FILE and OSCAR_PROXY_TLS_FINGERPRINT']);
    assert.ok(!both[0]!.includes(PASSWORD));
    // Entries that do not match OSCAR's host and port: through the proxy, the settings apply.
    const proxied: [string, string][] = [
      ['https://emr.example.org/oscar', 'badexample.org,xample.org'],
      ['https://emr.example.org/oscar', 'emr.example.org:8443'],
      ['https://emr.example.org:8443/oscar', 'emr.example.org:443'],
      ['https://emr.example.org/oscar', 'other.example.org'],
      ['https://10.1.2.3/oscar', '10.1.2.4,192.168.0.0/16'],
    ];
    for (const [url, noProxy] of proxied) {
      const c = loadConfig({ ...CREDENTIALS, OSCAR_URL: url, HTTPS_PROXY: PROXY, NO_PROXY: noProxy, OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED });
      assert.deepEqual(c.oscar?.proxy?.trust, { fingerprints: [SELF_SIGNED.replace(/:/g, '')] }, `${url} NO_PROXY=${noProxy}`);
    }
    // A clinic's own setting is refused alike, in the file's terms.
    const file = join(dir, 'clinics-no-proxy.json');
    writeFileSync(file, JSON.stringify({ clinics: [{ id: 'north', timezone: 'America/Toronto', oscar: {
      url: 'https://emr.example.org/oscar', consumerKey: { env: 'K' }, consumerSecret: { env: 'S' }, accessToken: { env: 'T' },
      accessTokenSecret: { env: 'TS' }, soapUserName: { env: 'U' }, soapPassword: { env: 'P' }, proxyCaFile: fixture('ca.pem'),
    } }] }));
    assert.throws(() => loadClinics({ CLINICS_FILE: file, HTTPS_PROXY: PROXY, NO_PROXY: '.example.org', K: 'k', S: 's', T: 't', TS: 'ts', U: 'u', P: 'p', LOG_LEVEL: 'silent', SMART_ISSUER: CREDENTIALS.SMART_ISSUER, SMART_JWKS_URL: CREDENTIALS.SMART_JWKS_URL, SMART_TOKEN_URL: CREDENTIALS.SMART_TOKEN_URL }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 1
        && e.problems[0] === 'clinic "north": oscar.proxyCaFile: NO_PROXY matches OSCAR\'s host (emr.example.org), so OSCAR is reached without the proxy and there is no proxy certificate to verify');
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

  it('a clinics file gives them per clinic (proxyCaFile, proxyTlsFingerprint), in its own terms', () => {
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
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyCaFile: join(dir, 'missing.pem') }) });
    assert.throws(() => loadClinics(env), /clinic "north": oscar\.proxyCaFile: cannot read/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyTlsFingerprint: 7 }) });
    assert.throws(() => loadClinics(env), /clinic "north": oscar: proxyTlsFingerprint must be a SHA-256 fingerprint or an array of them/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyTlsFingerprint: 'AB:CD' }) });
    assert.throws(() => loadClinics(env), /clinic "north": oscar\.proxyTlsFingerprint: "AB:CD" is not a SHA-256 fingerprint/);
    write({ id: 'north', timezone: 'America/Toronto', oscar: oscar({ proxyCaFile: fixture('ca.pem') }) });
    assert.throws(() => loadClinics({ ...env, HTTPS_PROXY: 'http://proxy:3128' }), /clinic "north": oscar\.proxyCaFile: the proxy for OSCAR is http:\/\//);
  });

  describe('the environment\'s, for the clinics behind its proxy that give none of their own', () => {
    const file = join(dir, 'clinics-shared.json');
    const oscar = (url: string, extra: object = {}) => ({
      url, consumerKey: { env: 'K' }, consumerSecret: { env: 'S' }, accessToken: { env: 'T' },
      accessTokenSecret: { env: 'TS' }, soapUserName: { env: 'U' }, soapPassword: { env: 'P' }, ...extra,
    });
    const write = (...clinics: object[]): void => writeFileSync(file, JSON.stringify({ clinics: clinics.map((c) => ({ timezone: 'America/Toronto', ...c })) }));
    const env = { CLINICS_FILE: file, K: 'k', S: 's', T: 't', TS: 'ts', U: 'u', P: 'p', LOG_LEVEL: 'silent', SMART_ISSUER: CREDENTIALS.SMART_ISSUER, SMART_JWKS_URL: CREDENTIALS.SMART_JWKS_URL, SMART_TOKEN_URL: CREDENTIALS.SMART_TOKEN_URL };
    const trustOf = (e: Record<string, string>): Record<string, unknown> => Object.fromEntries(loadClinics({ ...env, ...e }).map((c) => [c.id, c.config.oscar?.proxy?.trust]));
    const problemsOf = (e: Record<string, string>): string[] => {
      try { loadClinics({ ...env, ...e }); return []; } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
      }
    };
    const FP = SELF_SIGNED.replace(/:/g, '');

    it('apply to every clinic through the shared https:// proxy that sets neither; a clinic\'s own wins; the clinics reached otherwise take nothing', () => {
      write(
        { id: 'north', oscar: oscar('https://north.example.org/oscar') },
        { id: 'south', oscar: oscar('https://south.example.org/oscar', { proxyTlsFingerprint: SELF_SIGNED }) },
        { id: 'east', oscar: oscar('https://emr.east.example.org/oscar') },
        { id: 'west', oscar: oscar('http://west.example.org/oscar') },
        { id: 'demo', oscar: { embedded: true } },
      );
      // NO_PROXY sends east direct; west is http:// and HTTP_PROXY is not set: both without a proxy certificate.
      assert.deepEqual(trustOf({ HTTPS_PROXY: PROXY, NO_PROXY: 'east.example.org', OSCAR_PROXY_CA_FILE: fixture('ca.pem') }),
        { north: { ca: [CA_PEM] }, south: { fingerprints: [FP] }, east: undefined, west: undefined, demo: undefined });
      // Both settings go together, and a clinic with either of its own takes neither of the environment's.
      assert.deepEqual(trustOf({ HTTPS_PROXY: PROXY, NO_PROXY: 'east.example.org', OSCAR_PROXY_CA_FILE: fixture('ca.pem'), OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED }),
        { north: { ca: [CA_PEM], fingerprints: [FP] }, south: { fingerprints: [FP] }, east: undefined, west: undefined, demo: undefined });
      // OSCAR_PROXY is every clinic's, whatever its scheme: west takes it too.
      assert.deepEqual(trustOf({ OSCAR_PROXY: PROXY, NO_PROXY: 'east.example.org', OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED }),
        { north: { fingerprints: [FP] }, south: { fingerprints: [FP] }, east: undefined, west: { fingerprints: [FP] }, demo: undefined });
    });

    it('stop the start when no clinic can take them, or when they would be one certificate for two proxies, naming the setting', () => {
      write(
        { id: 'north', oscar: oscar('https://north.example.org/oscar', { proxyCaFile: fixture('ca.pem') }) },
        { id: 'west', oscar: oscar('http://west.example.org/oscar') },
      );
      for (const e of [{ HTTPS_PROXY: PROXY }, { HTTPS_PROXY: PROXY, HTTP_PROXY: 'http://proxy:3128' }, { OSCAR_PROXY: 'none', HTTPS_PROXY: PROXY }] as Record<string, string>[]) {
        assert.deepEqual(problemsOf({ ...e, OSCAR_PROXY_TLS_FINGERPRINT: SELF_SIGNED }).filter((p) => !p.startsWith('clinic "north"')),
          ['OSCAR_PROXY_TLS_FINGERPRINT: no clinic of CLINICS_FILE takes it: none reaches its OSCAR through an https:// proxy of the environment without a proxyCaFile or proxyTlsFingerprint of its own, so there is no proxy certificate for it to verify'], JSON.stringify(e));
      }
      // west alone takes them through its https:// proxy (north has its own): nothing to refuse.
      assert.deepEqual(problemsOf({ HTTPS_PROXY: PROXY, HTTP_PROXY: `https://ops:${PASSWORD}@other.hospital.example`, OSCAR_PROXY_CA_FILE: fixture('ca.pem') }), []);
      write(
        { id: 'north', oscar: oscar('https://north.example.org/oscar') },
        { id: 'west', oscar: oscar('http://west.example.org/oscar') },
        { id: 'east', oscar: oscar('https://east.example.org/oscar') },
      );
      const three = problemsOf({ HTTPS_PROXY: PROXY, HTTP_PROXY: `https://ops:${PASSWORD}@other.hospital.example`, OSCAR_PROXY_CA_FILE: fixture('ca.pem') });
      assert.deepEqual(three, ['OSCAR_PROXY_CA_FILE: the clinics without a proxyCaFile or proxyTlsFingerprint of their own reach their OSCAR through different https:// proxies (https://proxy.hospital.example:8443 for "north", "east"; https://other.hospital.example for "west"); give each proxy\'s certificate in those clinics\' "oscar"']);
    });

    it('are checked once, in the environment\'s terms, however many clinics take them', () => {
      write(
        { id: 'north', oscar: oscar('https://north.example.org/oscar') },
        { id: 'east', oscar: oscar('https://east.example.org/oscar') },
      );
      assert.deepEqual(problemsOf({ HTTPS_PROXY: PROXY, OSCAR_PROXY_TLS_FINGERPRINT: 'AB:CD' }).map((p) => p.replace(/ \(.*$/, '')), ['OSCAR_PROXY_TLS_FINGERPRINT: "AB:CD" is not a SHA-256 fingerprint']);
      const missing = problemsOf({ HTTPS_PROXY: PROXY, OSCAR_PROXY_CA_FILE: join(dir, 'missing.pem') });
      assert.equal(missing.length, 1);
      assert.match(missing[0]!, /^OSCAR_PROXY_CA_FILE: cannot read .*missing\.pem \(ENOENT\)$/);
    });
  });
});
