// The clinics file (CLINICS_FILE): what a valid one yields, and every mistake reported at start-up
// together, in the file's own terms, without repeating a secret.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { parseClinicsFile } from '../../src/clinics/clinics-file.js';
import { ConfigError } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-clinics-file-'));
after(() => { rmSync(dir, { recursive: true, force: true }); });

const secretsByEnv = {
  consumerKey: { env: 'N_CK' }, consumerSecret: { env: 'N_CS' }, accessToken: { env: 'N_AT' },
  accessTokenSecret: { env: 'N_ATS' }, soapUserName: { env: 'N_SU' }, soapPassword: { env: 'N_SP' },
};
const secretValues = { N_CK: 'ck', N_CS: 'cs-secret', N_AT: 'at', N_ATS: 'ats-secret', N_SU: 'doc', N_SP: 'soap-secret' };

function writeClinics(content: unknown): string {
  const file = join(dir, `clinics-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadClinics(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

describe('clinics file', () => {
  it('each clinic gets its own base, OSCAR, zone, clients, export folder and capability cache; shared settings come from the environment', () => {
    const credentialsFile = join(dir, 'south-credentials.json');
    writeFileSync(credentialsFile, JSON.stringify({
      OSCAR_CONSUMER_KEY: 'sck', OSCAR_CONSUMER_SECRET: 'scs', OSCAR_ACCESS_TOKEN: 'sat', OSCAR_ACCESS_TOKEN_SECRET: 'sats', OSCAR_SOAP_USERNAME: 'sdoc', OSCAR_SOAP_PASSWORD: 'ssp',
    }));
    chmodSync(credentialsFile, 0o600);
    const passwordFile = join(dir, 'north-soap-password');
    writeFileSync(passwordFile, 'from-a-file\n');
    const clientsFile = join(dir, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify({ clients: [] }));
    const file = writeClinics({
      clinics: [
        { id: 'north', timezone: 'America/Toronto', oscar: { url: 'https://north.example.org/oscar/', ...secretsByEnv, soapPassword: { file: passwordFile } } },
        { id: 'south-2', timezone: 'America/Vancouver', oscar: { url: 'https://south.example.org/oscar', credentialsFile }, smartClientsFile: clientsFile },
      ],
    });
    const clinics = loadClinics({
      ...secretValues, CLINICS_FILE: file, PUBLIC_URL: 'https://fhir.example.org/', PORT: '9000', BULK_DIR: '/var/lib/oscar-fhir/bulk',
      SMART_ISSUER: 'https://idp.example.org/realms/x', SMART_JWKS_URL: 'https://idp.example.org/certs', SMART_TOKEN_URL: 'https://idp.example.org/token',
      AUDIT_LOG: 'stderr', OSCAR_MAX_IN_FLIGHT: '6',
    });
    assert.deepEqual(clinics.map((c) => c.id), ['north', 'south-2']);
    const [north, south] = clinics.map((c) => c.config);
    assert.equal(north!.fhirBaseUrl, 'https://fhir.example.org/clinics/north/fhir');
    assert.equal(south!.fhirBaseUrl, 'https://fhir.example.org/clinics/south-2/fhir');
    assert.deepEqual(north!.oscar, {
      url: 'https://north.example.org/oscar', consumerKey: 'ck', consumerSecret: 'cs-secret', accessToken: 'at', accessTokenSecret: 'ats-secret',
      soapUserName: 'doc', soapPassword: 'from-a-file',
    });
    assert.equal(south!.oscar?.consumerSecret, 'scs');
    assert.equal(south!.oscar?.soapPassword, 'ssp');
    assert.equal(north!.oscarTimezone, 'America/Toronto');
    assert.equal(south!.oscarTimezone, 'America/Vancouver');
    assert.equal(north!.bulk.dir, '/var/lib/oscar-fhir/bulk/clinics/north');
    assert.equal(south!.bulk.dir, '/var/lib/oscar-fhir/bulk/clinics/south-2');
    assert.equal(north!.capabilities.cacheFile, 'data/clinics/north/oscar-capabilities.json');
    assert.equal(north!.authMode, 'smart', 'a real OSCAR: SMART by default');
    for (const c of [north!, south!]) {
      assert.equal(c.port, 9000);
      assert.equal(c.auditLog, 'stderr');
      assert.equal(c.upstream.maxInFlight, 6, 'upstream bounds are per clinic, from the shared setting');
    }
  });

  it('refuses a secret written in the file, without repeating it', () => {
    const problems: string[] = [];
    parseClinicsFile(JSON.stringify({ clinics: [{ id: 'a', timezone: 'UTC', oscar: { url: 'https://a.example.org', consumerSecret: 'hunter2-inline' } }] }), problems);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /clinic "a": oscar\.consumerSecret must not be written in the clinics file: give \{"env": "VARIABLE"\} or \{"file"/);
    assert.doesNotMatch(problems.join('\n'), /hunter2/);
  });

  it('reports every mistake of the file together', () => {
    const problems: string[] = [];
    parseClinicsFile(JSON.stringify({
      clinics: [
        { id: 'North', timezone: 'UTC', oscar: { url: 'https://a.example.org' } },
        { id: 'b', oscar: { url: 'https://b.example.org', consumerKey: { env: 'not a name' } }, colour: 'blue' },
        { id: 'c', timezone: 'UTC', oscar: { url: 'https://c.example.org' } },
        { id: 'c', timezone: 'UTC', oscar: { url: 'https://c2.example.org' } },
        { id: 'd', timezone: 'UTC' },
      ],
      extra: true,
    }), problems);
    const text = problems.join('\n');
    assert.match(text, /clinics\[0\]: id must be 1–40 lower-case letters/);
    assert.match(text, /clinics\[1\]: unknown key "colour"/);
    assert.match(text, /clinic "b": timezone must be a non-empty string/);
    assert.match(text, /clinic "b": oscar\.consumerKey must be \{"env": "VARIABLE"\} or \{"file"/);
    assert.match(text, /clinic id "c" is given twice/);
    assert.match(text, /clinic "d": oscar must be an object/);
    assert.match(text, /CLINICS_FILE: unknown key "extra"/);
    assert.equal(problems.length, 7, text);
    const none: string[] = [];
    assert.deepEqual(parseClinicsFile('{"clinics": []}', none), []);
    assert.match(none[0]!, /at least one clinic/);
  });

  it('speaks of a clinic\'s settings in the file\'s terms, and of a shared setting once', () => {
    const file = writeClinics({
      clinics: [
        { id: 'a', timezone: 'Mars/Olympus', oscar: { url: 'https://a.example.org', ...secretsByEnv, accessTokenSecret: { env: 'UNSET_VARIABLE' } } },
        { id: 'b', timezone: 'UTC', oscar: { url: 'https://b.example.org', ...secretsByEnv } },
      ],
    });
    const problems = problemsOf({ ...secretValues, CLINICS_FILE: file, SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/certs', SMART_TOKEN_URL: 'https://idp.example.org/t', LIMIT_PAGE_SIZE: 'many' });
    const text = problems.join('\n');
    assert.match(text, /clinic "a": oscar\.accessTokenSecret names the environment variable UNSET_VARIABLE, which is not set/);
    assert.match(text, /clinic "a": timezone must be an IANA zone name/);
    assert.match(text, /clinic "a": oscar\.url is set, so these are required .*oscar\.accessTokenSecret/);
    assert.equal(problems.filter((p) => p.includes('LIMIT_PAGE_SIZE')).length, 1, text);
    assert.doesNotMatch(text, /clinic "b"/);
  });

  it('a secret named by a variable like Object\'s members (constructor, toString) is a variable that is not set', () => {
    const file = writeClinics({
      clinics: [{ id: 'a', timezone: 'UTC', oscar: { url: 'https://a.example.org', ...secretsByEnv, accessTokenSecret: { env: 'constructor' } }, opsToken: { env: 'toString' } }],
    });
    const text = problemsOf({ ...secretValues, CLINICS_FILE: file }).join('\n');
    assert.match(text, /clinic "a": oscar\.accessTokenSecret names the environment variable constructor, which is not set/);
    assert.match(text, /clinic "a": opsToken names the environment variable toString, which is not set/);
  });

  it('a clinic\'s own operator token and external issuer: checked, in the file\'s terms, never repeated', () => {
    const tokenFile = join(dir, 'b-ops-token');
    writeFileSync(tokenFile, 'short\n');
    const written: string[] = [];
    parseClinicsFile(JSON.stringify({ clinics: [{ id: 'a', timezone: 'UTC', oscar: { url: 'https://a.example.org' }, opsToken: 'inline-operator-token-123' }] }), written);
    assert.match(written.join('\n'), /clinic "a": opsToken must not be written in the clinics file/);
    assert.doesNotMatch(written.join('\n'), /inline-operator-token/);
    const file = writeClinics({
      clinics: [
        { id: 'a', timezone: 'UTC', oscar: { url: 'https://a.example.org', ...secretsByEnv }, opsToken: { env: 'A_OPS' }, externalIssuer: { issuer: 'https://idp.example.org/a' } },
        { id: 'b', timezone: 'UTC', oscar: { url: 'https://b.example.org', ...secretsByEnv }, opsToken: { file: tokenFile }, externalIssuer: { issuer: 'idp-b', jwksUrl: 'https://idp.example.org/b/certs', tokenUrl: 'https://idp.example.org/b/token' } },
        { id: 'c', timezone: 'UTC', oscar: { url: 'https://c.example.org', ...secretsByEnv }, opsToken: { file: join(dir, 'no-such-token') } },
      ],
    });
    const text = problemsOf({ ...secretValues, CLINICS_FILE: file, SMART_CLIENTS_FILE: '' }).join('\n');
    assert.match(text, /clinic "a": opsToken names the environment variable A_OPS, which is not set/);
    assert.match(text, /clinic "a": externalIssuer: jwksUrl must be a non-empty string/);
    assert.match(text, /clinic "b": opsToken must be at least 16 characters/);
    assert.match(text, /clinic "b": externalIssuer\.issuer must be an absolute http\(s\) URL/);
    assert.match(text, /clinic "c": opsToken: cannot read .*no-such-token \(ENOENT\)/);
    assert.doesNotMatch(text, /short/, 'a secret is never repeated');
  });

  it('refuses the one-clinic variables beside CLINICS_FILE, and a PUBLIC_URL that is not a URL', () => {
    const file = writeClinics({ clinics: [{ id: 'a', timezone: 'UTC', oscar: { url: 'https://a.example.org', ...secretsByEnv } }] });
    const text = problemsOf({
      ...secretValues, CLINICS_FILE: file, AUTH_MODE: 'smart', SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/certs', SMART_TOKEN_URL: 'https://idp.example.org/t',
      OSCAR_URL: 'https://one.example.org', FHIR_BASE_URL: 'https://x.example.org/fhir', OSCAR_SOAP_PASSWORD_FILE: '/run/secret', PUBLIC_URL: 'fhir.example.org',
    }).join('\n');
    assert.match(text, /OSCAR_URL is one clinic's setting: with CLINICS_FILE it is given per clinic in the file \(oscar\.url\)/);
    assert.match(text, /FHIR_BASE_URL is one clinic's setting: .*PUBLIC_URL\/clinics\/\{id\}\/fhir/);
    assert.match(text, /OSCAR_SOAP_PASSWORD_FILE is one clinic's setting: .*\(oscar\.soapPassword\)/);
    assert.match(text, /PUBLIC_URL must be the absolute http\(s\) URL/);
    assert.match(problemsOf({ CLINICS_FILE: join(dir, 'missing.json') }).join('\n'), /CLINICS_FILE: cannot read .*missing\.json \(ENOENT\)/);
    assert.match(problemsOf({ CLINICS_FILE: writeClinics('{ not json') }).join('\n'), /CLINICS_FILE is not valid JSON/);
  });
});
