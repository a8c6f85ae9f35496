// The 401 and 403 answers of RFC 6750 §3 as FhirErrors: `WWW-Authenticate: Bearer` with the
// error code a client acts on (invalid_token → get a new token; insufficient_scope → ask for more).
import { BEARER_REALM as REALM, FhirError } from '../fhir/index.js';

const quote = (s: string): string => s.replace(/["\\]/g, '');

/** 401 without an error code: no credentials were sent (RFC 6750 §3.1). */
export function missingToken(): FhirError {
  return new FhirError(401, { severity: 'error', code: 'login', diagnostics: 'This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration' },
    { headers: { 'www-authenticate': `Bearer realm="${REALM}"` } });
}

/** 401 invalid_token: malformed, badly signed, expired, wrong audience or issuer. */
export function invalidToken(description: string): FhirError {
  return new FhirError(401, { severity: 'error', code: 'login', diagnostics: `Invalid access token: ${description}` },
    { headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${quote(description)}"` } });
}

/** 403 insufficient_scope, naming the scope that would have allowed the request. */
export function insufficientScope(description: string, needed: string): FhirError {
  return new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics: `${description} (needs ${needed})` },
    { headers: { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", error_description="${quote(description)}", scope="${quote(needed)}"` } });
}
