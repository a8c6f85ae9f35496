// The key this server signs its access tokens with: loaded from SMART_SIGNING_KEY_FILE (a PKCS#8
// or SEC1/PKCS#1 PEM private key, P-384 EC → ES384 or RSA ≥ 2048 bits → RS384), or generated at
// start-up (ES384). A generated key dies with the process — tokens from before a restart stop
// working — unless the state is shared (STATE_DATABASE_URL): then the first instance's key is kept
// there and every instance adopts it (sharedSigningKey).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import type { DocumentStore } from '../state/index.js';

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

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return describe(privateKey);
}

/**
 * The key every instance sharing `documents` signs with: the one already kept there, else
 * `generated` (kept for the next). The private key is stored as PKCS#8 PEM: whoever can read the
 * state store can mint tokens, as with the key file (README, Security).
 */
export async function sharedSigningKey(documents: DocumentStore, generated: SigningKey): Promise<SigningKey> {
  const mine = generated.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const kept = await documents.putIfAbsent('signing-key', 'access-tokens', { pem: mine });
  return kept.pem === mine ? generated : describe(createPrivateKey(kept.pem));
}
