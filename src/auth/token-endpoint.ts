// SMART Backend Services token endpoint (smart §1.3): `client_credentials` with a
// `private_key_jwt` client assertion signed RS384 or ES384 by a registered client. The assertion
// must name this endpoint as audience, expire within 5 minutes, and carry a `jti` never seen before
// (remembered until the assertion expires). The answer is a short-lived access token signed by
// this server, with the requested scopes narrowed to what the client is registered for.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { SmartClient } from './clients.js';
import { formatScope, intersectScopes, parseScopes } from './scopes.js';
import type { SigningKey } from './signing-key.js';
import { StateUnavailableError, type OnceKeys } from '../state/index.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'];
/** SMART Backend Services: an assertion's exp is at most five minutes in the future. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_TOLERANCE_S = 5;

export interface TokenEndpointOptions {
  /** Public URL of this endpoint: the audience client assertions must name. */
  tokenUrl: string;
  /** `iss` of the access tokens issued. */
  issuer: string;
  /** FHIR_BASE_URL: the audience of the access tokens issued. */
  audience: string;
  clients: readonly SmartClient[];
  key: SigningKey;
  lifetimeSeconds: number;
  /** Where used assertion ids are remembered (replay protection; shared between instances when the state is). */
  usedAssertions: OnceKeys;
  /** Told about every answer (the audit trail). */
  onResult?: (r: TokenResult) => void;
}

export interface TokenResult {
  status: number;
  clientId?: string;
  /** The OAuth error code, or undefined on success. */
  error?: string;
  /** Why, in words with no secrets. */
  reason?: string;
  scope?: string;
  remoteAddress?: string;
}

class OAuthError extends Error {
  constructor(readonly status: number, readonly code: string, description: string) { super(description); }
}

const invalidClient = (d: string): OAuthError => new OAuthError(401, 'invalid_client', d);

export function createTokenEndpoint(opts: TokenEndpointOptions): (req: Request, res: Response) => Promise<void> {
  const clients = new Map(opts.clients.map((c) => [c.clientId, c]));
  const keySets = new Map<string, JWTVerifyGetKey>();

  function keySetOf(client: SmartClient): JWTVerifyGetKey {
    let ks = keySets.get(client.clientId);
    if (!ks) {
      ks = client.jwks ? createLocalJWKSet(client.jwks) : createRemoteJWKSet(new URL(client.jwksUri!), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      keySets.set(client.clientId, ks);
    }
    return ks;
  }

  /** Records the jti until the assertion expires; refuses a replay. */
  async function remember(clientId: string, jti: string, exp: number): Promise<void> {
    const ttlMs = Math.max(1, exp + CLOCK_TOLERANCE_S - Math.floor(Date.now() / 1000)) * 1000;
    let first: boolean;
    try {
      first = await opts.usedAssertions.claim(`client-assertion\u0000${clientId}\u0000${jti}`, ttlMs);
    } catch (e) {
      // Never forget an unexpired jti nor guess: without the record there is no token (only registered clients get this far).
      if (e instanceof StateUnavailableError) throw new OAuthError(503, 'temporarily_unavailable', 'used client assertions cannot be checked right now; retry shortly');
      throw e;
    }
    if (!first) throw invalidClient('this client assertion was already used (jti replay)');
  }

  async function authenticateClient(body: Record<string, unknown>): Promise<SmartClient> {
    if (body.client_assertion_type !== ASSERTION_TYPE) throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
    const assertion = body.client_assertion;
    if (typeof assertion !== 'string' || assertion === '') throw new OAuthError(400, 'invalid_request', 'client_assertion is required');
    let alg: string | undefined;
    let iss: string | undefined;
    try {
      alg = decodeProtectedHeader(assertion).alg;
      iss = decodeJwt(assertion).iss;
    } catch {
      throw invalidClient('client_assertion is not a JWT');
    }
    if (!alg || !ASSERTION_ALGORITHMS.includes(alg)) throw invalidClient(`client_assertion must be signed with ${ASSERTION_ALGORITHMS.join(' or ')}`);
    const client = iss ? clients.get(iss) : undefined;
    if (!client) throw invalidClient('unknown client');
    if (body.client_id !== undefined && body.client_id !== client.clientId) throw invalidClient('client_id does not match the assertion');
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, keySetOf(client), {
        algorithms: ASSERTION_ALGORITHMS, issuer: client.clientId, subject: client.clientId, audience: opts.tokenUrl,
        requiredClaims: ['exp', 'jti', 'iss', 'sub', 'aud'], clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw invalidClient('client_assertion has expired');
      if (e instanceof errors.JWTClaimValidationFailed) throw invalidClient(`client_assertion claim "${e.claim}" is missing or wrong`);
      if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) throw invalidClient('client_assertion signature does not verify with the registered keys');
      if (e instanceof errors.JOSEError) throw invalidClient('client_assertion could not be verified');
      throw new OAuthError(503, 'temporarily_unavailable', 'the client\'s key set cannot be fetched right now');
    }
    const now = Math.floor(Date.now() / 1000);
    if (payload.exp! > now + MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) throw invalidClient('client_assertion exp is more than 5 minutes in the future');
    if (typeof payload.jti !== 'string' || payload.jti === '') throw invalidClient('client_assertion needs a jti');
    await remember(client.clientId, payload.jti, payload.exp!);
    return client;
  }

  async function issue(body: Record<string, unknown>): Promise<{ client: SmartClient; body: Record<string, unknown> }> {
    if (body.grant_type !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported (SMART Backend Services)');
    const client = await authenticateClient(body);
    if (typeof body.scope !== 'string' || body.scope.trim() === '') throw new OAuthError(400, 'invalid_scope', 'scope is required, e.g. system/Patient.rs');
    const requested = parseScopes(body.scope).resource.filter((s) => s.context === 'system');
    const granted = intersectScopes(requested, client.scopes);
    if (granted.length === 0) throw new OAuthError(400, 'invalid_scope', 'none of the requested scopes is allowed for this client (backend clients get system/ scopes)');
    const scope = granted.map(formatScope).join(' ');
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ scope, client_id: client.clientId })
      .setProtectedHeader({ alg: opts.key.alg, kid: opts.key.kid, typ: 'at+jwt' })
      .setIssuer(opts.issuer).setAudience(opts.audience).setSubject(client.clientId)
      .setIssuedAt(now).setExpirationTime(now + opts.lifetimeSeconds).setJti(randomUUID())
      .sign(opts.key.privateKey);
    return { client, body: { access_token: accessToken, token_type: 'bearer', expires_in: opts.lifetimeSeconds, scope } };
  }

  return async (req, res) => {
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const remoteAddress = req.socket.remoteAddress;
    try {
      const { client, body: answer } = await issue(body);
      res.status(200).json(answer);
      opts.onResult?.({ status: 200, clientId: client.clientId, scope: String(answer.scope), ...(remoteAddress && { remoteAddress }) });
    } catch (e) {
      const err = e instanceof OAuthError ? e : new OAuthError(500, 'server_error', 'internal error');
      if (err.status === 401) res.set('www-authenticate', 'Bearer realm="oscar-fhir", error="invalid_client"');
      res.status(err.status).json({ error: err.code, error_description: err.message });
      const iss = (() => { try { return decodeJwt(String(body.client_assertion)).iss; } catch { return undefined; } })();
      opts.onResult?.({
        status: err.status, error: err.code, reason: err.message, ...(remoteAddress && { remoteAddress }),
        ...(typeof iss === 'string' && clients.has(iss) && { clientId: iss }),
      });
    }
  };
}
