// The authorization server's signing key: an RSA key for id_tokens, which SMART requires to be
// RS256 (smart §1.5). SMART_SIGNING_KEY_FILE's key is used when it is RSA; otherwise one is made
// at start-up and kept in the facade state, so every instance sharing it (STATE_DATABASE_URL)
// signs with the first instance's key and apps can verify id_tokens whichever instance issued them.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { DocumentStore } from '../../state/index.js';
import type { SigningKey } from '../signing-key.js';

function rs256Jwk(privateKey: KeyObject): JWK {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const kid = createHash('sha256').update(der).digest('base64url').slice(0, 22);
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };
}

/**
 * Private JWKs for oidc-provider (its JWKS endpoint publishes only their public halves). A kept
 * key is stored as PKCS#8 PEM: whoever can read the state store can sign id_tokens, as with the
 * key file (README, Security).
 */
export async function serverKeys(configured: SigningKey | undefined, documents: DocumentStore): Promise<JWK[]> {
  if (configured?.privateKey.asymmetricKeyType === 'rsa') return [rs256Jwk(configured.privateKey)];
  const mine = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const kept = await documents.putIfAbsent('signing-key', 'id-tokens', { pem: mine });
  return [rs256Jwk(createPrivateKey(kept.pem))];
}

/** The keys oidc-provider signs its interaction and session cookies with, kept in the state like the signing key. */
export async function cookieKeys(documents: DocumentStore): Promise<string[]> {
  const kept = await documents.putIfAbsent('signing-key', 'cookies', { keys: [randomBytes(32).toString('base64url')] });
  return kept.keys;
}
