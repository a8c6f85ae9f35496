// SMART_SIGNING_KEY_FILE: which keys are taken (P-384 → ES384, RSA of 2048 bits or more → RS384),
// the key id published at the JWKS endpoint (the first 22 characters of the base64url SHA-256 of
// the public key's SPKI form), and the words an operator reads for a key that is refused.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSigningKey } from '../../src/auth/signing-key.js';

const dir = mkdtempSync(join(tmpdir(), 'signing-key-'));
let n = 0;
const pemFile = (privateKey: KeyObject, type: 'pkcs8' | 'sec1' | 'pkcs1' = 'pkcs8'): string => {
  const file = join(dir, `key-${++n}.pem`);
  writeFileSync(file, privateKey.export({ format: 'pem', type } as never));
  return file;
};
const kidOf = (privateKey: KeyObject): string =>
  createHash('sha256').update(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })).digest('base64url').slice(0, 22);
const REFUSED = 'the signing key must be an EC P-384 key (ES384) or an RSA key of at least 2048 bits (RS384)';

describe('the signing key file', () => {
  it('takes a P-384 key as ES384 and publishes only its public half', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    for (const type of ['pkcs8', 'sec1'] as const) {
      const key = loadSigningKey(pemFile(privateKey, type));
      assert.equal(key.alg, 'ES384');
      assert.equal(key.kid, kidOf(privateKey));
      assert.equal(key.kid.length, 22);
      const { x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
      assert.deepEqual(key.publicJwk, { kty: 'EC', crv: 'P-384', x, y, kid: key.kid, alg: 'ES384', use: 'sig' });
      assert.equal(key.publicKey.type, 'public');
      assert.equal(key.privateKey.type, 'private');
    }
  });

  it('takes an RSA key of exactly 2048 bits as RS384, refuses 2047', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = loadSigningKey(pemFile(privateKey, 'pkcs1'));
    assert.deepEqual([key.alg, key.kid, key.publicJwk.kty, key.publicJwk.use, 'd' in key.publicJwk], ['RS384', kidOf(privateKey), 'RSA', 'sig', false]);
    const short = generateKeyPairSync('rsa', { modulusLength: 2047 }).privateKey;
    assert.throws(() => loadSigningKey(pemFile(short)), { message: REFUSED });
  });

  it('refuses other curves and key types', () => {
    for (const privateKey of [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, generateKeyPairSync('ed25519').privateKey]) {
      assert.throws(() => loadSigningKey(pemFile(privateKey)), { message: REFUSED }, privateKey.asymmetricKeyType);
    }
  });

  it('says when the file cannot be read or holds no private key', () => {
    const missing = join(dir, 'missing.pem');
    assert.throws(() => loadSigningKey(missing), { message: `cannot read ${missing} (ENOENT)` });
    const publicOnly = join(dir, 'public.pem');
    writeFileSync(publicOnly, createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey).export({ format: 'pem', type: 'spki' }));
    assert.throws(() => loadSigningKey(publicOnly), { message: `${publicOnly} does not hold a PEM private key` });
  });
});
