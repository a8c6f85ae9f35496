import type { ClinicStore } from '../clinic/store.js';
import { extractOAuthParameters, isOAuth1Request } from './header.js';
import type { ServletRequestView } from './request-view.js';
import { SignatureRejected, verifySignature, type TokenSecrets } from './signature.js';
import { findAccessToken, findClient, findRequestToken } from './tokens.js';

/** What OAuthInterceptor decided for a /ws/services call. */
export type GuardOutcome =
  | { kind: 'not-oauth' } // passes through; the resource falls back to the session (contract 1.5)
  | { kind: 'authenticated'; providerNo: string; scopes: string }
  | { kind: 'fault'; code: string }; // OAuth1Exception code, rendered as an HTTP 500 XMLFault

export function tokenSecretsOf(store: ClinicStore): TokenSecrets {
  return {
    requestTokenSecret: (t) => findRequestToken(store, t)?.secret ?? null,
    accessTokenSecret: (t) => findAccessToken(store, t)?.secret ?? null,
  };
}

/** OAuthInterceptor.handleMessage (contract 2.3 step 4), in its exact order of checks. */
export function guardResourceCall(store: ClinicStore, view: ServletRequestView): GuardOutcome {
  if (!isOAuth1Request(view)) return { kind: 'not-oauth' };
  try {
    const oauth = extractOAuthParameters(view);
    const consumerKey = oauth.get('oauth_consumer_key');
    const token = oauth.get('oauth_token');
    if (!consumerKey) return { kind: 'fault', code: 'missing_consumer_key' };
    if (!token) return { kind: 'fault', code: 'missing_access_token' };
    const client = findClient(store, consumerKey);
    if (!client) return { kind: 'fault', code: 'invalid_consumer' };
    // contract 2.4: the token's owning client is never compared with the consumer
    const signedToken = verifySignature(view, client.secret, tokenSecretsOf(store), Math.floor(store.now() / 1000));
    if (signedToken !== token) return { kind: 'fault', code: 'invalid_signature' };
    const at = findAccessToken(store, token);
    const providerNo = at?.providerNo ?? null;
    if (providerNo === null || !store.provider(providerNo)) return { kind: 'fault', code: 'unknown_provider' };
    return { kind: 'authenticated', providerNo, scopes: at?.scopes ?? '' };
  } catch (e) {
    if (e instanceof SignatureRejected) return { kind: 'fault', code: 'invalid_signature' };
    return { kind: 'fault', code: 'oauth_authentication_failed' };
  }
}
