import { javaTrim, javaUrlDecode, splitOnce, UrlDecodeError } from './percent.js';
import type { ServletRequestView } from './request-view.js';

/** Thrown where Java code would throw a non-IllegalArgument runtime exception (e.g. substring out of range). */
export class ParserCrash extends Error {}

function stripQuotes(val: string): string {
  if (val.startsWith('"') && val.endsWith('"')) {
    // Java's substring(1, length-1) on a lone quote throws StringIndexOutOfBoundsException.
    if (val.length < 2) throw new ParserCrash('String index out of range');
    return val.slice(1, -1);
  }
  return val;
}

/** OAuthRequestParser.isOAuth1Request: ANY Authorization header, or an oauth_consumer_key parameter. */
export function isOAuth1Request(view: ServletRequestView): boolean {
  return view.authorizationHeaders.length > 0 || view.parameterMap.has('oauth_consumer_key');
}

/**
 * OAuthRequestParser.extractOAuthParameters (resource guard and signature verifier; contract 2.4):
 * only headers starting with the case-sensitive `OAuth `, split on commas, values URL-decoded once
 * here (`+` → space) and percent-decoded again later by the verifier; then `oauth_*` request
 * parameters fill in what the header lacks.
 */
export function extractOAuthParameters(view: ServletRequestView): Map<string, string> {
  const params = new Map<string, string>();
  for (const header of view.authorizationHeaders) {
    if (!header.startsWith('OAuth ')) continue;
    const raw = header.slice('OAuth '.length);
    for (const pair of raw.split(/\s*,\s*/)) {
      const kv = splitOnce(pair, '=');
      if (kv.length !== 2) continue;
      const key = javaTrim(kv[0]);
      let val = stripQuotes(javaTrim(kv[1]));
      try { val = javaUrlDecode(val); } catch (e) { if (!(e instanceof UrlDecodeError)) throw e; }
      params.set(key, val);
    }
  }
  for (const [k, vals] of view.parameterMap) {
    const first = vals[0];
    if (k.startsWith('oauth_') && first !== undefined && !params.has(k)) params.set(k, first);
  }
  return params;
}

/** What OAuth1ParamParser lifts out of a request to /initiate or /token. */
export interface OAuth1Request {
  params: Map<string, string[]>;
  consumerKey: string | null;
  signature: string | null;
  signatureMethod: string | null;
  token: string | null;
  timestamp: string | null;
  nonce: string | null;
  callback: string | null;
  verifier: string | null;
  scope: string | null;
}

/** OAuth1Exception(400, "invalid_oauth_parameters"): unmapped, so the client sees a 500 error page. */
export class InvalidOAuthParameters extends Error {
  constructor() { super('invalid_oauth_parameters'); }
}

/**
 * OAuth1ParamParser.parseFromRequest (initiate and token endpoints): a case-insensitive `OAuth `
 * header whose values are NOT decoded, query parameters with only `+` → space, and for form bodies
 * the whole parameter map (which repeats the query parameters).
 */
export function parseOAuth1Request(view: ServletRequestView): OAuth1Request {
  const params = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = params.get(k);
    if (list) list.push(v); else params.set(k, [v]);
  };
  const auth = view.authorizationHeaders[0];
  if (auth !== undefined && auth.slice(0, 6).toLowerCase() === 'oauth ') {
    const rest = javaTrim(auth.slice(6));
    for (const part of rest.split(',')) {
      const kv = splitOnce(javaTrim(part), '=');
      if (kv.length !== 2) continue;
      add(javaTrim(kv[0]), stripQuotes(javaTrim(kv[1])));
    }
  }
  if (view.queryString) {
    for (const qp of view.queryString.split('&')) {
      if (!qp) continue;
      const kv = splitOnce(qp, '=');
      add(kv[0].replace(/\+/g, ' '), kv.length > 1 ? (kv[1] ?? '').replace(/\+/g, ' ') : '');
    }
  }
  if (view.contentType !== null && view.contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [k, vals] of view.parameterMap) for (const v of vals) add(k, v);
  }
  const first = (k: string): string | null => params.get(k)?.[0] ?? null;
  const r: OAuth1Request = {
    params,
    consumerKey: first('oauth_consumer_key'),
    signature: first('oauth_signature'),
    signatureMethod: first('oauth_signature_method'),
    token: first('oauth_token'),
    timestamp: first('oauth_timestamp'),
    nonce: first('oauth_nonce'),
    callback: first('oauth_callback'),
    verifier: first('oauth_verifier'),
    scope: first('scope'),
  };
  if (r.consumerKey === null || r.signature === null || r.signatureMethod === null || r.timestamp === null || r.nonce === null) {
    throw new InvalidOAuthParameters();
  }
  return r;
}
