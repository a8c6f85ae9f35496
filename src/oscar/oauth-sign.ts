// OAuth 1.0a HMAC-SHA1 signing of REST calls exactly as OSCAR verifies them (contract 2.4):
// base URL = scheme://host[:port]path as the servlet container sees it, query parameters signed,
// JSON bodies never signed, RFC 3986 encoding. Built on the `oauth-1.0a` package, but the URL and
// the parameter list are ours: the package neither normalises URLs nor decodes query keys.

import crypto from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { OscarUnsupportedRequestError } from './errors.js';

export interface OAuthCredentials {
  consumerKey: string;
  consumerSecret: string;
  /** Access token (ServiceAccessToken.tokenId) and its secret. */
  token: string;
  tokenSecret: string;
}

/** Query parameters; arrays repeat the key; null/undefined are left out. */
export type QueryParams = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

/** RFC 3986 percent-encoding (unreserved A-Z a-z 0-9 - . _ ~ kept, upper-case hex). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7F]/;

/** Flattens query params into ordered [key, value] pairs, refusing what OSCAR cannot verify. */
export function queryPairs(query: QueryParams | undefined, operation: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === null || v === undefined) continue;
    const values = Array.isArray(v) ? v.map(String) : [String(v)];
    for (const value of values) {
      // contract 2.4: OSCAR percent-decodes byte-to-char, so a non-ASCII query value can never verify.
      if (NON_ASCII.test(k) || NON_ASCII.test(value)) {
        throw new OscarUnsupportedRequestError(operation,
          `OSCAR REST cannot verify a signed query with non-ASCII characters (parameter '${k}'); use the SOAP search instead`);
      }
      pairs.push([k, value]);
    }
  }
  return pairs;
}

/**
 * The request URL as the server will see it: WHATWG-normalised (lower-case host, default port
 * dropped) with the query encoded RFC 3986 style — `%20`, never `+` (contract 2.4).
 */
export function buildUrl(base: string, path: string, pairs: readonly (readonly [string, string])[]): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  url.search = pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  return url;
}

/** What OSCAR signs: scheme://host[:port]path, no query, no fragment. */
export function signatureBaseUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

const hmacSha1 = (base: string, key: string): string => crypto.createHmac('sha1', key).update(base).digest('base64');

const signers = new Map<string, OAuth>();
function signerFor(creds: OAuthCredentials): OAuth {
  const id = `${creds.consumerKey}\u0000${creds.consumerSecret}`;
  let s = signers.get(id);
  if (!s) {
    s = new OAuth({ consumer: { key: creds.consumerKey, secret: creds.consumerSecret }, signature_method: 'HMAC-SHA1', hash_function: hmacSha1 });
    signers.set(id, s);
  }
  return s;
}

export interface SignatureInputs {
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** The `Authorization: OAuth …` header value for one request (fixed nonce/timestamp for tests). */
export function oauthHeaderFor(
  creds: OAuthCredentials, method: string, url: URL, pairs: readonly (readonly [string, string])[], at: SignatureInputs,
): string {
  const oauth = signerFor(creds);
  const data: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const prev = data[k];
    data[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const oauthData: OAuth.Data = {
    oauth_consumer_key: creds.consumerKey,
    oauth_nonce: at.nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: at.timestamp,
    oauth_version: '1.0',
    oauth_token: creds.token,
  };
  // The package mutates both objects it is given (it merges params into them): pass copies.
  const signature = oauth.getSignature({ url: signatureBaseUrl(url), method: method.toUpperCase(), data }, creds.tokenSecret, { ...oauthData });
  return oauth.toHeader({ ...oauthData, oauth_signature: signature }).Authorization;
}

/** Header for a live request: fresh nonce (the server never checks replay, but RFC 5849 wants one) and now. */
export function oauthHeader(creds: OAuthCredentials, method: string, url: URL, pairs: readonly (readonly [string, string])[]): string {
  return oauthHeaderFor(creds, method, url, pairs, {
    nonce: crypto.randomBytes(16).toString('hex'),
    timestamp: Math.floor(Date.now() / 1000),
  });
}
