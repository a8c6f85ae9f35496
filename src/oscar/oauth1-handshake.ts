// OSCAR's three-legged OAuth 1.0a handshake from the consumer side (contract 2.3): initiate a
// request token with the consumer key/secret, send a person to the consent page, and exchange
// the verifier for the access token the facade signs every REST call with. Sent on the facade's
// own transport (http-transport.ts), so that the outbound proxy (docs/proxy.md) and the certificate
// trust (docs/oscar-tls.md) apply here too.
import crypto from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { OscarRedirectError, OscarTimeoutError } from './errors.js';
import { HttpTransport } from './http-transport.js';
import { signatureBaseUrl } from './oauth-sign.js';
import type { ProxySettings } from './proxy.js';
import type { OscarTrust } from './tls-trust.js';

export interface Consumer { key: string; secret: string }
export interface TokenPair { token: string; secret: string }
export interface HandshakeOptions {
  /** Per request (default 15 s). */
  timeoutMs?: number;
  /** The outbound proxy toward OSCAR; absent = direct. */
  proxy?: ProxySettings | undefined;
  /** Certificates trusted for OSCAR beyond the public roots (docs/oscar-tls.md). */
  tls?: OscarTrust | undefined;
}

export class HandshakeError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'HandshakeError';
  }
}

const hmacSha1 = (base: string, key: string): string => crypto.createHmac('sha1', key).update(base).digest('base64');

/**
 * `Authorization: OAuth …` for a handshake POST: `extra` OAuth parameters (oauth_callback,
 * oauth_verifier) go in the header and the signature; `form` parameters only in the signature.
 */
function authorization(consumer: Consumer, url: URL, form: Record<string, string>, extra: Record<string, string>, token?: TokenPair): string {
  const oauth = new OAuth({ consumer: { key: consumer.key, secret: consumer.secret }, signature_method: 'HMAC-SHA1', hash_function: hmacSha1 });
  const oauthData: Record<string, string | number> = {
    oauth_consumer_key: consumer.key,
    oauth_nonce: crypto.randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: Math.floor(Date.now() / 1000),
    oauth_version: '1.0',
    ...(token && { oauth_token: token.token }),
    ...extra,
  };
  // The package mutates the objects it is given (it merges parameters into them): pass copies.
  const signature = oauth.getSignature({ url: signatureBaseUrl(url), method: 'POST', data: { ...form } }, token?.secret ?? '', { ...oauthData } as unknown as OAuth.Data);
  return oauth.toHeader({ ...oauthData, oauth_signature: signature } as unknown as OAuth.Authorization).Authorization;
}

function endpoint(oscarUrl: string, path: string): URL {
  return new URL(`${oscarUrl.replace(/\/+$/, '')}${path}`);
}

async function post(url: URL, authorization: string, form: Record<string, string>, o: HandshakeOptions): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  const transport = new HttpTransport({ maxSockets: 1, ...(o.proxy && { proxy: o.proxy }), ...(o.tls && { tls: o.tls }) });
  try {
    const res = await transport.send({
      method: 'POST', url, operation: `oauth${url.pathname.slice(url.pathname.lastIndexOf('/'))}`, timeoutMs: o.timeoutMs ?? 15_000,
      headers: { Authorization: authorization, Accept: 'application/x-www-form-urlencoded', ...(body && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
      ...(body && { body }),
    });
    return { status: res.status, body: res.body.toString('utf8') };
  } catch (e) {
    const err = e as { reason?: string; code?: string };
    // Never followed: the request is signed for this very URL, and its credentials stay with it (docs/oscar-redirects.md).
    if (e instanceof OscarRedirectError) throw new HandshakeError(`OSCAR redirected ${url.pathname} (HTTP ${e.status}${e.to ? ` to ${e.to}` : ''}): ${e.hint}`, e.status);
    if (err.reason === 'tls') throw new HandshakeError(`OSCAR's HTTPS certificate was refused (${err.code}): trust it for OSCAR with OSCAR_TLS_FINGERPRINT or OSCAR_CA_FILE (docs/oscar-tls.md)`);
    // The error's own words name the proxy and its answer when the proxy refused (never its credentials).
    const why = e instanceof OscarTimeoutError ? 'TimeoutError' : (e as Error).message;
    throw new HandshakeError(`OSCAR did not answer at ${url.pathname} (${why}): is it running and reachable from here?`);
  } finally {
    transport.close();
  }
}

/**
 * Step 1: POST /ws/oauth/initiate. contract 2.3: oauth_callback is required in practice
 * (an absolute URL or 'oob'); keep it free of '%' and '+' (contract 2.4, double decoding).
 * `scope` is OSCAR's non-standard, stored-but-unenforced scope list (contract 2.5).
 */
export async function initiate(oscarUrl: string, consumer: Consumer, callback: string, scope: string | undefined, o: HandshakeOptions = {}): Promise<TokenPair> {
  if (/[%+]/.test(callback)) throw new HandshakeError('the callback URL must not contain "%" or "+" (OSCAR decodes header values twice, contract 2.4)');
  const url = endpoint(oscarUrl, '/ws/oauth/initiate');
  const form: Record<string, string> = scope ? { scope } : {};
  const res = await post(url, authorization(consumer, url, form, { oauth_callback: callback }), form, o);
  if (res.status !== 200) {
    // contract 2.3: every initiate failure (unknown consumer, bad signature, stale timestamp) is an HTTP 500 page.
    throw new HandshakeError(res.status === 500
      ? 'OSCAR refused to start the handshake: check the consumer key and secret (OSCAR admin > Integration > REST Clients) and that this computer\'s clock is right (±5 minutes)'
      : `OSCAR answered ${res.status} at /ws/oauth/initiate: is ${oscarUrl} the OSCAR web-app URL (e.g. https://host/oscar)?`, res.status);
  }
  const f = new URLSearchParams(res.body);
  const token = f.get('oauth_token');
  const secret = f.get('oauth_token_secret');
  if (!token || !secret) throw new HandshakeError('OSCAR\'s answer to initiate has no request token');
  return { token, secret };
}

/** Step 2: where a person approves the request (the consent page, contract 2.3 step 2). */
export function authorizeUrl(oscarUrl: string, requestToken: string): string {
  const url = endpoint(oscarUrl, '/ws/oauth/authorize');
  url.searchParams.set('oauth_token', requestToken);
  return url.href;
}

/** Step 3: POST /ws/oauth/token, signed with the request-token secret (contract 2.4). */
export async function exchange(oscarUrl: string, consumer: Consumer, request: TokenPair, verifier: string, o: HandshakeOptions = {}): Promise<TokenPair> {
  const url = endpoint(oscarUrl, '/ws/oauth/token');
  const res = await post(url, authorization(consumer, url, {}, { oauth_verifier: verifier }, request), {}, o);
  if (res.status !== 200) {
    // contract 2.3: 401 bodies are the bare OAuth error word.
    const word = res.body.trim().slice(0, 40);
    const hint = word === 'invalid_verifier' ? 'the verifier does not match (paste it exactly as OSCAR showed it)'
      : word === 'invalid_request_token' ? 'the request expired (OSCAR keeps it 1 hour) or was already used: run connect again'
        : `OSCAR answered ${res.status}${/^[a-z_]+$/.test(word) ? ` ${word}` : ''}`;
    throw new HandshakeError(`the token exchange failed: ${hint}`, res.status);
  }
  const f = new URLSearchParams(res.body);
  const token = f.get('oauth_token');
  const secret = f.get('oauth_token_secret');
  if (!token || !secret) throw new HandshakeError('OSCAR\'s answer to the token exchange has no access token');
  return { token, secret };
}
