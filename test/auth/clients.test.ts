// The clients file (SMART_CLIENTS_FILE) as an operator writes it: what each entry registers, and
// the exact words of every problem that keeps the server from starting (src/auth/clients.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSmartClients, parseSmartClients, type SmartClient } from '../../src/auth/clients.js';
import { formatScope } from '../../src/auth/scopes.js';

const EC = { kty: 'EC', crv: 'P-384', x: 'x-coordinate', y: 'y-coordinate', kid: 'k1' };
const RSA = { kty: 'RSA', n: 'modulus', e: 'AQAB', kid: 'k2' };
const SECRET = 's'.repeat(32);
const W = 'SMART_CLIENTS_FILE: client';

/** The problems one entry yields. */
function problemsOf(entry: unknown): string[] {
  const problems: string[] = [];
  parseSmartClients({ clients: [entry] }, problems);
  return problems;
}

/** The one entry, registered without a problem, in a form that reads like the file. */
function registered(entry: unknown): Record<string, unknown> {
  const problems: string[] = [];
  const [c] = parseSmartClients({ clients: [entry] }, problems);
  assert.deepEqual(problems, []);
  const { scopes, ...rest } = c as SmartClient;
  return { ...rest, scopes: scopes.map(formatScope) };
}

const backend = (o: Record<string, unknown>): Record<string, unknown> => ({ client_id: 'reporter', scope: 'system/Immunization.rs', jwks: { keys: [EC] }, ...o });
const app = (o: Record<string, unknown>): Record<string, unknown> => ({ client_id: 'chart', redirect_uris: ['https://app.example/cb'], scope: 'patient/*.rs', ...o });

describe('clients file: Backend Services clients', () => {
  it('registers a client with its keys or its key URL', () => {
    assert.deepEqual(registered(backend({ name: 'Public health', scope: 'system/Patient.rs system/Immunization.read' })), {
      clientId: 'reporter', name: 'Public health', kind: 'backend', otherScopes: [], authMethod: 'private_key_jwt',
      redirectUris: [], trustedEhrLaunch: false, jwks: { keys: [EC] }, scopes: ['system/Patient.rs', 'system/Immunization.rs'],
    });
    for (const [uri, kept] of [['https://Keys.example.org/jwks', 'https://keys.example.org/jwks'], ['http://localhost:8080/jwks', 'http://localhost:8080/jwks'],
      ['http://127.0.0.1/jwks', 'http://127.0.0.1/jwks'], ['http://[::1]/jwks', 'http://[::1]/jwks']]) {
      assert.equal(registered(backend({ jwks: undefined, jwks_uri: uri })).jwksUri, kept, uri);
    }
    assert.equal(registered(backend({ jwks: { keys: [RSA, EC] } })).name, undefined, 'no name');
  });

  it('names each problem', () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [backend({ scope: 'system/Patient.rs user/Patient.rs openid bogus' }), [`${W} "reporter": backend clients get system/ scopes only (not user/Patient.rs, openid, bogus)`]],
      [backend({ scope: 'openid' }), [`${W} "reporter": backend clients get system/ scopes only (not openid)`, `${W} "reporter": "scope" must list the system/ scopes it may be granted, e.g. "system/Patient.rs"`]],
      [backend({ scope: 'system/Patient.rs bogus' }), [`${W} "reporter": backend clients get system/ scopes only (not bogus)`]],
      [backend({ scope: 42 }), [`${W} "reporter": "scope" must list the system/ scopes it may be granted, e.g. "system/Patient.rs"`]],
      [backend({ jwks_uri: 'https://keys.example.org/jwks' }), [`${W} "reporter": give exactly one of "jwks" and "jwks_uri"`]],
      [backend({ jwks: undefined }), [`${W} "reporter": give exactly one of "jwks" and "jwks_uri"`]],
      [backend({ jwks: undefined, jwks_uri: 'http://keys.example.org/jwks' }), [`${W} "reporter": "jwks_uri" must be an https URL (http only for localhost)`]],
      [backend({ jwks: undefined, jwks_uri: 'ftp://localhost/jwks' }), [`${W} "reporter": "jwks_uri" must be an https URL (http only for localhost)`]],
      [backend({ jwks: undefined, jwks_uri: '/jwks' }), [`${W} "reporter": "jwks_uri" must be an https URL (http only for localhost)`]],
      // docs/proxy.md §5: a key address with credentials, refused without repeating them.
      ...['https://ops:Sekr3t-keys@keys.example.org/jwks', 'https://Sekr3t-keys@keys.example.org/jwks', 'https://:Sekr3t-keys@keys.example.org/jwks', 'http://ops:Sekr3t-keys@localhost:8080/jwks']
        .map((uri): [Record<string, unknown>, string[]] => [backend({ jwks: undefined, jwks_uri: uri }),
          [`${W} "reporter": "jwks_uri" must not hold a user name or password (user:password@ before the host); signing keys are fetched without credentials`]]),
      [backend({ jwks: { keys: [] } }), [`${W} "reporter": "jwks" must be {"keys": [ … ]} with at least one key`]],
      [backend({ jwks: null }), [`${W} "reporter": "jwks" must be {"keys": [ … ]} with at least one key`]],
      [backend({ jwks: { keys: EC } }), [`${W} "reporter": "jwks" must be {"keys": [ … ]} with at least one key`]],
      [backend({ jwks: { keys: [EC, { kty: 'oct', k: 'c2VjcmV0' }, null, 'RSA'] } }),
        [`${W} "reporter": key 1 must be an RSA or EC public JWK`, `${W} "reporter": key 2 must be an RSA or EC public JWK`, `${W} "reporter": key 3 must be an RSA or EC public JWK`]],
      ...['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].map((m): [Record<string, unknown>, string[]] =>
        [backend({ jwks: { keys: [RSA, { ...RSA, [m]: 'secret' }] } }), [`${W} "reporter": key 1 holds private key material; register only the public key`]]),
    ];
    for (const [entry, expected] of cases) assert.deepEqual(problemsOf(entry), expected, JSON.stringify(entry));
  });

  it('client ids: 1-128 characters of the unreserved set, each once', () => {
    const rule = '"client_id" must be 1-128 characters of A-Z a-z 0-9 . _ ~ : -';
    assert.deepEqual(problemsOf(backend({ client_id: 'a.b_c~d:e-F9' })), []);
    assert.deepEqual(problemsOf(backend({ client_id: 'x'.repeat(128) })), []);
    assert.deepEqual(problemsOf(backend({ client_id: 'x'.repeat(129) })), [`${W} "${'x'.repeat(129)}": ${rule}`]);
    assert.deepEqual(problemsOf(backend({ client_id: 'two words' })), [`${W} "two words": ${rule}`]);
    assert.deepEqual(problemsOf(backend({ client_id: '' })), [`${W} #1: ${rule}`]);
    assert.deepEqual(problemsOf(backend({ client_id: 7 })), [`${W} #1: ${rule}`]);
    const problems: string[] = [];
    const out = parseSmartClients({ clients: [backend({}), null, backend({ name: 'again' })] }, problems);
    assert.deepEqual(problems, [`${W} #2: ${rule}`, `${W} "reporter": registered twice`]);
    assert.deepEqual(out.map((c) => c.name), [undefined], 'the first registration stands');
  });

  it('the file: {"clients": [...]} or a bare list', () => {
    const problems: string[] = [];
    assert.equal(parseSmartClients([backend({})], problems).length, 1);
    for (const json of [null, {}, { clients: {} }, 'clients']) assert.deepEqual(parseSmartClients(json, problems), []);
    assert.deepEqual(problems, Array(4).fill('SMART_CLIENTS_FILE: expected {"clients": [ … ]}'));
    const other: string[] = [];
    parseSmartClients({}, other, 'CLINICS_FILE: clinic "east"');
    assert.deepEqual(other, ['CLINICS_FILE: clinic "east": expected {"clients": [ … ]}']);
  });

  it('reads the file, or says why it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clients-'));
    const good = join(dir, 'clients.json');
    writeFileSync(good, JSON.stringify({ clients: [backend({})] }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"clients": [');
    const problems: string[] = [];
    assert.deepEqual(loadSmartClients(good, problems).map((c) => c.clientId), ['reporter']);
    assert.deepEqual(loadSmartClients(join(dir, 'missing.json'), problems), []);
    assert.deepEqual(loadSmartClients(bad, problems), []);
    assert.deepEqual(problems, [`SMART_CLIENTS_FILE: cannot read ${join(dir, 'missing.json')} (ENOENT)`, `SMART_CLIENTS_FILE: ${bad} is not valid JSON`]);
  });
});

describe('clients file: SMART apps', () => {
  it('registers an app: exact redirect URIs, launch URL, identity scopes apart', () => {
    assert.deepEqual(registered(app({
      name: 'Growth chart', redirect_uris: ['https://App.example/cb?x=1', 'http://localhost:3000/cb'], launch_uri: 'https://App.example/launch',
      scope: 'launch launch/patient openid fhirUser profile online_access patient/*.rs user/Observation.read',
    })), {
      clientId: 'chart', name: 'Growth chart', kind: 'app', authMethod: 'none', trustedEhrLaunch: false,
      redirectUris: ['https://App.example/cb?x=1', 'http://localhost:3000/cb'], launchUri: 'https://App.example/launch',
      otherScopes: ['launch', 'launch/patient', 'openid', 'fhirUser', 'profile', 'online_access'], scopes: ['patient/*.rs', 'user/Observation.rs'],
    });
    assert.deepEqual(registered(app({ token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET, scope: 'offline_access user/*.rs', trusted_ehr_launch: true })), {
      clientId: 'chart', kind: 'app', authMethod: 'client_secret_basic', secret: SECRET, trustedEhrLaunch: true,
      redirectUris: ['https://app.example/cb'], otherScopes: ['offline_access'], scopes: ['user/*.rs'],
    });
    assert.equal(registered(app({ token_endpoint_auth_method: 'client_secret_post', client_secret: SECRET })).secret, SECRET);
    assert.equal(registered(app({ trusted_ehr_launch: false })).trustedEhrLaunch, false);
    const keyed = registered(app({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [RSA] } }));
    assert.deepEqual([keyed.authMethod, keyed.jwks, keyed.jwksUri], ['private_key_jwt', { keys: [RSA] }, undefined]);
    const byUri = registered(app({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }));
    assert.deepEqual([byUri.jwks, byUri.jwksUri], [undefined, 'https://app.example/jwks']);
  });

  it('names each problem', () => {
    const methods = 'none, client_secret_basic, client_secret_post, private_key_jwt';
    const cases: [Record<string, unknown>, string[]][] = [
      [app({ redirect_uris: [] }), [`${W} "chart": "redirect_uris" must list at least one URL`]],
      [app({ redirect_uris: 'https://app.example/cb' }), [`${W} "chart": "redirect_uris" must list at least one URL`]],
      [app({ redirect_uris: ['https://app.example/cb#top', 'http://app.example/cb', '/cb', 'https://app.example/ok'] }), [
        `${W} "chart": a redirect URI has no fragment (https://app.example/cb#top)`,
        `${W} "chart": redirect URIs must be https (http only for localhost): http://app.example/cb`,
        `${W} "chart": "/cb" is not an absolute URL`,
      ]],
      [app({ launch_uri: 'http://app.example/launch' }), [`${W} "chart": redirect URIs must be https (http only for localhost): http://app.example/launch`]],
      // Sent to the user's browser: credentials refused, and shown as *** in every message.
      [app({ redirect_uris: ['https://ops:s3cret@app.example/cb', 'https://:s3cret@app.example/cb', 'https://ops@app.example/cb'] }), [
        `${W} "chart": a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (https://***@app.example/cb)`,
        `${W} "chart": a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (https://***@app.example/cb)`,
        `${W} "chart": a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (https://***@app.example/cb)`,
      ]],
      [app({ launch_uri: 'https://ops:s3cret@app.example/launch' }), [`${W} "chart": a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (https://***@app.example/launch)`]],
      [app({ redirect_uris: ['http://ops:s3cret@app.example/cb', 'https://ops:s3cret@app.example/cb#top', 'ops:s3/cret@app.example/cb'] }), [
        `${W} "chart": a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (http://***@app.example/cb)`,
        `${W} "chart": a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (https://***@app.example/cb#top)`,
        // Read as a URL of scheme 'ops:'; the rest up to the '@' hidden all the same.
        `${W} "chart": redirect URIs must be https (http only for localhost): ***@app.example/cb`,
      ]],
      [app({ redirect_uris: ['//ops:s3cret@app.example/cb'] }), [`${W} "chart": "***@app.example/cb" is not an absolute URL`]],
      [app({ token_endpoint_auth_method: 'tls_client_auth' }), [`${W} "chart": "token_endpoint_auth_method" must be one of ${methods}`]],
      [app({ token_endpoint_auth_method: 'client_secret_basic', client_secret: 's'.repeat(31) }), [`${W} "chart": "client_secret" must be at least 32 characters`]],
      [app({ token_endpoint_auth_method: 'client_secret_post' }), [`${W} "chart": "client_secret" must be at least 32 characters`]],
      [app({ client_secret: SECRET }), [`${W} "chart": "client_secret" is only for client_secret_basic or client_secret_post`]],
      [app({ token_endpoint_auth_method: 'private_key_jwt', client_secret: SECRET, jwks: { keys: [EC] } }), [`${W} "chart": "client_secret" is only for client_secret_basic or client_secret_post`]],
      [app({ token_endpoint_auth_method: 'private_key_jwt' }), [`${W} "chart": give exactly one of "jwks" and "jwks_uri"`]],
      [app({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC] }, jwks_uri: 'https://app.example/jwks' }), [`${W} "chart": give exactly one of "jwks" and "jwks_uri"`]],
      [app({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...EC, d: 'private' }] } }), [`${W} "chart": key 0 holds private key material; register only the public key`]],
      [app({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://app.example/jwks' }), [`${W} "chart": "jwks_uri" must be an https URL (http only for localhost)`]],
      [app({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app:Sekr3t-keys@app.example/jwks' }), [`${W} "chart": "jwks_uri" must not hold a user name or password (user:password@ before the host); signing keys are fetched without credentials`]],
      [app({ trusted_ehr_launch: 'yes' }), [`${W} "chart": "trusted_ehr_launch" must be true or false`]],
      [app({ scope: 'patient/*.rs system/Patient.rs system/*.read' }), [`${W} "chart": apps get patient/ and user/ scopes, not system/Patient.rs, system/*.rs (system/ scopes are for Backend Services clients)`]],
      [app({ scope: 'patient/*.rs email patient/Observation.rs?category=vital-signs' }), [`${W} "chart": unknown scopes email, patient/Observation.rs?category=vital-signs`]],
      [app({ scope: 'openid launch' }), [`${W} "chart": "scope" must list the patient/ or user/ scopes it may be granted, e.g. "patient/*.rs"`]],
      [app({ scope: undefined }), [`${W} "chart": "scope" must list the patient/ or user/ scopes it may be granted, e.g. "patient/*.rs"`]],
      [app({ scope: 'offline_access patient/*.rs' }), [`${W} "chart": offline_access is for confidential clients only (a public client gets online_access)`]],
    ];
    for (const [entry, expected] of cases) assert.deepEqual(problemsOf(entry), expected, JSON.stringify(entry));
  });
});
