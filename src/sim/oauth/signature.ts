import { createHmac, timingSafeEqual } from 'node:crypto';
import { extractOAuthParameters } from './header.js';
import { pct, pctDecodeLatin1 } from './percent.js';
import { isFormContentType, type ServletRequestView } from './request-view.js';

/** The verifier's IllegalArgumentException: missing/stale timestamp, unknown token, bad signature. */
export class SignatureRejected extends Error {}

/** contract 2.4: ±300 s between oauth_timestamp and the server clock. */
export const ALLOWED_SKEW_SECONDS = 300;

export interface TokenSecrets {
  requestTokenSecret(token: string): string | null;
  accessTokenSecret(token: string): string | null;
}

/** `scheme://host[:port]path` as the container sees it: host lower-cased, default port dropped. */
export function signatureBaseUrl(view: ServletRequestView): string {
  const scheme = view.scheme.toLowerCase();
  const host = view.serverName.toLowerCase();
  const defaultPort = (scheme === 'http' && view.serverPort === 80) || (scheme === 'https' && view.serverPort === 443);
  const path = view.requestURI === '' ? '/' : view.requestURI;
  return `${scheme}://${host}${defaultPort ? '' : `:${view.serverPort}`}${path}`;
}

/** The normalised parameter string (contract 2.4 "Parameters"), quirks included. */
export function normalizedParameters(view: ServletRequestView, oauth: Map<string, string>): string {
  const all: Array<[string, string]> = [];
  for (const [k, v] of oauth) {
    if (k === 'oauth_signature' || k.toLowerCase() === 'realm') continue;
    all.push([k, pctDecodeLatin1(v)]); // second decoding of header values; non-ASCII turns into Latin-1 mojibake
  }
  if (view.queryString) {
    for (const qp of view.queryString.split('&')) {
      if (!qp) continue;
      const eq = qp.indexOf('=');
      const k = pctDecodeLatin1(eq < 0 ? qp : qp.slice(0, eq));
      const v = eq < 0 ? '' : pctDecodeLatin1(qp.slice(eq + 1)); // a literal '+' stays '+'
      if (!k.startsWith('oauth_')) all.push([k, v]);
    }
  }
  if (isFormContentType(view.contentType)) {
    // the servlet parameter map also holds the query parameters, so they count twice here
    for (const [k, vals] of view.parameterMap) if (!k.startsWith('oauth_')) for (const v of vals) all.push([k, v]);
  }
  const enc = all.map(([k, v]) => [pct(k), pct(v)] as const);
  enc.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return enc.map(([k, v]) => `${k}=${v}`).join('&');
}

export function signatureBaseString(view: ServletRequestView, oauth: Map<string, string>): string {
  return `${view.method.toUpperCase()}&${pct(signatureBaseUrl(view))}&${pct(normalizedParameters(view, oauth))}`;
}

export function hmacSha1Base64(baseString: string, key: string): string {
  return createHmac('sha1', Buffer.from(key, 'utf8')).update(Buffer.from(baseString, 'utf8')).digest('base64');
}

function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) { timingSafeEqual(x, x); return false; }
  return timingSafeEqual(x, y);
}

/**
 * OAuth1SignatureVerifierImplementation.verifySignature (contract 2.4). HMAC-SHA1 only: the
 * signature method is never looked at. Nonces are never checked. Returns the oauth_token.
 */
export function verifySignature(
  view: ServletRequestView, consumerSecret: string, secrets: TokenSecrets, nowSeconds: number,
): string | null {
  const oauth = extractOAuthParameters(view);
  const token = oauth.get('oauth_token') ?? null;
  const incomingSig = oauth.get('oauth_signature');
  if (incomingSig === undefined) throw new SignatureRejected('Missing OAuth signature');

  const tsStr = oauth.get('oauth_timestamp');
  if (tsStr === undefined || tsStr === '') throw new SignatureRejected('Missing oauth_timestamp');
  if (!/^[+-]?\d{1,18}$/.test(tsStr)) throw new SignatureRejected('Invalid oauth_timestamp');
  if (Math.abs(nowSeconds - Number(tsStr)) > ALLOWED_SKEW_SECONDS) throw new SignatureRejected('Stale oauth_timestamp');

  const uri = view.requestURI.toLowerCase();
  const isInitiate = uri.includes('/initiate');
  const isAccessEndpoint = uri.endsWith('/access_token') || uri.endsWith('/token');
  let tokenSecret: string | null = '';
  if (!isInitiate && token !== null && token !== '') {
    tokenSecret = isAccessEndpoint || oauth.has('oauth_verifier')
      ? secrets.requestTokenSecret(token)
      : secrets.accessTokenSecret(token);
  }
  if (tokenSecret === null) throw new SignatureRejected('Unknown or expired token');

  const computed = hmacSha1Base64(signatureBaseString(view, oauth), `${pct(consumerSecret)}&${pct(tokenSecret)}`);
  if (!constantTimeEquals(pctDecodeLatin1(incomingSig), computed)) throw new SignatureRejected('Invalid OAuth1 signature');
  return token;
}
