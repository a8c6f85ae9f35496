// The If-None-Exist header of a conditional create: the query part of a search URL (R4 http
// §3.1.0.8.1). Parsed in one place, so the HTTP adapter's input guard and the router read the
// same pairs. A header is no URL: nothing percent-encodes it on the way, so raw characters a URL
// query cannot hold (spaces, markup, controls) mean the client did not send a query — refused.
import { badRequest, FhirError } from './errors.js';

/** Longest If-None-Exist accepted: one search value's bound (http/input-guard.ts) is 4096. */
export const MAX_CONDITION_LENGTH = 4096;

// RFC 3986 query characters (unreserved, pct-encoded, sub-delims, ':', '@', '/', '?'), plus '|':
// FHIR token searches write `system|code` unencoded and every client sends it that way.
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%|]*$/;

/** The search pairs of an If-None-Exist header (a leading `Type?` is allowed); throws a 400. */
export function conditionPairs(header: string): [string, string][] {
  if (header.length > MAX_CONDITION_LENGTH) {
    throw new FhirError(400, { severity: 'error', code: 'too-long', diagnostics: `If-None-Exist is longer than ${MAX_CONDITION_LENGTH} characters` });
  }
  if (!QUERY_CHARS.test(header)) {
    throw badRequest('If-None-Exist must be a URL query string: percent-encode spaces, markup and other characters a URL cannot carry');
  }
  const pairs = [...new URLSearchParams(header.replace(/^[^?]*\?/, ''))];
  if (pairs.length === 0) throw badRequest('If-None-Exist must hold search parameters, e.g. identifier=system|value');
  return pairs;
}
