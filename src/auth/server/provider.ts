// The facade's own SMART authorization server (smart §2, §5): oidc-provider with the issuer at
// the FHIR base, so OpenID discovery (`{base}/.well-known/openid-configuration`) and SMART
// discovery sit side by side and one token format serves Backend Services and SMART apps.
// Access tokens are opaque (introspectable and revocable: smart §2.4 item 7); the FHIR API finds
// them in the store (token-lookup.ts). The SMART adaptations of smart §2.4 live here and in
// token-response.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import type { JWK } from 'jose';
import type { SmartClient } from '../clients.js';
import { formatScope, intersectScopes, parseScopes } from '../scopes.js';
import { adapterFactory } from './adapter.js';
import { smartAuthorizeRequests } from './authorize-requests.js';
import { stateOutageAnswers } from './state-outage.js';
import { smartTokenResponses } from './token-response.js';
import type { DocumentStore } from '../../state/index.js';

/** Paths below the FHIR base (smart §5.1): lower-case, so they never collide with a resource type. */
export const AUTH_ROUTES = {
  authorization: '/auth/authorize',
  token: '/auth/token',
  jwks: '/auth/jwks',
  introspection: '/auth/introspect',
  revocation: '/auth/revoke',
  userinfo: '/auth/userinfo',
  end_session: '/auth/logout',
} as const;

/** The style an app may follow to look at home (smart §1.4 smart_style_url; its JSON must change URL when it changes). */
export const SMART_STYLE_PATH = '/auth/smart-style-v1.json';

/** SMART Backend Services and client-confidential-asymmetric: assertions signed RS384 or ES384 (smart §1.3). */
export const ASSERTION_ALGORITHMS: ('RS384' | 'ES384')[] = ['RS384', 'ES384'];
/** An assertion's exp is at most five minutes ahead (smart §1.3). */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_TOLERANCE_S = 5;

/** Scopes that are not resource scopes (SMART words and OIDC): the Grant's OIDC part. */
export const SMART_WORDS = ['openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'offline_access', 'online_access'];

/** Where a grant's GrantContext is kept (document kind, keyed by grantId). */
export const CONTEXT_KIND = 'smart-context';

/** How long a consent lasts (offline_access refresh tokens live as long). */
export const GRANT_TTL_S = 30 * 86_400;

/** What the consent decided for one grant, read when its tokens are issued (smart §5.1 "grant context"). */
export interface GrantContext {
  patient?: string;
  needPatientBanner?: boolean;
  intent?: string;
  launchId?: string;
}

export interface AuthorizationServerOptions {
  /** FHIR_BASE_URL: the issuer, and the only audience (`aud`, resource) of the tokens. */
  issuer: string;
  clients: readonly SmartClient[];
  documents: DocumentStore;
  /** Private JWKs (with kid and alg): an RS256 key for id_tokens comes first. */
  keys: JWK[];
  accessTokenSeconds: number;
  /** Keys for the signed interaction and session cookies. */
  cookieKeys: string[];
  /** Whether the public base URL is https (cookies then carry Secure). */
  https: boolean;
  /** The grant's launch context (patient…), or undefined. */
  grantContext(grantId: string): Promise<GrantContext | undefined>;
  /**
   * Whether OSCAR still accepts this provider's sign-in (asked on every refresh: smart §5.2 D);
   * throws OscarUnreachable when OSCAR cannot say. Absent: refreshes ask nobody.
   */
  stillSignedIn?(providerNo: string): Promise<boolean>;
  /** Checks an EHR launch id for this client at the authorization endpoint; throws InvalidRequest when unusable. */
  checkLaunch?(ctx: KoaContextWithOIDC, launch: string, clientId: string): Promise<void>;
  /** How a client's jwks_uri is fetched (egress-fetch.ts: the environment's proxy); default Node's fetch. */
  fetch?: typeof fetch;
}

/** Origins of an app's redirect URIs: where its browser code runs (CORS at the token endpoint). */
function originsOf(client: SmartClient): Set<string> {
  return new Set(client.redirectUris.map((u) => new URL(u).origin));
}

/**
 * The registry allows a jwks_uri over http on localhost (development, tests); oidc-provider's
 * client metadata insists on https. Such a URL is registered under its https spelling, and the
 * fetch hook below takes the registered http URL instead, without oidc-provider's guard against
 * loopback and private addresses (kept for every other URL): the administrator named this one.
 */
function registeredJwksUri(uri: string, loopbackHttp: Map<string, string>): string {
  if (!uri.startsWith('http:')) return uri;
  const alias = `https:${uri.slice('http:'.length)}`;
  loopbackHttp.set(alias, uri);
  return alias;
}

function metadataOf(c: SmartClient, loopbackHttp: Map<string, string>): ClientMetadata {
  const keys = c.jwks ? { jwks: c.jwks as ClientMetadata['jwks'] } : c.jwksUri ? { jwks_uri: registeredJwksUri(c.jwksUri, loopbackHttp) } : {};
  if (c.kind === 'backend') {
    return {
      client_id: c.clientId, ...(c.name && { client_name: c.name }), grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt', ...keys,
    };
  }
  return {
    client_id: c.clientId, ...(c.name && { client_name: c.name }), grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    redirect_uris: c.redirectUris, token_endpoint_auth_method: c.authMethod, ...(c.secret && { client_secret: c.secret }), ...keys,
  };
}

/**
 * The requested resource scopes an app may have, word for word as requested (v1 stays v1:
 * smart §1.9): each one whose permissions its registration covers. Others are dropped.
 */
export function appScopeOf(client: SmartClient, requested: string): string[] {
  return requested.split(' ').filter((w) => {
    const parsed = parseScopes(w).resource;
    if (parsed.length !== 1) return false;
    const covered = intersectScopes(parsed, client.scopes);
    return covered.length === 1 && covered[0]!.perms.size === parsed[0]!.perms.size && (covered[0]!.type === parsed[0]!.type);
  });
}

/** The granted system/ scopes of a client_credentials request: the request narrowed to the registration, never widened. */
export function backendScopeOf(client: SmartClient, requested: string): string {
  const wanted = parseScopes(requested).resource.filter((s) => s.context === 'system');
  return intersectScopes(wanted, client.scopes).map(formatScope).join(' ');
}

export interface AuthorizationServer {
  provider: Provider;
  /** Handles a request below the FHIR base whose path is one of the server's; false = not ours. */
  handles(pathBelowBase: string): boolean;
  /** The Node request handler of oidc-provider (mount below the FHIR base path). */
  callback: (req: IncomingMessage, res: ServerResponse) => void;
  clients: ReadonlyMap<string, SmartClient>;
}

export function createAuthorizationServer(opts: AuthorizationServerOptions): AuthorizationServer {
  const clients = new Map(opts.clients.map((c) => [c.clientId, c]));
  const audiences = new Set([opts.issuer, `${opts.issuer}/`]);
  const tokenUrl = `${opts.issuer}${AUTH_ROUTES.token}`;
  const loopbackHttp = new Map<string, string>();

  const configuration: Configuration = {
    adapter: adapterFactory(opts.documents),
    clients: opts.clients.map((c) => metadataOf(c, loopbackHttp)),
    fetch(url, init) {
      const outbound = opts.fetch ?? globalThis.fetch;
      const local = loopbackHttp.get(String(url));
      if (local === undefined) return outbound(url, init);
      const { dispatcher: _guard, ...rest } = init as RequestInit & { dispatcher?: unknown };
      return outbound(local, rest);
    },
    jwks: { keys: opts.keys as NonNullable<Configuration['jwks']>['keys'] },
    routes: AUTH_ROUTES,
    cookies: {
      keys: opts.cookieKeys,
      // POST authorization is turned into a GET (authorize-requests.ts), so Lax suffices everywhere.
      long: { httpOnly: true, sameSite: 'lax', secure: opts.https },
      short: { httpOnly: true, sameSite: 'lax', secure: opts.https },
    },
    clockTolerance: CLOCK_TOLERANCE_S,
    enabledJWA: { clientAuthSigningAlgValues: ASSERTION_ALGORITHMS, idTokenSigningAlgValues: ['RS256'] },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    pkce: { required: () => true },
    responseTypes: ['code'],
    scopes: SMART_WORDS,
    claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
    // fhirUser goes in the id_token itself (there is no userinfo endpoint): smart §1.5.
    conformIdTokenClaims: false,
    extraParams: {
      // smart §1.2: aud is required and must name this FHIR base (a trailing slash aside).
      aud(_ctx, value) {
        if (typeof value !== 'string' || !audiences.has(value)) throw new errors.InvalidRequest('aud must be this FHIR server\'s base URL');
      },
      async launch(ctx, value, client) {
        if (value === undefined) return;
        if (!opts.checkLaunch) throw new errors.InvalidRequest('this server has no EHR launch');
        await opts.checkLaunch(ctx, String(value), client.clientId);
      },
    },
    async findAccount(ctx, id, token) {
      const providerNo = id.startsWith('oscar:') ? id.slice('oscar:'.length) : undefined;
      // A refresh re-checks the user with OSCAR before anything is spent: a token withdrawn in OSCAR
      // (contract 2.5) ends the grant; OSCAR not answering is a 503, the refresh token kept.
      if (providerNo && opts.stillSignedIn && ctx.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token'
        && !(await opts.stillSignedIn(providerNo))) {
        const grantId = token && 'grantId' in token ? token.grantId : undefined;
        if (grantId) await Promise.all([provider.Grant.adapter.destroy(grantId), opts.documents.deleteBy('grantId', grantId)]);
        throw new errors.InvalidGrant('the user\'s OSCAR sign-in was withdrawn in OSCAR or has expired: sign in again');
      }
      return {
        accountId: id,
        claims: () => ({ sub: id, ...(providerNo && { fhirUser: `Practitioner/${providerNo}` }) }),
      };
    },
    async extraTokenClaims(_ctx, token) {
      const grantId = 'grantId' in token ? token.grantId : undefined;
      const c = grantId ? await opts.grantContext(grantId) : undefined;
      const accountId = 'accountId' in token ? token.accountId : undefined;
      const providerNo = accountId?.startsWith('oscar:') ? accountId.slice('oscar:'.length) : undefined;
      return {
        ...(c?.patient && { patient: c.patient, need_patient_banner: c.needPatientBanner !== false }),
        ...(providerNo && { fhirUser: `Practitioner/${providerNo}` }),
      };
    },
    // smart §2.4 item 1: oidc-provider drops offline_access without prompt=consent, which SMART apps
    // never send; the Grant the consent built says which refresh the app may have.
    issueRefreshToken(ctx, client) {
      if (!client.grantTypeAllowed('refresh_token')) return false;
      const oidc = ctx.oidc.entities.Grant?.getOIDCScope().split(' ') ?? [];
      return oidc.includes('offline_access') || oidc.includes('online_access');
    },
    // online_access refresh tokens die with the sign-in session; offline_access ones do not (smart §5.2 D).
    expiresWithSession(ctx) {
      return !(ctx.oidc.entities.Grant?.getOIDCScope().split(' ') ?? []).includes('offline_access');
    },
    rotateRefreshToken: true,
    interactions: { url: (_ctx, interaction) => `${new URL(opts.issuer).pathname.replace(/\/$/, '')}/auth/interaction/${interaction.uid}` },
    // smart §1.3: a client assertion names the token endpoint and lives at most five minutes.
    assertJwtClientAuthClaimsAndHeader(_ctx, claims) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(tokenUrl)) throw new errors.InvalidClientAuth('client_assertion audience (aud) must be the token endpoint URL');
      if (typeof claims.exp === 'number' && claims.exp > Math.floor(Date.now() / 1000) + MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) {
        throw new errors.InvalidClientAuth('client_assertion exp is more than 5 minutes in the future');
      }
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Any registered client may introspect (Inferno authenticates as the app), but only its own
        // tokens: another client's token answers active=false. (`client` is the authenticated one.)
        allowedPolicy: (_ctx, client, token) => !('clientId' in token) || token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => opts.issuer,
        useGrantedResource: () => true,
        getResourceServerInfo(ctx: KoaContextWithOIDC, resource: string, client): ResourceServer {
          if (!audiences.has(resource)) throw new errors.InvalidTarget('the only resource (aud) here is this FHIR base');
          const registered = clients.get(client.clientId);
          if (!registered) throw new errors.InvalidClient('unknown client');
          if (registered.kind === 'backend') {
            const scope = backendScopeOf(registered, String(ctx.oidc.params?.scope ?? ''));
            if (scope === '') throw new errors.InvalidScope('none of the requested scopes is allowed for this client (backend clients get system/ scopes)', String(ctx.oidc.params?.scope ?? ''));
            // The grant keeps the requested words found in this list: the request becomes its narrowed, v2 form.
            if (ctx.oidc.params) ctx.oidc.params.scope = scope;
            return { scope, accessTokenFormat: 'opaque', accessTokenTTL: opts.accessTokenSeconds, audience: opts.issuer };
          }
          // smart §2.4 item 4: at the token endpoint the scopes come from the Grant the consent built;
          // at the authorization endpoint, from the request narrowed to the registration.
          const granted = ctx.oidc.entities.Grant?.getResourceScope(resource) ?? '';
          const requested = appScopeOf(registered, String(ctx.oidc.params?.scope ?? ''));
          const scope = [...new Set([...granted.split(' '), ...requested])].filter((w) => w !== '').join(' ');
          return { scope, accessTokenFormat: 'opaque', accessTokenTTL: opts.accessTokenSeconds, audience: opts.issuer };
        },
      },
    },
    clientBasedCORS(_ctx, origin, client) {
      const registered = clients.get(client.clientId);
      return registered !== undefined && registered.kind === 'app' && originsOf(registered).has(origin);
    },
    ttl: {
      AccessToken: () => opts.accessTokenSeconds,
      ClientCredentials: () => opts.accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: GRANT_TTL_S,
      RefreshToken: 30 * 86_400,
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      const text = (s: unknown): string => String(s ?? '').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>This request cannot go on</h1><p>${text(out.error)}: ${text(out.error_description)}</p></body></html>`;
    },
  };

  const provider = new Provider(opts.issuer, configuration);
  provider.proxy = true;
  smartTokenResponses(provider, { smartStyleUrl: `${opts.issuer}${SMART_STYLE_PATH}` });
  stateOutageAnswers(provider);
  smartAuthorizeRequests(provider, { authorizationUrl: `${opts.issuer}${AUTH_ROUTES.authorization}`, authorizationPath: AUTH_ROUTES.authorization });
  const mine = new Set<string>([...Object.values(AUTH_ROUTES), '/.well-known/openid-configuration']);
  return {
    provider,
    // `/auth/authorize/<uid>` is where an interaction resumes.
    handles: (path) => mine.has(path) || path.startsWith(`${AUTH_ROUTES.authorization}/`),
    callback: provider.callback(),
    clients,
  };
}
