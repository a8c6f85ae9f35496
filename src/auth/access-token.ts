// Bearer access tokens: opaque tokens of this server's own authorization server (looked up in its
// store on every request, so a revocation takes effect at once: src/auth/server/token-lookup.ts),
// or JWTs of a configured external authorization server (Keycloak and the like) carrying the
// SMART claims `scope` and `patient`. External JWTs are checked for signature (asymmetric
// algorithms only, so never `alg: none` or a shared secret), issuer, audience = FHIR_BASE_URL,
// expiry, and remembered (VerifiedToken) while nothing that verified them changed, so the hot path
// pays for a signature check once per token, not once per request. External tokens also
// need `iat` (not in the future), a lifetime within SMART_EXTERNAL_MAX_TOKEN_LIFETIME, an access
// token `typ` (README "Security"), and carry `system/` scopes only when SMART_EXTERNAL_SYSTEM_SCOPES
// allows it.
import { LRUCache } from 'lru-cache';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { FHIR_ID_RE, serviceUnavailable } from '../fhir/index.js';
import type { AuthContext } from './context.js';
import { invalidToken, missingToken } from './errors.js';
import { parseScopes } from './scopes.js';

export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface AccessTokenOptions {
  /** FHIR_BASE_URL: the only audience accepted. */
  audience: string;
  /** This server's own opaque tokens: the caller, or undefined for a token it does not know (or no longer). */
  local?: { find(token: string): Promise<AuthContext | undefined> };
  external?: ExternalIssuerOptions;
  /** How the external issuer's keys are fetched (egress-fetch.ts: the environment's proxy); default Node's fetch. */
  fetch?: typeof fetch;
}

export interface ExternalIssuerOptions {
  issuer: string;
  jwksUrl: string;
  /** Longest lifetime (`exp` − `iat`) accepted, in seconds; default one day. */
  maxLifetimeSeconds?: number;
  /** Whether `system/` scopes in its tokens are honoured; default no (a user-facing issuer should never grant them). */
  systemScopes?: boolean;
  /** Seconds of clock difference tolerated on `exp`, `nbf` and `iat`; default 10. */
  clockToleranceSeconds?: number;
  /** After a failed key fetch, how long unknown keys get a 503 at once instead of another fetch; default 30 s. */
  failureCooldownMs?: number;
}

export const EXTERNAL_DEFAULTS = { maxLifetimeSeconds: 86_400, systemScopes: false, clockToleranceSeconds: 10, failureCooldownMs: 30_000 } as const;

/**
 * `typ` values of an access token: RFC 9068's `at+jwt`, and `JWT`, which Keycloak and most
 * identity providers put on theirs. Absent is accepted too (RFC 7519 makes it optional). Any other
 * type (an ID token's `id+jwt`, a DPoP proof, a logout token…) is not an access token.
 */
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt', 'jwt']);

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
    // Not 'iss': a token reaches jose only when its iss is the expected issuer. Not a future 'iat':
    // jose leaves it alone and checkLifetime refuses it with its own words.
    if (e.claim === 'nbf' && e.reason === 'check_failed') return 'the token is not valid yet';
    return `the token's "${e.claim}" claim is missing or invalid`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this server does not accept';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (e instanceof errors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid) return 'the token is not a valid JWT';
  return 'the token could not be verified';
}

/** How long the issuer's key set is trusted before jose fetches it again (createRemoteJWKSet cacheMaxAge). */
const JWKS_MAX_AGE_MS = 600_000;

/** An external token verified once: what it grants, and until when that may be reused. */
interface VerifiedToken {
  ctx: Readonly<AuthContext>;
  /** `exp` in epoch ms, and no later than the key set that verified it is trusted. */
  untilMs: number;
}

/** Thrown while a failed key fetch cools down: not the token's fault (→ 503). */
class KeysUnavailable extends Error {}

/**
 * The issuer's key set with a cooldown after a failed fetch too: jose counts its cooldown only
 * from a successful fetch, so while the issuer is down every token with an unknown `kid` (which
 * anyone can send, unauthenticated) would start another fetch and wait for its timeout. During
 * the cooldown the keys fetched earlier still verify; an unknown key is a 503 at once.
 * `fetched` is told each time the key set was fetched anew.
 */
function withFailureCooldown(remote: ReturnType<typeof createRemoteJWKSet>, cooldownMs: number, fetched: () => void): JWTVerifyGetKey {
  let failedAt = Number.NEGATIVE_INFINITY;
  return async (header, token) => {
    if (Date.now() - failedAt < cooldownMs) {
      const known = remote.jwks();
      try {
        if (known) return await createLocalJWKSet(known)(header, token);
      } catch (e) {
        if (!(e instanceof errors.JWKSNoMatchingKey)) throw e;
      }
      throw new KeysUnavailable();
    }
    // jose fetches at most once per its 30 s cooldown and only a successful fetch restarts it: a
    // fetch succeeded during this call exactly when the cooldown was over before it and runs after.
    const mayFetch = !remote.coolingDown;
    try {
      return await remote(header, token);
    } catch (e) {
      if (!TOKEN_PROBLEMS.some((cls) => e instanceof cls)) failedAt = Date.now();
      throw e;
    } finally {
      if (mayFetch && remote.coolingDown) fetched();
    }
  };
}

/** `iat` not in the future and `exp` − `iat` within the configured lifetime (jose checks `exp` and `nbf`). */
function checkLifetime(payload: JWTPayload, external: Required<ExternalIssuerOptions>): void {
  const now = Math.floor(Date.now() / 1000);
  // Both are present: jwtVerify is given requiredClaims ['exp', 'iat'].
  const iat = payload.iat!;
  if (iat > now + external.clockToleranceSeconds) throw invalidToken('the token is not valid yet (issued in the future)');
  if (payload.exp! - iat > external.maxLifetimeSeconds) {
    throw invalidToken(`the token lives longer than this server accepts (${external.maxLifetimeSeconds} s)`);
  }
}

export class AccessTokenVerifier {
  readonly #opts: AccessTokenOptions;
  readonly #audiences: string[];
  /** The external issuer's settings with its key set, when one is configured. */
  readonly #external: (Required<ExternalIssuerOptions> & { keys: JWTVerifyGetKey }) | undefined;
  // Bounded; each entry also carries its own deadline, checked against the wall clock on every use
  // (the LRU's ttl runs on a monotonic clock and only evicts).
  readonly #verified = new LRUCache<string, VerifiedToken>({ max: 10_000, ttlAutopurge: false });
  // The Authorization header of the last request that was served from #verified: a client sends the
  // same header on request after request, and comparing it costs less than parsing it and hashing
  // a token of a kilobyte for the lookup. Same deadline check as every other use.
  #last: { header: string; entry: VerifiedToken } | undefined;
  /** When the issuer's key set in use was fetched: what it verified is trusted no longer than the set. */
  #keysFetchedAt = 0;

  constructor(opts: AccessTokenOptions) {
    this.#opts = opts;
    this.#audiences = [opts.audience, `${opts.audience}/`];
    if (opts.external) {
      const external = { ...EXTERNAL_DEFAULTS, ...opts.external };
      const remote = createRemoteJWKSet(new URL(external.jwksUrl), {
        timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: JWKS_MAX_AGE_MS, ...(opts.fetch && { [customFetch]: opts.fetch }),
      });
      this.#external = { ...external, keys: withFailureCooldown(remote, external.failureCooldownMs, () => this.#keysChanged()) };
    }
  }

  /**
   * The caller, at once and without a promise, when this is the Authorization header of the last
   * request served from the verified tokens and still within its deadline; else undefined (then
   * verify). A cache hit with the same token as the request before it waits for nothing.
   */
  verifiedNow(authorization: string | undefined): AuthContext | undefined {
    const last = this.#last;
    return last !== undefined && authorization === last.header && Date.now() < last.entry.untilMs ? { ...last.entry.ctx } : undefined;
  }

  /** The caller of a request with this Authorization header, or a 401 FhirError. */
  async verify(authorization: string | undefined): Promise<AuthContext> {
    const now = this.verifiedNow(authorization);
    if (now !== undefined) return now;
    if (authorization === undefined || authorization.trim() === '') throw missingToken();
    const m = BEARER.exec(authorization.trim());
    if (!m) throw invalidToken('the Authorization header must be "Bearer <access token>"');
    const token = m[1]!;
    const { local } = this.#opts;
    // Opaque tokens carry no dots; a JWT has two.
    if (local && !token.includes('.')) {
      const ctx = await local.find(token);
      if (!ctx) throw invalidToken('the token is unknown, expired or revoked');
      return ctx;
    }
    const cached = this.#verified.get(token);
    if (cached) {
      if (Date.now() < cached.untilMs) {
        this.#last = { header: authorization, entry: cached };
        return { ...cached.ctx };
      }
      this.#verified.delete(token); // then verified again from scratch: refused with the reason, or kept anew
    }

    let alg: string | undefined;
    let typ: string | undefined;
    let iss: string | undefined;
    try {
      ({ alg, typ } = decodeProtectedHeader(token));
      iss = decodeJwt(token).iss;
    } catch {
      throw invalidToken('the token is not a valid JWT');
    }
    if (!alg || alg.toLowerCase() === 'none') throw invalidToken('unsigned tokens (alg "none") are not accepted');

    const external = this.#external;
    if (!external || iss !== external.issuer) throw invalidToken('the token comes from an unknown issuer');
    if (typ !== undefined && !ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) throw invalidToken('the token is not an access token (typ)');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, external.keys, {
        issuer: external.issuer, audience: this.#audiences, algorithms: EXTERNAL_ALGORITHMS, requiredClaims: ['exp', 'iat'],
        clockTolerance: external.clockToleranceSeconds,
      }));
    } catch (e) {
      // Anything but a problem with the token itself means the issuer's keys could not be fetched:
      // not the client's fault, and retrying later helps.
      if (e instanceof KeysUnavailable || !TOKEN_PROBLEMS.some((cls) => e instanceof cls)) {
        throw serviceUnavailable('The authorization server\'s signing keys cannot be fetched right now', external.failureCooldownMs / 1000);
      }
      throw invalidToken(describeFailure(e));
    }
    checkLifetime(payload, external);

    const ctx = this.#contextOf(payload, external.systemScopes);
    // Re-verified once the key set would be fetched again (and at once when it is fetched earlier:
    // #keysChanged), so a key the issuer withdrew stops working as soon as it would without this cache.
    const untilMs = Math.min(payload.exp! * 1000, this.#keysFetchedAt + JWKS_MAX_AGE_MS);
    const ttlMs = untilMs - Date.now();
    if (ttlMs > 0) this.#verified.set(token, { ctx: Object.freeze({ ...ctx }), untilMs }, { ttl: ttlMs });
    return ctx;
  }

  /** A new key set may lack a key that verified a remembered token: everything is verified anew. */
  #keysChanged(): void {
    this.#keysFetchedAt = Date.now();
    this.#verified.clear();
    this.#last = undefined;
  }

  #contextOf(payload: JWTPayload, systemScopes: boolean): AuthContext {
    const claim = (k: string): unknown => payload[k];
    const raw = typeof claim('scope') === 'string' ? claim('scope') as string
      : Array.isArray(claim('scp')) ? (claim('scp') as unknown[]).filter((s): s is string => typeof s === 'string') : '';
    const scopes = parseScopes(raw).resource;
    if (!systemScopes && scopes.some((s) => s.context === 'system')) {
      throw invalidToken('system/ scopes are not accepted from this issuer (SMART_EXTERNAL_SYSTEM_SCOPES)');
    }
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
      issuer: 'external',
    };
  }
}
