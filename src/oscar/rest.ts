// OSCAR's third-party REST API under `<base>/ws/services` (contract 1.2), every call signed with
// OAuth 1.0a. One call = one HTTP exchange; retries, limits and breakers live in client.ts.

import { actingOscarUser } from './acting-user.js';
import { HttpTransport } from './http-transport.js';
import type { HttpReply } from './http-transport.js';
import { OscarAuthError, OscarFaultError, OscarProtocolError, OscarSignInEndedError, OscarUnavailableError, SIGNED_OUT_CODES } from './errors.js';
import { parseJsonBytes } from './json-pieces.js';
import { buildUrl, oauthHeader, queryPairs } from './oauth-sign.js';
import { retryAfterMs } from './guard/throttle.js';
import { NO_OWN_TOKEN, OWN_SIGNATURE_REFUSED, OwnSignatureCheck, type OwnSignatureVerdict } from './own-signature.js';
import type { OAuthCredentials, QueryParams } from './oauth-sign.js';

export interface RestCall {
  /** Logical operation name used in errors and metrics, e.g. 'rest:getDemographic'. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below `/ws/services`, e.g. `/demographics/1001`. */
  path: string;
  query?: QueryParams;
  /** Sent as JSON; never part of the signature (contract 2.4). */
  body?: unknown;
  /** contract 1.3/7.15: methods without @Produces are XML-only and answer 406 to JSON. */
  accept?: 'json' | 'xml';
  timeoutMs: number;
  /** Called the moment OSCAR's whole answer is in, before it is read (the guard's slot, guard/slot.ts). */
  answered?: () => void;
}

export interface RestClientOptions {
  /** OSCAR web-app base, e.g. 'https://emr.example.org/oscar'. */
  baseUrl: string;
  oauth: OAuthCredentials;
  transport: HttpTransport;
  /** Clock used to suspect clock skew on signature failures (tests replace it). */
  now?: () => number;
}

/**
 * OAuthInterceptor's refusal (contract 1.6): the faultstring of CXF's XMLFault is the exception
 * alone, its class (any package) and the code. Not the words anywhere in a 500: a signed-in user's
 * token is dropped on this (contract 2.7), and an error page (OSCAR's, or a proxy's in front of
 * it) that echoed a request's text, an app's search value, must not drop it.
 */
const OAUTH_FAULT = /<(?:[A-Za-z_][\w.-]*:)?faultstring\b[^>]*>\s*(?:[A-Za-z_$][\w$]*\.)*OAuth1Exception:\s*([A-Za-z_]+)\s*<\//;
/** contract 2.4: OSCAR accepts timestamps within ±300 s. */
const SKEW_LIMIT_MS = 300_000;

export class RestClient {
  private readonly root: string;
  private readonly oauth: OAuthCredentials;
  private readonly transport: HttpTransport;
  private readonly now: () => number;
  /** contract 2.7: whether OSCAR accepts the facade's own signature, asked before a user's token is taken as ended. */
  private readonly own: OwnSignatureCheck;

  constructor(opts: RestClientOptions) {
    this.root = `${opts.baseUrl.replace(/\/+$/, '')}/ws/services`;
    this.oauth = opts.oauth;
    this.transport = opts.transport;
    this.now = opts.now ?? Date.now;
    this.own = new OwnSignatureCheck(() => this.askOwnSignature(), this.now);
  }

  /** Performs the call; resolves to the parsed JSON, or undefined for 204 / empty / XML answers. */
  async call<T>(c: RestCall): Promise<T | undefined> {
    const reply = await this.send(c);
    // A refusal may need one more call to OSCAR (failure()); an answer is read as it comes.
    if (reply.status !== 204 && (reply.status < 200 || reply.status >= 300)) throw await this.failure(c, reply, reply.body.toString('utf8'));
    return this.read<T>(c, reply);
  }

  /** The signed exchange and OSCAR's raw answer, whatever its status (capability probes read it). */
  send(c: RestCall): Promise<HttpReply> {
    const pairs = queryPairs(c.query, c.operation);
    const url = buildUrl(this.root, c.path, pairs);
    const headers: Record<string, string> = {
      Accept: c.accept === 'xml' ? 'application/xml' : 'application/json',
      Authorization: oauthHeader(this.credentials(), c.method, url, pairs),
    };
    let body: string | undefined;
    if (c.body !== undefined) {
      body = JSON.stringify(c.body);
      headers['Content-Type'] = 'application/json';
    }
    return this.transport.send({ method: c.method, url, headers, body, timeoutMs: c.timeoutMs, operation: c.operation, answered: c.answered });
  }

  /** The facade's token, or the signed-in user's while a request acts as them (acting-user.ts). */
  private credentials(): OAuthCredentials {
    const user = actingOscarUser();
    return user ? { ...this.oauth, token: user.token, tokenSecret: user.tokenSecret } : this.oauth;
  }

  private read<T>(c: RestCall, reply: HttpReply): T | undefined {
    const { status } = reply;
    if (status === 204) return undefined; // contract 1.6: a null result (e.g. unknown id) is 204
    if (c.accept === 'xml') return undefined;
    try {
      // A long answer is parsed in pieces, not made one string (json-pieces.ts); blanks alone are no answer.
      return parseJsonBytes(reply.body) as T | undefined;
    } catch {
      throw new OscarProtocolError(c.operation, `HTTP ${status} body is not JSON`);
    }
  }

  private async failure(c: RestCall, reply: HttpReply, text: string): Promise<Error> {
    const code = oauthRefusal(reply, text, this.now());
    if (code !== undefined) {
      // contract 2.7: signed with a signed-in user's token, these codes are that token refused;
      // invalid_signature only once OSCAR is seen to accept the facade's own (own-signature.ts).
      const user = actingOscarUser();
      if (user && SIGNED_OUT_CODES.has(code)) {
        const own = code === 'invalid_signature' ? await this.own.confirm() : 'accepted';
        if (own === 'unreachable') return new OscarUnavailableError(c.operation, 'connection', { retryAfterSeconds: 5, code: 'OWN_SIGNATURE_UNCONFIRMED' });
        if (own !== 'accepted') return new OscarAuthError(c.operation, own === 'refused' ? OWN_SIGNATURE_REFUSED : NO_OWN_TOKEN);
        user.signInEnded?.();
        return new OscarSignInEndedError(c.operation, code);
      }
      return new OscarAuthError(c.operation, code);
    }
    return new OscarFaultError(c.operation, { upstreamStatus: reply.status, upstreamMessage: text, retryAfterMs: retryAfterMs(reply.headers['retry-after'], this.now()) });
  }

  /**
   * `/oauth/info` (contract 2.6, the cheapest call OSCAR authenticates; readiness asks it too:
   * client.ts probe) signed with the facade's own token whoever the request acts as.
   */
  private async askOwnSignature(): Promise<OwnSignatureVerdict> {
    // contract 2.7, docs/smart-app-launch.md §7.7: without a token of its own the facade cannot
    // tell a user's deleted token from its own setup at fault; the safe side is to keep the
    // user's token and name the setup (502), never to end every clinician's sign-in.
    if (this.oauth.token === '') return 'no-own-token';
    const url = buildUrl(this.root, '/oauth/info', []);
    const reply = await this.transport.send({
      method: 'GET', url, operation: 'rest:oauthInfo', timeoutMs: OWN_SIGNATURE_TIMEOUT_MS,
      headers: { Accept: 'application/json', Authorization: oauthHeader(this.oauth, 'GET', url, []) },
    });
    return ownSignatureVerdict(reply, reply.body.toString('utf8'), this.now());
  }
}

/** The confirmation's own bound, whatever the refused call's: it is one small answer. */
const OWN_SIGNATURE_TIMEOUT_MS = 5_000;

/**
 * What OSCAR's answer to `/oauth/info` signed with the facade's own token says of that signature:
 * any OAuth refusal is 'refused'; a 200 naming no error 'accepted' (contract 2.6: OSCAR's own
 * failures are 200 {"error": …}); anything else 'unreachable' (OSCAR could not say).
 */
export function ownSignatureVerdict(reply: Pick<HttpReply, 'status' | 'headers'>, text: string, now: number): OwnSignatureVerdict {
  if (oauthRefusal(reply, text, now) !== undefined) return 'refused';
  if (reply.status !== 200) return 'unreachable';
  try {
    const body = JSON.parse(text) as { error?: unknown } | null;
    return body !== null && typeof body === 'object' && body.error === undefined ? 'accepted' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}

/**
 * The OAuth1Exception code of OSCAR's refusal of a signed call (contract 1.6/2.3: an HTTP 500 CXF
 * XMLFault naming it), 'clock skew?' for a rejected signature when OSCAR's Date header is further
 * from `now` than OSCAR tolerates; undefined when the answer is not an OAuth refusal.
 */
export function oauthRefusal(reply: Pick<HttpReply, 'status' | 'headers'>, text: string, now: number): string | undefined {
  const oauth = reply.status === 500 ? OAUTH_FAULT.exec(text) : null;
  if (!oauth) return undefined;
  const code = oauth[1] ?? 'oauth_authentication_failed';
  return code === 'invalid_signature' && skewed(reply, now) ? 'clock skew?' : code;
}

/** True when the server's Date header is further from our clock than OSCAR tolerates. */
function skewed(reply: Pick<HttpReply, 'headers'>, now: number): boolean {
  const date = reply.headers.date ? Date.parse(reply.headers.date) : Number.NaN;
  return Number.isFinite(date) && Math.abs(date - now) > SKEW_LIMIT_MS;
}
