// Typed failures of calls to OSCAR. The FHIR layer maps each class to one HTTP status and an
// OperationOutcome, in one place (fhir/outcome.ts, design principle 4); the `→ NNN` notes below
// say why for the reader, test/fhir/outcome-oscar-errors.test.ts holds the mapping to them.
// Messages name the operation only — never a URL query, a request body or an upstream message,
// any of which may carry PHI (names in quickSearch, …).
import { NO_OWN_TOKEN, OWN_SIGNATURE_REFUSED } from './own-signature.js';

export type OscarErrorKind = 'timeout' | 'unavailable' | 'protocol' | 'auth' | 'signed-out' | 'fault' | 'redirect';

export abstract class OscarError extends Error {
  abstract readonly kind: OscarErrorKind;
  /** Logical OSCAR operation, e.g. 'rest:getDemographic' or 'DemographicService.getDemographic'. */
  readonly operation: string;

  constructor(operation: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.operation = operation;
  }
}

/** OSCAR did not answer within the per-call timeout. → 504 */
export class OscarTimeoutError extends OscarError {
  readonly kind = 'timeout' as const;
  readonly timeoutMs: number;
  constructor(operation: string, timeoutMs: number) {
    super(operation, `OSCAR did not answer ${operation} within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * 'caller-budget': this client already holds its share of OSCAR's slots and queue (guard/limiter.ts).
 * 'rate-limited': OSCAR (or a proxy) asked us to slow down and the wait does not fit (guard/throttle.ts).
 * 'proxy': the outbound proxy refused to carry the call (CONNECT or the request answered 407, 403,
 * 502…; docs/proxy.md): nothing reached OSCAR.
 * 'tls': OSCAR's certificate was refused or the TLS handshake failed (`code` says which:
 * DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID…); nothing was sent (docs/oscar-tls.md).
 */
export const UNAVAILABLE_REASONS = ['connection', 'circuit-open', 'queue-full', 'queue-timeout', 'caller-budget', 'rate-limited', 'proxy', 'tls'] as const;
export type UnavailableReason = typeof UNAVAILABLE_REASONS[number];

/**
 * OSCAR cannot be reached, or the facade is protecting it (open circuit, full queue). → 503;
 * a refused certificate → 502: the facade's configuration (or OSCAR's certificate) is at fault,
 * and retrying later will not help.
 */
export class OscarUnavailableError extends OscarError {
  readonly kind = 'unavailable' as const;
  readonly reason: UnavailableReason;
  /** For a Retry-After header, when known. */
  readonly retryAfterSeconds: number | undefined;
  /** Low-level code such as ECONNREFUSED / ECONNRESET (connection failures only). */
  readonly code: string | undefined;
  /** The proxy that refused (reason 'proxy'): scheme, host and port only, never its credentials. */
  readonly proxy: string | undefined;
  constructor(operation: string, reason: UnavailableReason, opts: { retryAfterSeconds?: number; code?: string; proxy?: string } = {}) {
    super(operation, `OSCAR unavailable for ${operation} (${reason}${opts.code ? `: ${opts.code}` : ''}${opts.proxy ? ` from ${opts.proxy}` : ''})`);
    this.reason = reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.code = opts.code;
    this.proxy = opts.proxy;
  }
}

/** OSCAR answered with something we cannot read (bad JSON, not a SOAP envelope, …). → 502 */
export class OscarProtocolError extends OscarError {
  readonly kind = 'protocol' as const;
  constructor(operation: string, what: string) {
    super(operation, `unexpected answer from OSCAR for ${operation}: ${what}`);
  }
}

/**
 * OSCAR refused our credentials: REST OAuth XMLFault (contract 1.6, 2.3 step 4) or SOAP
 * SecurityError that survived one re-login (contract 4.2). → 502, because the facade's own
 * configuration is at fault, not the FHIR client. `cause` is for the operator.
 */
export class OscarAuthError extends OscarError {
  readonly kind = 'auth' as const;
  /** e.g. 'invalid_signature', 'clock skew?', 'invalid_consumer', 'SecurityError', 'login_failed'. */
  override readonly cause: string;
  constructor(operation: string, cause: string) {
    super(operation, `OSCAR rejected the facade's credentials for ${operation} (${cause})`);
    this.cause = cause;
  }

  /** What the operator should check, in words (for the log line; never shown to FHIR clients). */
  get hint(): string {
    return AUTH_HINTS[this.cause] ?? 'OSCAR refused the facade\'s credentials: check the OSCAR_* credentials';
  }
}

// contract 2.3 step 4 / 2.4: every verifier failure (bad signature, stale timestamp, unknown token)
// arrives as invalid_signature; the REST client names 'clock skew?' when OSCAR's Date header is
// more than 300 s from our clock.
const AUTH_HINTS: Record<string, string> = {
  invalid_signature: 'OAuth signature rejected: wrong OSCAR_CONSUMER_SECRET or OSCAR_ACCESS_TOKEN_SECRET, an access token revoked or deleted in OSCAR, or clocks more than ±300 s apart',
  'clock skew?': 'OAuth signature rejected and OSCAR\'s clock is more than ±300 s from ours: fix the clocks (NTP) on this host or on OSCAR',
  invalid_consumer: 'OSCAR does not know OSCAR_CONSUMER_KEY (REST client deleted or mistyped)',
  unknown_provider: 'the OSCAR access token is not linked to an existing provider: authorise a new token',
  missing_consumer_key: 'the OAuth header lacked the consumer key (facade bug or proxy stripping Authorization)',
  missing_access_token: 'the OAuth header lacked the access token (facade bug or proxy stripping Authorization)',
  // contract 2.7 (own-signature.ts): a user's token refused as a bad signature, and the facade's own as well.
  [OWN_SIGNATURE_REFUSED]: 'OSCAR refuses the facade\'s own OAuth signature as well as the signed-in users\': check OSCAR_CONSUMER_SECRET (and OSCAR_ACCESS_TOKEN_SECRET), and that no proxy in front of OSCAR changes the scheme, host or port OSCAR sees (the URL OSCAR sees must be OSCAR_URL\'s); the users\' OSCAR sign-ins are kept',
  [NO_OWN_TOKEN]: 'OSCAR refused a signed-in user\'s token as a bad signature and the facade has no OSCAR_ACCESS_TOKEN of its own to tell a deleted token from a wrong OSCAR_CONSUMER_SECRET or a proxy changing the URL OSCAR sees: the user\'s sign-in is kept; set OSCAR_ACCESS_TOKEN / OSCAR_ACCESS_TOKEN_SECRET',
  oauth_authentication_failed: 'OSCAR failed while checking OAuth (see the OSCAR server log)',
  SecurityError: 'SOAP security token rejected even after a fresh login2 (OSCAR_SOAP_USERNAME lacks rights, or OSCAR keeps restarting)',
  login_failed: 'SOAP login2 refused OSCAR_SOAP_USERNAME / OSCAR_SOAP_PASSWORD',
};

/**
 * OSCAR no longer accepts the signed-in clinician's own access token (a call made as that user,
 * src/oscar/acting-user.ts): an OAuth XMLFault that names the token, not the facade (contract
 * 2.7). Their OSCAR sign-in has ended — the token was deleted in OSCAR, or its provider is gone —
 * and only signing in to OSCAR again helps. → 401 invalid_token (docs/smart-app-launch.md §7.7).
 */
export class OscarSignInEndedError extends OscarError {
  readonly kind = 'signed-out' as const;
  /** The OAuth1Exception code OSCAR named: 'invalid_signature' or 'unknown_provider'. */
  readonly code: string;
  constructor(operation: string, code: string) {
    super(operation, `OSCAR no longer accepts the signed-in user's access token for ${operation} (${code})`);
    this.code = code;
  }
}

/**
 * contract 2.7: the OAuth1Exception codes that say OSCAR no longer accepts a user's access token
 * (a deleted token is `invalid_signature`, a token whose provider is gone `unknown_provider`); the
 * other codes are about the facade's consumer or its requests, the same for every user.
 * `invalid_signature` is also a wrong consumer secret or a proxy changing the URL OSCAR sees: it
 * counts only once OSCAR accepts the facade's own signature (own-signature.ts).
 */
export const SIGNED_OUT_CODES: ReadonlySet<string> = new Set(['invalid_signature', 'unknown_provider']);

/**
 * OSCAR (or the host in front of it) answered with a redirect (3xx). Never followed
 * (docs/oscar-redirects.md): every request to OSCAR carries credentials (an OAuth header whose
 * signature covers the URL, a SOAP password) that must not go to another address, and the
 * redirect means the configured OSCAR address is not the one OSCAR serves its web services at.
 * → 502: the facade's configuration is at fault; retrying will not help.
 */
export class OscarRedirectError extends OscarError {
  readonly kind = 'redirect' as const;
  /** OSCAR's status (301, 302, 303, 307, 308…). */
  readonly status: number;
  /**
   * Where OSCAR redirects, without query or fragment (which may echo the request's, PHI included):
   * the web-service part of the path shown as `/ws/…`; undefined when the answer named no Location.
   */
  readonly to: string | undefined;
  /** The OSCAR address the redirect points at (scheme, host, port, context path), when it can be told. */
  readonly suggestedUrl: string | undefined;
  constructor(operation: string, status: number, to: string | undefined, suggestedUrl: string | undefined) {
    super(operation, `OSCAR redirected ${operation} (HTTP ${status}${to ? ` to ${to}` : ''})`);
    this.status = status;
    this.to = to;
    this.suggestedUrl = suggestedUrl;
  }

  /** What the operator should change, in words (logs, `oscar-fhir check`; never shown to FHIR clients). */
  get hint(): string {
    if (this.suggestedUrl) return `OSCAR_URL should be ${this.suggestedUrl} (in a clinics file, the clinic's "url")`;
    if (this.to?.endsWith('/ws/…')) return 'OSCAR redirects its web services to the address they were asked at: check the web server in front of OSCAR';
    if (this.to) return `OSCAR answers with a web page at ${this.to}, not its web services: OSCAR_URL must be OSCAR's web-app address, e.g. https://host/oscar (in a clinics file, the clinic's "url")`;
    return 'OSCAR answered with a redirect that names no address: check OSCAR_URL and the web server in front of OSCAR';
  }
}

/** The redirect answered to a request for `url`, as an error that names no query and no PHI. */
export function redirectError(operation: string, url: URL, status: number, location: string | undefined): OscarRedirectError {
  let target: URL | undefined;
  try { target = location === undefined || location.trim() === '' ? undefined : new URL(location.trim(), url); } catch { target = undefined; }
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) return new OscarRedirectError(operation, status, undefined, undefined);
  // The web-service part of the request's path (`/ws/services/demographics/1001`): when the
  // redirect keeps it, what comes before it is where OSCAR's web app really is.
  const at = url.pathname.indexOf('/ws/');
  const tail = at >= 0 ? url.pathname.slice(at) : undefined;
  if (tail && target.pathname.endsWith(tail)) {
    const base = `${target.origin}${target.pathname.slice(0, -tail.length)}`;
    const same = base === `${url.origin}${url.pathname.slice(0, at)}`;
    return new OscarRedirectError(operation, status, `${base}/ws/…`, same ? undefined : base);
  }
  // A page instead (a front page, a login page): `/oscar/` names the context path OSCAR_URL lacks.
  const context = /^\/([^/]+)\/$/.exec(target.pathname);
  const page = `${target.origin}${target.pathname}`;
  return new OscarRedirectError(operation, status, page, context && !url.pathname.startsWith(`/${context[1]}/`) ? `${target.origin}/${context[1]}` : undefined);
}

/**
 * Any other refusal: a SOAP fault (soap:Server …) or a REST 4xx/5xx. The upstream text is kept
 * in `upstreamMessage` for logs only — it is not part of `message`. → 502
 */
export class OscarFaultError extends OscarError {
  readonly kind = 'fault' as const;
  /** HTTP status OSCAR answered with, when known. */
  readonly upstreamStatus: number | undefined;
  /** SOAP faultcode (e.g. 'soap:Server'), when this was a SOAP fault. */
  readonly faultCode: string | undefined;
  readonly upstreamMessage: string;
  /** The answer's Retry-After, in ms, when it had one (a 503 or 429 asking us to slow down). */
  readonly retryAfterMs: number | undefined;
  constructor(operation: string, opts: { upstreamStatus?: number; faultCode?: string; upstreamMessage?: string; retryAfterMs?: number }) {
    const what = opts.faultCode ? `SOAP fault ${opts.faultCode}` : `HTTP ${opts.upstreamStatus ?? '?'}`;
    super(operation, `OSCAR refused ${operation} (${what})`);
    this.upstreamStatus = opts.upstreamStatus;
    this.faultCode = opts.faultCode;
    this.upstreamMessage = (opts.upstreamMessage ?? '').slice(0, 2000);
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * A request the facade must not send because OSCAR cannot serve it correctly (e.g. a non-ASCII
 * REST query value, contract 2.4). Raised before any network traffic; callers route such
 * requests elsewhere (SOAP). Not an OscarError: it is a programming/routing decision, not upstream trouble.
 */
export class OscarUnsupportedRequestError extends Error {
  readonly operation: string;
  constructor(operation: string, message: string) {
    super(message);
    this.name = 'OscarUnsupportedRequestError';
    this.operation = operation;
  }
}
