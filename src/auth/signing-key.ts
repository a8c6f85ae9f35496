// SMART_SIGNING_KEY_FILE: a PKCS#8 or SEC1/PKCS#1 PEM private key (P-384 EC → ES384 or RSA ≥ 2048
// bits → RS384), checked at start-up. An RSA key signs the authorization server's id_tokens
// (src/auth/server/keys.ts); without one, a key made at start-up dies with the process.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';

export interface SigningKey {
  alg: 'ES384' | 'RS384';
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as published at the JWKS endpoint. */
  publicJwk: JWK;
}

function describe(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const type = privateKey.asymmetricKeyType;
  let alg: SigningKey['alg'];
  if (type === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'secp384r1') alg = 'ES384';
  else if (type === 'rsa' && (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) alg = 'RS384';
  else throw new Error('the signing key must be an EC P-384 key (ES384) or an RSA key of at least 2048 bits (RS384)');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const kid = createHash('sha256').update(der).digest('base64url').slice(0, 22);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return { alg, kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/** Reads a PEM private key; throws an Error whose message names the problem (for ConfigError). */
export function loadSigningKey(file: string): SigningKey {
  let pem: string;
  try { pem = readFileSync(file, 'utf8'); } catch (e) {
    throw new Error(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let key: KeyObject;
  try { key = createPrivateKey(pem); } catch {
    throw new Error(`${file} does not hold a PEM private key`);
  }
  return describe(key);
}
