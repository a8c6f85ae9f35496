// URL settings with a user name or password in them (user:password@ before the host). Where the
// facade sends such credentials nowhere and the URL is published, logged or printed (OSCAR_URL,
// FHIR_BASE_URL, PUBLIC_URL, SMART_ISSUER, SMART_AUTHORIZE_URL, SMART_TOKEN_URL, a clinic's
// oscar.url and externalIssuer, CORS_ORIGINS, the check and connect commands' OSCAR URL) the start
// is refused naming the setting; where they are legitimate (STATE_DATABASE_URL, a proxy URL) they
// are accepted. Either way no problem, error text or line the server writes holds the password.
// Expected words are written out here, not taken from the code under test.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { loadConfig } from '../../src/config.js';
import { demoCredentialsFile } from '../helpers/cli-check.js';
import { refusal, refusedStart } from '../helpers/config-refusal.js';

const PASSWORD = 'Sekr3t-url';
const SECRETS = {
  OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts',
  OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p', LOG_LEVEL: 'silent',
};
const OSCAR = { OSCAR_URL: 'https://emr.example.org/oscar', ...SECRETS };
const ISSUER = { SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token' };
const dir = mkdtempSync(join(tmpdir(), 'url-credentials-'));
/** The same credentials written three ways: user and password, user alone, password alone. */
const withCredentials = (url: string): string[] => [`ops:${PASSWORD}@`, `${PASSWORD}@`, `:${PASSWORD}@`].map((c) => url.replace('://', `://${c}`));
const refusedText = (name: string, goes: string): string => `${name} must not hold a user name or password (user:password@ before the host); ${goes}`;
const OSCAR_GOES = 'OSCAR is signed in to with OAuth 1.0a and WS-Security, and its address is printed and shown to people signing in there';
const PUBLISHED = 'it is published in .well-known/smart-configuration';

function assertNoSecret(text: string): void {
  assert.ok(!text.includes(PASSWORD) && !text.includes('ops:'), text);
}

describe('URL settings holding credentials', () => {
  const refusedSettings: [string, Record<string, string>, string][] = [
    ['OSCAR_URL', ISSUER, OSCAR_GOES],
    ['FHIR_BASE_URL', ISSUER, 'it is published in every link, Location header and token audience'],
    ['SMART_ISSUER', ISSUER, `${PUBLISHED} and logged at start-up`],
    ['SMART_TOKEN_URL', ISSUER, PUBLISHED],
    ['SMART_AUTHORIZE_URL', ISSUER, PUBLISHED],
  ];
  for (const [name, beside, goes] of refusedSettings) {
    it(`${name}: refused, naming it, never echoing the user or password; accepted without them`, () => {
      const clean = name === 'OSCAR_URL' ? OSCAR.OSCAR_URL : name === 'FHIR_BASE_URL' ? 'https://fhir.example.org/fhir' : (ISSUER as Record<string, string>)[name] ?? 'https://idp.example.org/authorize';
      for (const url of withCredentials(clean)) {
        const e = refusal(() => loadConfig({ ...OSCAR, ...beside, [name]: url }));
        assert.deepEqual(e.problems, [refusedText(name, goes)], url);
        assertNoSecret(e.message);
      }
      const config = loadConfig({ ...OSCAR, ...beside, [name]: clean });
      const read: Record<string, string | undefined> = {
        OSCAR_URL: config.oscar?.url, FHIR_BASE_URL: config.fhirBaseUrl, SMART_ISSUER: config.smart.external?.issuer,
        SMART_TOKEN_URL: config.smart.external?.tokenUrl, SMART_AUTHORIZE_URL: config.smart.external?.authorizeUrl,
      };
      assert.equal(read[name], clean);
    });
  }

  it('a value that is no URL at all is echoed without what precedes its last @ (a password holding "/" included)', () => {
    for (const name of ['OSCAR_URL', 'FHIR_BASE_URL']) {
      const e = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, [name]: `https://ops:${PASSWORD}/x@emr example.org/oscar` }));
      assert.deepEqual(e.problems, [`${name} must be an absolute http(s) URL (got "https://***@emr example.org/oscar")`]);
    }
  });

  it('CORS_ORIGINS: an origin with a user or a password is refused, echoed without them', () => {
    for (const origin of withCredentials('https://app.example.org')) {
      const e = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, CORS_ORIGINS: `https://ok.example.org,${origin}` }));
      assert.deepEqual(e.problems, ['CORS_ORIGINS: "https://***@app.example.org" is not an origin such as https://app.example.org (scheme, host and optional port; no path)'], origin);
    }
    assert.deepEqual(loadConfig({ ...OSCAR, ...ISSUER, CORS_ORIGINS: 'https://app.example.org' }).http.corsOrigins, ['https://app.example.org']);
  });

  it('STATE_DATABASE_URL: its password is legitimate (PostgreSQL\'s), kept, and never echoed', () => {
    const db = `postgres://facade:${PASSWORD}@db.example.org:5432/oscar_fhir`;
    assert.equal(loadConfig({ ...OSCAR, ...ISSUER, STATE_DATABASE_URL: db }).stateDatabaseUrl, db);
    const e = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, STATE_DATABASE_URL: `mysql://ops:${PASSWORD}@db.example.org/x` }));
    assert.deepEqual(e.problems, ['STATE_DATABASE_URL must be a postgres:// or postgresql:// URL']);
  });

  it('STATE_DATABASE_URL that cannot be opened: the server stops naming it, and no line holds the password', async () => {
    // The embedded simulator's start (no OSCAR_URL): the configuration is accepted, the database is not reached.
    for (const [db, why] of [[`postgres://facade:${PASSWORD}@127.0.0.1:1/oscar_fhir`, 'ECONNREFUSED'], [`postgres://facade:${PASSWORD}/x@127.0.0.1:1/oscar_fhir`, 'ERR_INVALID_URL']]) {
      const { code, out } = await refusedStart({ STATE_DATABASE_URL: db!, SIM_PORT: '0' });
      assert.equal(code, 1, out);
      assert.ok(out.includes(`oscar-fhir: cannot open the state database (STATE_DATABASE_URL): ${why}`), out);
      assertNoSecret(out);
    }
  });

  it('a proxy URL: its user and password are legitimate, kept for Proxy-Authorization, and never echoed when the URL is refused', () => {
    const proxy = `http://ops:${PASSWORD}@proxy.example.org:3128`;
    assert.equal(loadConfig({ ...OSCAR, ...ISSUER, OSCAR_PROXY: proxy }).oscar?.proxy?.https, `${proxy}/`);
    // Refused values: with a path, without a scheme, and with a password holding "/" (no URL at all).
    const bad: [string, string, string][] = [
      ['OSCAR_PROXY', `http://ops:${PASSWORD}@proxy.example.org:3128/path`, 'http://***@proxy.example.org:3128/path'],
      ['HTTPS_PROXY', `ops:${PASSWORD}@proxy.example.org:3128/path`, '***@proxy.example.org:3128/path'],
      ['OSCAR_PROXY', `http://ops:${PASSWORD}/x@proxy.example.org:3128`, 'http://***@proxy.example.org:3128'],
    ];
    for (const [name, value, echoed] of bad) {
      const e = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, [name]: value }));
      assert.equal(e.problems.length, 1, e.message);
      assert.ok(e.problems[0]!.startsWith(`${name} must be a proxy URL such as http://proxy.example.org:3128`), e.message);
      assert.ok(e.problems[0]!.endsWith(`"${echoed}")`), e.message);
      assertNoSecret(e.message);
    }
  });

  it('a clinics file: oscar.url and externalIssuer\'s URLs refused in the file\'s terms, PUBLIC_URL in its own', () => {
    const file = join(dir, 'clinics.json');
    const secrets = { consumerKey: { env: 'K' }, consumerSecret: { env: 'S' }, accessToken: { env: 'T' }, accessTokenSecret: { env: 'TS' }, soapUserName: { env: 'U' }, soapPassword: { env: 'P' } };
    const env = { ...ISSUER, CLINICS_FILE: file, K: 'k', S: 's', T: 't', TS: 'ts', U: 'u', P: 'p', LOG_LEVEL: 'silent' };
    writeFileSync(file, JSON.stringify({ clinics: [
      { id: 'north', timezone: 'America/Toronto', oscar: { url: `https://ops:${PASSWORD}@emr.example.org/oscar`, ...secrets } },
      { id: 'south', timezone: 'America/Toronto', oscar: { url: 'https://emr2.example.org/oscar', ...secrets },
        externalIssuer: { issuer: `https://ops:${PASSWORD}@idp.example.org`, jwksUrl: 'https://idp.example.org/jwks', tokenUrl: 'https://idp.example.org/token' } },
      { id: 'west', timezone: 'America/Toronto', oscar: { url: 'https://emr3.example.org/oscar', ...secrets },
        externalIssuer: { issuer: 'https://idp.example.org', jwksUrl: 'https://idp.example.org/jwks', tokenUrl: `https://ops:${PASSWORD}@idp.example.org/token`, authorizeUrl: `https://:${PASSWORD}@idp.example.org/authorize` } },
    ] }));
    const e = refusal(() => loadClinics({ ...env, PUBLIC_URL: `https://ops:${PASSWORD}@fhir.example.org` }));
    assert.deepEqual(e.problems, [
      refusedText('PUBLIC_URL', 'every clinic\'s FHIR base URL is built from it and published in every link, Location header and token audience'),
      `clinic "north": ${refusedText('oscar.url', OSCAR_GOES)}`,
      `clinic "south": ${refusedText('externalIssuer.issuer', `${PUBLISHED} and logged at start-up`)}`,
      `clinic "west": ${refusedText('externalIssuer.authorizeUrl', PUBLISHED)}`,
      `clinic "west": ${refusedText('externalIssuer.tokenUrl', PUBLISHED)}`,
    ]);
    assertNoSecret(e.message);
    const notUrl = refusal(() => loadClinics({ ...env, PUBLIC_URL: `https://ops:${PASSWORD}/x@fhir example.org` }));
    assert.equal(notUrl.problems[0], 'PUBLIC_URL must be the absolute http(s) URL this server is reached at, e.g. https://fhir.example.org (got "https://***@fhir example.org")');
    assertNoSecret(notUrl.message);
  });

  const capture = (): Writable & { text: string } => {
    const w = new Writable({ write(chunk: Buffer, _e, cb) { w.text += chunk.toString(); cb(); } }) as Writable & { text: string };
    w.text = '';
    return w;
  };

  it('oscar-fhir connect: an --oscar-url with credentials stops it before anything is printed or asked', async () => {
    for (const url of withCredentials('https://emr.example.org/oscar')) {
      const stdout = capture();
      const stderr = capture();
      const code = await main(['connect', '--oscar-url', url, '--consumer-key', 'k', '--soap-user', 'u'], { stdin: new PassThrough(), stdout, stderr }, {});
      assert.equal(code, 2);
      assert.equal(stdout.text, '');
      assert.equal(stderr.text, `oscar-fhir connect: invalid configuration:\n  - ${refusedText('--oscar-url (or OSCAR_URL)', OSCAR_GOES)}\n`);
    }
  });

  it('oscar-fhir check: a credentials file whose OSCAR_URL holds credentials is refused as the server refuses it', async () => {
    const file = demoCredentialsFile('url-credentials-', `http://ops:${PASSWORD}@127.0.0.1:9/oscar`);
    const stdout = capture();
    const stderr = capture();
    const code = await main(['check', '--credentials', file], { stdin: new PassThrough(), stdout, stderr }, { OSCAR_TIMEZONE: 'America/Toronto' });
    assert.equal(code, 2);
    assert.equal(stdout.text, '');
    assert.equal(stderr.text, `oscar-fhir check: invalid configuration:\n  - ${refusedText('OSCAR_URL', OSCAR_GOES)}\n`);
  });

  it('the server process stops at start-up naming each setting, and writes no line with the password', async () => {
    const { code, out } = await refusedStart({
      ...SECRETS, ...ISSUER, OSCAR_URL: `https://ops:${PASSWORD}@emr.example.org/oscar`,
      SMART_TOKEN_URL: `https://ops:${PASSWORD}@idp.example.org/token`, FHIR_BASE_URL: `https://ops:${PASSWORD}@fhir.example.org/fhir`,
      HTTPS_PROXY: `ops:${PASSWORD}@proxy.example.org:3128/path`, LOG_LEVEL: 'debug',
    });
    assert.equal(code, 1, out);
    for (const name of ['OSCAR_URL', 'SMART_TOKEN_URL', 'FHIR_BASE_URL']) assert.ok(out.includes(refusedText(name, '')), `${name}: ${out}`);
    assert.match(out, /HTTPS_PROXY must be a proxy URL such as http:\/\/proxy\.example\.org:3128 \(scheme http or https, a host, an optional port and user:password@; got "\*\*\*@proxy\.example\.org:3128\/path"\)/);
    assertNoSecret(out);
  });
});
