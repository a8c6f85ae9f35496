// An independent OAuth 1.0a verifier written the way OSCAR's OAuth1SignatureVerifierImplementation
// works (contract 2.4), with no code shared with src/oscar: it rebuilds the base string from what
// the server received and compares signatures.

import crypto from 'node:crypto';
import type { SeenRequest } from './fake-http.js';

const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Latin-1 byte-to-char percent-decoding, as OSCAR does it (so non-ASCII fails like on OSCAR). */
const pctDecodeLatin1 = (s: string): string => s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

export function verifyOAuth(req: SeenRequest, origin: string, secrets: { consumerSecret: string; tokenSecret: string }): boolean {
  const auth = String(req.headers.authorization ?? '');
  if (!auth.startsWith('OAuth ')) return false;
  const params: [string, string][] = [];
  let signature = '';
  for (const part of auth.slice(6).split(',')) {
    const m = /^\s*([^=]+)="([^"]*)"\s*$/.exec(part);
    if (!m) return false;
    const k = decodeURIComponent(m[1] ?? '');
    const v = decodeURIComponent(m[2] ?? '');
    if (k === 'oauth_signature') signature = v;
    else if (k !== 'realm') params.push([k, v]);
  }
  const [path = '', query] = req.url.split('?');
  for (const kv of query ? query.split('&') : []) {
    const [k = '', v = ''] = kv.split('=');
    // A literal '+' stays a '+' on OSCAR (contract 2.4).
    params.push([pctDecodeLatin1(k), pctDecodeLatin1(v)]);
  }
  const normalized = params.map(([k, v]) => [enc(k), enc(v)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const base = `${req.method}&${enc(origin + path)}&${enc(normalized)}`;
  const key = `${enc(secrets.consumerSecret)}&${enc(secrets.tokenSecret)}`;
  const expected = crypto.createHmac('sha1', key).update(base).digest('base64');
  return expected.length === signature.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}
