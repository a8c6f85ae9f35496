// Bearer access tokens: JWTs signed by this server's token endpoint, or by a configured external
// authorization server (Keycloak and the like) carrying the SMART claims `scope` and `patient`.
// Checked: signature (asymmetric algorithms only, so never `alg: none` or a shared secret), issuer,
// audience = FHIR_BASE_URL, expiry. Verified tokens are remembered until they expire, so the hot
// path pays for a signature check once per token, not once per request.
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { FHIR_ID_RE, isFhirError, serviceUnavailable } from '../fhir/index.js';
import type { AuthContext } from './context.js';
import { invalidToken, missingToken } from './errors.js';
import { parseScopes } from './scopes.js';
import type { SigningKey } from './signing-key.js';

export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface AccessTokenOptions {
  /** FHIR_BASE_URL: the only audience accepted. */
  audience: string;
  local?: { issuer: string; key: SigningKey; isClient: (clientId: string) => boolean };
  external?: { issuer: string; jwksUrl: string };
  /** Seconds of clock difference tolerated with an external issuer. */
  clockToleranceSeconds?: number;
}

/** Failures that are the token's fault (→ 401); any other failure is the issuer being unreachable (→ 503). */
const TOKEN_PROBLEMS = [
  errors.JWTExpired, errors.JWTClaimValidationFailed, errors.JOSEAlgNotAllowed, errors.JOSENotSupported, errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JWTInvalid, errors.JWSInvalid, errors.JWKInvalid,
];

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** A jose failure as the description a client sees (no token contents echoed back). */
function describeFailure(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'the token has expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return 'the token is not meant for this server (audience)';
    if (e.claim === 'iss') return 'the token comes from an unknown issuer';
    if (e.claim === 'nbf' || e.claim === 'iat') return 'the token is not valid yet';
    return `the token's "${e.claim}" claim is missing or invalid`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this server does not accept';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (e instanceof errors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid) return 'the token is not a valid JWT';
  return 'the token could not be verified';
}

export class AccessTokenVerifier {
  readonly #opts: AccessTokenOptions;
  readonly #audiences: string[];
  readonly #jwks: JWTVerifyGetKey | undefined;
  readonly #verified = new LRUCache<string, AuthContext>({ max: 10_000, ttlAutopurge: false });

  constructor(opts: AccessTokenOptions) {
    this.#opts = opts;
    this.#audiences = [opts.audience, `${opts.audience}/`];
    this.#jwks = opts.external ? createRemoteJWKSet(new URL(opts.external.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 }) : undefined;
  }

  /** The caller of a request with this Authorization header, or a 401 FhirError. */
  async verify(authorization: string | undefined): Promise<AuthContext> {
    if (authorization === undefined || authorization.trim() === '') throw missingToken();
    const m = BEARER.exec(authorization.trim());
    if (!m) throw invalidToken('the Authorization header must be "Bearer <access token>"');
    const token = m[1]!;
    const cached = this.#verified.get(token);
    if (cached) return { ...cached };

    let alg: string | undefined;
    let iss: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch {
      throw invalidToken('the token is not a valid JWT');
    }
    if (!alg || alg.toLowerCase() === 'none') throw invalidToken('unsigned tokens (alg "none") are not accepted');

    const { local, external } = this.#opts;
    let payload: JWTPayload;
    let issuer: AuthContext['issuer'];
    try {
      if (local && iss === local.issuer) {
        issuer = 'local';
        ({ payload } = await jwtVerify(token, local.key.publicKey, {
          issuer: local.issuer, audience: this.#audiences, algorithms: [local.key.alg], typ: 'at+jwt', requiredClaims: ['exp', 'iat', 'client_id'],
          clockTolerance: 5,
        }));
      } else if (external && this.#jwks && iss === external.issuer) {
        issuer = 'external';
        ({ payload } = await jwtVerify(token, this.#jwks, {
          issuer: external.issuer, audience: this.#audiences, algorithms: EXTERNAL_ALGORITHMS, requiredClaims: ['exp'],
          clockTolerance: this.#opts.clockToleranceSeconds ?? 30,
        }));
      } else {
        throw invalidToken('the token comes from an unknown issuer');
      }
    } catch (e) {
      if (isFhirError(e)) throw e;
      // Anything but a problem with the token itself means the issuer's keys could not be fetched:
      // not the client's fault, and retrying later helps.
      if (!TOKEN_PROBLEMS.some((cls) => e instanceof cls)) throw serviceUnavailable('The authorization server\'s signing keys cannot be fetched right now', 30);
      throw invalidToken(describeFailure(e));
    }

    const ctx = this.#contextOf(payload, issuer);
    if (issuer === 'local' && !local!.isClient(ctx.clientId ?? '')) throw invalidToken('the client of this token is no longer registered');
    const ttlMs = (payload.exp ?? 0) * 1000 - Date.now();
    if (ttlMs > 0) this.#verified.set(token, Object.freeze({ ...ctx }), { ttl: ttlMs });
    return ctx;
  }

  #contextOf(payload: JWTPayload, issuer: AuthContext['issuer']): AuthContext {
    const claim = (k: string): unknown => payload[k];
    const raw = typeof claim('scope') === 'string' ? claim('scope') as string
      : Array.isArray(claim('scp')) ? (claim('scp') as unknown[]).filter((s): s is string => typeof s === 'string') : '';
    const scopes = parseScopes(raw).resource;
    const patient = claim('patient');
    if (patient !== undefined && (typeof patient !== 'string' || !FHIR_ID_RE.test(patient))) throw invalidToken('the "patient" claim is not a FHIR id');
    if (scopes.some((s) => s.context === 'patient') && patient === undefined) {
      throw invalidToken('patient/ scopes need a "patient" claim (the SMART launch context)');
    }
    const clientId = [claim('client_id'), claim('azp'), payload.sub].find((v): v is string => typeof v === 'string' && v !== '');
    const fhirUser = claim('fhirUser');
    return {
      kind: 'token',
      ...(clientId && { clientId }),
      ...(typeof patient === 'string' && { patient }),
      ...(payload.sub && { subject: payload.sub }),
      ...(typeof fhirUser === 'string' && { fhirUser }),
      scopes,
      ...(issuer && { issuer }),
    };
  }
}
