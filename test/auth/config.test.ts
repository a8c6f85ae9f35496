// Security configuration: SMART is the default with a real OSCAR and the server refuses to start
// without a way to authenticate clients; clients, issuer, signing key, audit destination and the
// credentials file written by `oscar-fhir connect` are checked with clear messages.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-config-'));
const OSCAR = {
  OSCAR_URL: 'https://emr.example.org/oscar', OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't',
  OSCAR_ACCESS_TOKEN_SECRET: 'ts', OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p',
};
const EC_JWK = { kty: 'EC', crv: 'P-384', x: 'mGWzXpuy0BZj5S2F1vC9ju1cXN0Ys1TvSGtUvQkpd2lFyP4y0q2vZ3G1v8bZ6aEm', y: 'kXWj7v2hAfJnhe4P1oXG2AeQ9yBqL0sRzUFhSnQn5WJ0d4Xl8kH2pGZ3rUkXoYwz' };

function file(name: string, content: string, mode = 0o600): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  chmodSync(f, mode);
  return f;
}

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const clients = file('clients.json', JSON.stringify({ clients: [{ client_id: 'reporter', scope: 'system/Immunization.rs', jwks: { keys: [EC_JWK] } }] }));

describe('security configuration', () => {
  it('keeps AUTH_MODE=none (and no audit) the default with the embedded simulator', () => {
    const c = loadConfig({});
    assert.equal(c.authMode, 'none');
    assert.equal(c.auditLog, 'off');
  });

  it('makes SMART the default with a real OSCAR and refuses to start with no way to authenticate clients', () => {
    const p = problems(OSCAR);
    assert.equal(p.length, 1);
    assert.match(p[0]!, /AUTH_MODE=smart needs a way to authenticate clients: SMART_CLIENTS_FILE .* SMART_ISSUER \+ SMART_JWKS_URL/);
    assert.match(problems({ ...OSCAR, AUTH_MODE: 'none', SMART_CLIENTS_FILE: clients })[0]!, /AUTH_MODE=none is only allowed with the embedded simulator/);
    const c = loadConfig({ ...OSCAR, SMART_CLIENTS_FILE: clients });
    assert.equal(c.authMode, 'smart');
    assert.equal(c.auditLog, 'stdout', 'a real OSCAR is audited by default');
    assert.equal(c.smart.clients[0]!.clientId, 'reporter');
    assert.equal(c.smart.tokenLifetimeSeconds, 300);
  });

  it('refuses to turn the audit trail off in front of a real OSCAR', () => {
    assert.match(problems({ ...OSCAR, SMART_CLIENTS_FILE: clients, AUDIT_LOG: 'off' })[0]!, /AUDIT_LOG=off/);
  });

  it('accepts an external issuer, and wants both its URL and its keys (and a token URL when it is the only way)', () => {
    const c = loadConfig({ ...OSCAR, SMART_ISSUER: 'https://kc.example.org/realms/clinic', SMART_JWKS_URL: 'https://kc.example.org/realms/clinic/protocol/openid-connect/certs', SMART_TOKEN_URL: 'https://kc.example.org/realms/clinic/protocol/openid-connect/token' });
    assert.equal(c.smart.external?.issuer, 'https://kc.example.org/realms/clinic');
    assert.match(problems({ ...OSCAR, SMART_ISSUER: 'https://kc.example.org/realms/clinic' }).join('\n'), /SMART_ISSUER and SMART_JWKS_URL go together/);
    assert.match(problems({ ...OSCAR, SMART_ISSUER: 'https://kc.example.org/realms/clinic', SMART_JWKS_URL: 'https://kc.example.org/certs' }).join('\n'), /SMART_TOKEN_URL is required/);
  });

  it('checks the clients file: system/ scopes only, public keys only, one key source, unique ids', () => {
    const bad = file('bad-clients.json', JSON.stringify({
      clients: [
        { client_id: 'a', scope: 'patient/*.rs', jwks: { keys: [EC_JWK] } },
        { client_id: 'b', scope: 'system/*.rs', jwks: { keys: [{ ...EC_JWK, d: 'private' }] } },
        { client_id: 'c', scope: 'system/*.rs' },
        { client_id: 'c', scope: 'system/*.rs', jwks_uri: 'https://keys.example.org/jwks' },
        { client_id: 'd', scope: 'system/*.rs', jwks_uri: 'http://keys.example.org/jwks' },
      ],
    }));
    const p = problems({ ...OSCAR, SMART_CLIENTS_FILE: bad }).join('\n');
    assert.match(p, /client "a": backend clients get system\/ scopes only/);
    assert.match(p, /client "b": key 0 holds private key material/);
    assert.match(p, /client "c": give exactly one of "jwks" and "jwks_uri"/);
    assert.match(p, /client "c": registered twice/);
    assert.match(p, /client "d": "jwks_uri" must be an https URL/);
    assert.match(problems({ ...OSCAR, SMART_CLIENTS_FILE: file('notjson.json', '{') }).join('\n'), /not valid JSON/);
  });

  it('loads a signing key from SMART_SIGNING_KEY_FILE (P-384 → ES384, RSA → RS384) and refuses others', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const c = loadConfig({ ...OSCAR, SMART_CLIENTS_FILE: clients, SMART_SIGNING_KEY_FILE: file('rsa.pem', rsa) });
    assert.equal(c.smart.signingKey?.alg, 'RS384');
    assert.equal(c.smart.signingKey?.publicJwk.d, undefined, 'only the public key is published');
    assert.deepEqual([c.smart.signingKey?.publicJwk.alg, c.smart.signingKey?.publicJwk.kty, c.smart.signingKey?.publicJwk.use], ['RS384', 'RSA', 'sig']);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    const ec = loadConfig({ ...OSCAR, SMART_CLIENTS_FILE: clients, SMART_SIGNING_KEY_FILE: file('p384.pem', p384) }).smart.signingKey;
    assert.deepEqual([ec?.alg, ec?.publicJwk.alg, ec?.publicJwk.crv, ec?.publicJwk.d], ['ES384', 'ES384', 'P-384', undefined]);
    assert.match(ec?.kid ?? '', /^[A-Za-z0-9_-]{22}$/, 'kid: 22 characters of the SHA-256 of the public key');
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    assert.match(problems({ ...OSCAR, SMART_CLIENTS_FILE: clients, SMART_SIGNING_KEY_FILE: file('rsa1024.pem', rsa1024) }).join('\n'), /at least 2048 bits/);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    assert.match(problems({ ...OSCAR, SMART_CLIENTS_FILE: clients, SMART_SIGNING_KEY_FILE: file('p256.pem', p256) }).join('\n'), /P-384 key \(ES384\) or an RSA key/);
  });

  it('reads OSCAR_CREDENTIALS_FILE for the OSCAR_* values not in the environment, and refuses one others can read', () => {
    const creds = file('creds.json', JSON.stringify(OSCAR));
    const c = loadConfig({ OSCAR_CREDENTIALS_FILE: creds, SMART_CLIENTS_FILE: clients, OSCAR_SOAP_PASSWORD: 'from-env' });
    assert.equal(c.oscar?.url, OSCAR.OSCAR_URL);
    assert.equal(c.oscar?.accessToken, 't');
    assert.equal(c.oscar?.soapPassword, 'from-env', 'the environment wins');
    assert.equal(c.authMode, 'smart', 'an OSCAR from the file is a real OSCAR');
    chmodSync(creds, 0o644);
    assert.match(problems({ OSCAR_CREDENTIALS_FILE: creds, SMART_CLIENTS_FILE: clients })[0]!, /others may read it \(mode 644\): run chmod 600/);
  });
});
