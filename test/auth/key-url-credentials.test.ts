// A signing-key address with a user name or password in it (docs/proxy.md §5): refused where it is
// configured — a client's jwks_uri in SMART_CLIENTS_FILE, SMART_JWKS_URL, a clinic's
// externalIssuer.jwksUrl — naming the setting, the password in no problem, error text or line the
// server writes. Expected words are written out here, not taken from the code under test.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { loadConfig } from '../../src/config.js';
import { refusal, refusedStart } from '../helpers/config-refusal.js';

const PASSWORD = 'Sekr3t-keys';
const OSCAR = {
  OSCAR_URL: 'https://emr.example.org/oscar', OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't',
  OSCAR_ACCESS_TOKEN_SECRET: 'ts', OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p', LOG_LEVEL: 'silent',
};
const ISSUER = { SMART_ISSUER: 'https://idp.example.org', SMART_TOKEN_URL: 'https://idp.example.org/token' };
const dir = mkdtempSync(join(tmpdir(), 'key-url-'));
const REFUSED = 'SMART_JWKS_URL must not hold a user name or password (user:password@ before the host); signing keys are fetched without credentials';

describe('signing-key addresses with credentials', () => {
  it('SMART_JWKS_URL: refused, naming it, never echoing the user or password', () => {
    for (const url of [`https://ops:${PASSWORD}@idp.example.org/jwks`, `https://${PASSWORD}@idp.example.org/jwks`, `https://:${PASSWORD}@idp.example.org/jwks`]) {
      const e = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, SMART_JWKS_URL: url }));
      assert.deepEqual(e.problems, [REFUSED], url);
      assert.ok(!e.message.includes(PASSWORD) && !e.message.includes('ops:'), e.message);
    }
    // Without credentials: accepted as before.
    assert.equal(loadConfig({ ...OSCAR, ...ISSUER, SMART_JWKS_URL: 'https://idp.example.org/jwks' }).smart.external?.jwksUrl, 'https://idp.example.org/jwks');
  });

  it('an address that is no URL at all is echoed without what precedes its @', () => {
    const e = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, SMART_JWKS_URL: `https://ops:${PASSWORD}/x@idp example.org/jwks` }));
    assert.deepEqual(e.problems, ['SMART_JWKS_URL must be an absolute http(s) URL (got "https://***@idp example.org/jwks")']);
    const bare = refusal(() => loadConfig({ ...OSCAR, ...ISSUER, SMART_JWKS_URL: `ops:${PASSWORD}@idp.example.org/jwks` }));
    assert.ok(!bare.message.includes(PASSWORD), bare.message);
  });

  it('a client\'s jwks_uri in SMART_CLIENTS_FILE: the start refused, the password nowhere', () => {
    const file = join(dir, 'clients.json');
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'reporter', scope: 'system/Immunization.rs', jwks_uri: `https://ops:${PASSWORD}@keys.example.org/jwks` }] }));
    const e = refusal(() => loadConfig({ ...OSCAR, SMART_CLIENTS_FILE: file }));
    assert.deepEqual(e.problems, ['SMART_CLIENTS_FILE: client "reporter": "jwks_uri" must not hold a user name or password (user:password@ before the host); signing keys are fetched without credentials']);
    assert.ok(!e.message.includes(PASSWORD));
  });

  it('a clinic\'s externalIssuer.jwksUrl: in the file\'s terms', () => {
    const file = join(dir, 'clinics.json');
    writeFileSync(file, JSON.stringify({ clinics: [{ id: 'north', timezone: 'America/Toronto',
      oscar: { url: 'https://emr.example.org/oscar', consumerKey: { env: 'K' }, consumerSecret: { env: 'S' }, accessToken: { env: 'T' }, accessTokenSecret: { env: 'TS' }, soapUserName: { env: 'U' }, soapPassword: { env: 'P' } },
      externalIssuer: { issuer: 'https://idp.example.org', jwksUrl: `https://ops:${PASSWORD}@idp.example.org/jwks`, tokenUrl: 'https://idp.example.org/token' } }] }));
    const e = refusal(() => loadClinics({ CLINICS_FILE: file, K: 'k', S: 's', T: 't', TS: 'ts', U: 'u', P: 'p', LOG_LEVEL: 'silent' }));
    assert.deepEqual(e.problems, ['clinic "north": externalIssuer.jwksUrl must not hold a user name or password (user:password@ before the host); signing keys are fetched without credentials']);
    assert.ok(!e.message.includes(PASSWORD));
  });

  it('the server process stops at start-up naming SMART_JWKS_URL, and writes no line with the password', async () => {
    const { code, out } = await refusedStart({ ...OSCAR, ...ISSUER, SMART_JWKS_URL: `https://ops:${PASSWORD}@idp.example.org/jwks`, LOG_LEVEL: 'debug' });
    assert.equal(code, 1, out);
    assert.match(out, /SMART_JWKS_URL must not hold a user name or password/);
    assert.ok(!out.includes(PASSWORD) && !out.includes('ops:'), out);
  });
});
