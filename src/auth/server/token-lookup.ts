// The FHIR API's side of the opaque tokens: who a bearer token belongs to, read from the
// authorization server's store on every request (revocation and grant revocation on refresh-token
// reuse take effect at once; smart §2.4 item 7). oidc-provider's `find` already refuses expired
// and unknown tokens; here the audience must be this FHIR base and the client still registered.
import type Provider from 'oidc-provider';
import type { AuthContext } from '../context.js';
import { parseScopes } from '../scopes.js';

/** Launch context and identity kept on an app's token (extraTokenClaims → `extra`). */
export interface TokenExtra {
  patient?: string;
  fhirUser?: string;
}

export function tokenLookup(provider: Provider, audience: string, isClient: (id: string) => boolean): (token: string) => Promise<AuthContext | undefined> {
  const audiences = new Set([audience, `${audience}/`]);
  return async (value) => {
    // Both kinds are opaque strings of the same shape; an app's access token is tried first.
    const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
    if (!token) return undefined;
    const aud = token.aud;
    if (typeof aud !== 'string' || !audiences.has(aud)) return undefined;
    if (token.clientId === undefined || !isClient(token.clientId)) return undefined;
    const extra = (token.extra ?? {}) as TokenExtra;
    const accountId = 'accountId' in token ? token.accountId : undefined;
    return {
      kind: 'token',
      clientId: token.clientId,
      subject: accountId ?? token.clientId,
      scopes: parseScopes(token.scope ?? '').resource,
      ...(typeof extra.patient === 'string' && { patient: extra.patient }),
      ...(typeof extra.fhirUser === 'string' && { fhirUser: extra.fhirUser }),
      ...(accountId?.startsWith('oscar:') && { oscarProvider: accountId.slice('oscar:'.length) }),
      issuer: 'local',
    };
  };
}
