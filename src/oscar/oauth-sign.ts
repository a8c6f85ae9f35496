// OAuth 1.0a HMAC-SHA1 signing of REST calls exactly as OSCAR verifies them (contract 2.4):
// base URL = scheme://host[:port]path as the servlet container sees it, query parameters signed,
// JSON bodies never signed, RFC 3986 encoding (RFC 5849 3.4). Written here rather than through the
// `oauth-1.0a` package (still used by the handshake and as the tests' reference signer): the package
// neither normalises URLs nor decodes query keys, and its merging and encoding passes were the largest
// share of a REST call's own CPU.

import crypto from 'node:crypto';
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

const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/** RFC 3986 percent-encoding (unreserved A-Z a-z 0-9 - . _ ~ kept, upper-case hex). */
export function rfc3986(s: string): string {
  // Most of what a call signs (keys, hex nonce, timestamp, token, ids) needs no encoding at all.
  if (UNRESERVED.test(s)) return s;
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
  // One parse: the encoded query holds only unreserved characters, %XX, '=' and '&', which the
  // URL parser keeps as they are (the search setter would parse the query a second time).
  const query = pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  return new URL(`${base.replace(/\/+$/, '')}${path}${query ? `?${query}` : ''}`);
}

/** What OSCAR signs: scheme://host[:port]path, no query, no fragment. */
export function signatureBaseUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

const SHA1_BLOCK = 64;
/** The key's inner and outer pad blocks (RFC 2104), per signing key: a handful of credentials. */
const PADS = new Map<string, { inner: Buffer; outer: Buffer }>();
const MAX_PADS = 1_000;

function padsOf(key: string): { inner: Buffer; outer: Buffer } {
  let pads = PADS.get(key);
  if (!pads) {
    const k = Buffer.alloc(SHA1_BLOCK);
    const raw = Buffer.from(key, 'utf8');
    (raw.length > SHA1_BLOCK ? crypto.hash('sha1', raw, 'buffer') : raw).copy(k);
    pads = { inner: Buffer.alloc(SHA1_BLOCK), outer: Buffer.alloc(SHA1_BLOCK) };
    for (let i = 0; i < SHA1_BLOCK; i++) {
      pads.inner[i] = k[i]! ^ 0x36;
      pads.outer[i] = k[i]! ^ 0x5c;
    }
    // Signed-in users bring their own token secrets: a bounded memo, cleared whole when full.
    if (PADS.size >= MAX_PADS) PADS.clear();
    PADS.set(key, pads);
  }
  return pads;
}

/**
 * HMAC-SHA1 of `base` under `key`, base64 (RFC 5849 3.4.2), as RFC 2104 defines it: two one-shot
 * SHA-1 digests over the key's pad blocks. crypto.createHmac looked the digest up in OpenSSL on
 * every call, which a request's cold caches made a large share of a REST call's CPU.
 */
function hmacSha1(base: string, key: string): string {
  const { inner, outer } = padsOf(key);
  const message = Buffer.allocUnsafe(SHA1_BLOCK + Buffer.byteLength(base, 'utf8'));
  inner.copy(message);
  message.write(base, SHA1_BLOCK, 'utf8');
  const digest = crypto.hash('sha1', message, 'buffer');
  return crypto.hash('sha1', Buffer.concat([outer, digest], SHA1_BLOCK + digest.length), 'base64');
}

export interface SignatureInputs {
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** Parameters in RFC 5849 3.4.1.3.2 order: by encoded name, then by encoded value (code units, as `<`). */
const byNameThenValue = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

/**
 * The `Authorization: OAuth …` header value for one request (fixed nonce/timestamp for tests).
 * Written out rather than through the `oauth-1.0a` package, whose object merging, sorting and
 * five-pass encoding made this the costliest step of a REST call; its output is the same byte for
 * byte (test/oscar/oauth-sign.test.ts). contract 2.4: base string = METHOD & enc(base URL) &
 * enc(the sorted, encoded query and oauth_* parameters); key = enc(consumer secret) & enc(token secret).
 */
export function oauthHeaderFor(
  creds: OAuthCredentials, method: string, url: URL, pairs: readonly (readonly [string, string])[], at: SignatureInputs,
): string {
  const oauth: [string, string][] = [
    ['oauth_consumer_key', rfc3986(creds.consumerKey)],
    ['oauth_nonce', rfc3986(at.nonce)],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', rfc3986(String(at.timestamp))],
    ['oauth_token', rfc3986(creds.token)],
    ['oauth_version', '1.0'],
  ];
  const params: (readonly [string, string])[] = [...oauth];
  for (const [k, v] of pairs) params.push([rfc3986(k), rfc3986(v)]);
  params.sort(byNameThenValue);
  let parameters = '';
  for (const [k, v] of params) parameters += `${parameters ? '&' : ''}${k}=${v}`;
  const base = `${method.toUpperCase()}&${rfc3986(signatureBaseUrl(url))}&${rfc3986(parameters)}`;
  const signature = hmacSha1(base, `${rfc3986(creds.consumerSecret)}&${rfc3986(creds.tokenSecret)}`);
  // The header lists the oauth_* parameters by name, the signature among them.
  oauth.splice(2, 0, ['oauth_signature', rfc3986(signature)]);
  return `OAuth ${oauth.map(([k, v]) => `${k}="${v}"`).join(', ')}`;
}

/** Header for a live request: fresh nonce (the server never checks replay, but RFC 5849 wants one) and now. */
export function oauthHeader(creds: OAuthCredentials, method: string, url: URL, pairs: readonly (readonly [string, string])[]): string {
  return oauthHeaderFor(creds, method, url, pairs, {
    // 32 hex digits as before (122 random bits): randomUUID draws from a pool node refills in
    // batches, where randomBytes(16) asked OpenSSL on every call.
    nonce: crypto.randomUUID().replaceAll('-', ''),
    timestamp: Math.floor(Date.now() / 1000),
  });
}
