import { randomUUID } from 'node:crypto';
import type { ClinicStore } from '../clinic/store.js';
import type { OAuthAccessTokenRow, OAuthClientRow, OAuthRequestTokenRow } from '../clinic/model.js';

/** contract 2.5: request tokens die one hour after creation; access tokens never expire. */
export const REQUEST_TOKEN_LIFETIME_MS = 3_600_000;

export function findClient(store: ClinicStore, key: string | null): OAuthClientRow | undefined {
  if (key === null) return undefined;
  return store.data.oauthClients.find((c) => c.key === key);
}

/** OscarOAuthDataProvider.getRequestToken: an expired token is deleted and reported missing. */
export function findRequestToken(store: ClinicStore, token: string | null): OAuthRequestTokenRow | null {
  if (token === null) return null;
  const rows = store.data.oauthRequestTokens;
  const i = rows.findIndex((r) => r.token === token);
  const row = rows[i];
  if (!row) return null;
  if (store.now() - row.created > REQUEST_TOKEN_LIFETIME_MS) {
    rows.splice(i, 1);
    return null;
  }
  return row;
}

/** The request-token row without the expiry check (Login2Action's findByTokenId). */
export function rawRequestToken(store: ClinicStore, token: string): OAuthRequestTokenRow | undefined {
  return store.data.oauthRequestTokens.find((r) => r.token === token);
}

export function findAccessToken(store: ClinicStore, token: string | null): OAuthAccessTokenRow | undefined {
  if (token === null) return undefined;
  return store.data.oauthAccessTokens.find((r) => r.token === token);
}

export function createRequestToken(store: ClinicStore, client: OAuthClientRow, callback: string, scopes: string): OAuthRequestTokenRow {
  const row: OAuthRequestTokenRow = {
    clientId: client.id, token: randomUUID(), secret: randomUUID(), callback, verifier: null,
    providerNo: null, scopes, created: store.now(),
  };
  store.data.oauthRequestTokens.push(row);
  return row;
}

/** Exchanges an authorised request token: the access token inherits provider and scopes; the request token is deleted. */
export function exchangeRequestToken(store: ClinicStore, rt: OAuthRequestTokenRow): OAuthAccessTokenRow {
  const at: OAuthAccessTokenRow = {
    clientId: rt.clientId, token: randomUUID(), secret: randomUUID(),
    // contract 2.3: a token approved without a logged-in provider carries none (→ unknown_provider later)
    providerNo: rt.providerNo as string,
    scopes: rt.scopes, issued: Math.floor(store.now() / 1000),
  };
  store.data.oauthAccessTokens.push(at);
  const i = store.data.oauthRequestTokens.indexOf(rt);
  if (i >= 0) store.data.oauthRequestTokens.splice(i, 1);
  return at;
}

/**
 * A provider deleting access tokens on provider/clients.jsp (tokenManage.json
 * `method=deleteAccessToken`, one row at a time; contract 2.5), for each of `providerNo`'s tokens
 * but `keep` (the facade's own service token, when its provider is the same one): the row goes,
 * and OAuthInterceptor refuses the token from then on with the 500 XMLFault `invalid_signature`
 * (contract 2.7). Returns how many went.
 */
export function deleteAccessTokens(store: ClinicStore, providerNo: string, keep?: string): number {
  const rows = store.data.oauthAccessTokens;
  const before = rows.length;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i]!.providerNo === providerNo && rows[i]!.token !== keep) rows.splice(i, 1);
  }
  return before - rows.length;
}
