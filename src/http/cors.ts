// CORS for browser-based SMART apps (CORS_ORIGINS). Off unless configured: a FHIR API holding PHI
// is not readable from arbitrary web pages by default. Bearer tokens are not CORS "credentials",
// so no Allow-Credentials is sent and '*' stays usable.

/** Response headers a browser app needs to read (ETag for If-Match, Location after create…). */
const EXPOSED = 'ETag, Location, Content-Location, Last-Modified, X-Request-Id, Retry-After, WWW-Authenticate, Link';
/** Request headers a FHIR client sends beyond the CORS-safelisted ones. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match, If-None-Exist, If-Modified-Since, X-Request-Id';
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, OPTIONS';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export interface CorsPolicy {
  /** Whether CORS is configured at all. */
  readonly enabled: boolean;
  /** Headers for an actual (non-preflight) response to this Origin; undefined = none. */
  headersFor(origin: string | undefined): Readonly<Record<string, string>> | undefined;
  /**
   * The answer to a preflight: 204 with the allow headers for an allowed origin, 403 otherwise.
   * Call only when `isPreflight` is true.
   */
  preflight(origin: string): { status: number; headers: Record<string, string> };
}

/** A preflight is an OPTIONS request carrying Origin and Access-Control-Request-Method. */
export function isPreflight(method: string | undefined, headers: { origin?: string | undefined; 'access-control-request-method'?: string | string[] | undefined }): boolean {
  return method === 'OPTIONS' && typeof headers.origin === 'string' && headers['access-control-request-method'] !== undefined;
}

export function createCors(origins: readonly string[]): CorsPolicy {
  const any = origins.includes('*');
  const allowed = new Set(origins.map((o) => o.toLowerCase()));
  // One frozen header object per origin seen, so the hot path allocates nothing per request.
  const cache = new Map<string, Readonly<Record<string, string>>>();
  const anyHeaders = Object.freeze({ 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED });

  const ok = (origin: string): boolean => any || allowed.has(origin.toLowerCase());

  return {
    enabled: any || allowed.size > 0,
    headersFor(origin) {
      if (origin === undefined || !ok(origin)) return undefined;
      if (any) return anyHeaders;
      let h = cache.get(origin);
      if (!h) {
        h = Object.freeze({ 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED });
        if (cache.size < 1000) cache.set(origin, h); // the set of allowed origins is small; bound it anyway
      }
      return h;
    },
    preflight(origin): { status: number; headers: Record<string, string> } {
      const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      if (!ok(origin)) return { status: 403, headers: { vary } };
      return {
        status: 204,
        headers: {
          'access-control-allow-origin': any ? '*' : origin,
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-expose-headers': EXPOSED,
          'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
          vary,
        },
      };
    },
  };
}

/** Discovery (smart §1.1): public documents every origin may read, with no credentials. */
export const ANY_ORIGIN: CorsPolicy = createCors(['*']);
