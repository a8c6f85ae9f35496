// The FHIR endpoint on plain node:http: turns an HTTP request into a FhirRequest, runs the
// transport-agnostic router, and writes the FhirResponse. It deliberately sits in front of
// Express (see server.ts): the FHIR hot path needs none of Express's routing, and skipping it
// is what keeps a cache-hit read close to the speed of a bare node:http server.
// Order of checks: CORS preflight → query bounds → caller identity → rate limit → which
// interaction and whether the caller may attempt it (body-admission.ts) → body, bounded for that
// interaction → router, so nothing a client cannot be allowed to do costs a body read or an OSCAR
// call. An answer given while a body is still arriving closes the connection (connection-close.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  conditionPairs, operationOutcome, renderBody, toOperationOutcome, tooManyRequests, type FhirRequest, type FhirResponse, type FhirRouter,
  type FinishedRequest,
} from '../fhir/index.js';
import type { Logger } from '../logging.js';
import { asCaller } from '../oscar/guard/caller.js';
import type { BulkEndpoint, BulkResponse } from '../bulk/http.js';
import { acceptsGzip } from './accept-encoding.js';
import type { AdmitBody } from './body-admission.js';
import { parseBody, readBody } from './body.js';
import { closeUnreadBody, leavesBodyUnread } from './connection-close.js';
import { ANY_ORIGIN, isPreflight, type CorsPolicy } from './cors.js';
import { checkParams } from './input-guard.js';
import { clientKey, rateLimitKey, type RateLimit } from './rate-limit.js';
import { requestIdFor } from './request-id.js';
import type { RouteLabeler } from './route-label.js';
import type { DrainState } from './shutdown.js';

export interface FhirHandlerOptions {
  router: FhirRouter;
  /** Path prefix of the FHIR base, e.g. '/fhir'. */
  basePath: string;
  /** Largest body read for any request. */
  bodyLimitBytes: number;
  /** Per-interaction body limit and the pre-body permission check; absent = bodyLimitBytes for every body. */
  admitBody?: AdmitBody;
  /** How long a connection whose body was left unread may linger after the answer before it is destroyed. */
  unreadBodyGraceMs?: number;
  logger: Logger;
  /** Attaches the caller's identity (SMART) to the request, or throws a 401/403 FhirError. */
  authenticate?: (req: IncomingMessage, fhirReq: FhirRequest) => Promise<unknown> | unknown;
  /** Runs the request as its caller where that matters upstream (a SMART app user's own OSCAR token). */
  actAs?: (auth: unknown, fn: () => FhirResponse | Promise<FhirResponse>) => FhirResponse | Promise<FhirResponse>;
  /** Called once per finished request (metrics, audit). */
  onFinished?: (info: FinishedRequest) => void;
  /** CORS_ORIGINS policy; absent = no CORS headers, preflights get a plain OPTIONS answer. */
  cors?: CorsPolicy;
  /** RATE_LIMIT_PER_MINUTE limiter; absent = unlimited. */
  rateLimit?: RateLimit;
  /** Headers on every answer (security-headers.ts). */
  baseHeaders: Readonly<Record<string, string>>;
  /** Shutdown state: while draining, answers carry `Connection: close`. */
  drain?: DrainState;
  /** Log-safe shape of a path (no ids, no PHI). */
  routeLabel: RouteLabeler;
  /** Runs the router, answering authorised cache hits itself (src/cache/read-cache.ts); default: the router. */
  serve?: (req: FhirRequest, router: FhirRouter) => FhirResponse | Promise<FhirResponse>;
  /** The Bulk Data export (src/bulk/http.ts): answers its own paths, with the body limit of a resource. */
  bulk?: { endpoint: BulkEndpoint; bodyLimitBytes: number };
}

const ALLOW = 'GET, HEAD, POST, PUT, OPTIONS';
const FHIR_JSON_UTF8 = 'application/fhir+json; charset=utf-8';
/**
 * SMART 2.2 (smart §1.1): the CapabilityStatement is discovery, readable from any origin; it holds
 * no PHI and needs no token. Every other path keeps the configured policy.
 */
const isDiscovery = (path: string): boolean => path === '/metadata';
const ORIGIN_REFUSED = operationOutcome([{ severity: 'error', code: 'forbidden', diagnostics: 'This origin is not allowed to call this server (CORS_ORIGINS)' }]);

function queryPairs(search: string): [string, string][] {
  const pairs: [string, string][] = [];
  // URLSearchParams turns '+' into a space, as HTML forms and most FHIR clients expect.
  for (const [k, v] of new URLSearchParams(search)) pairs.push([k, v]);
  return pairs;
}

function errorResponse(err: unknown): { response: FhirResponse; bug: boolean } {
  const mapped = toOperationOutcome(err);
  return { response: { status: mapped.status, headers: { 'content-type': FHIR_JSON_UTF8, ...mapped.headers }, body: mapped.outcome }, bug: mapped.bug };
}

/** A step's result, now or later. */
type Later<T> = T | Promise<T>;
const isThenable = (x: unknown): x is Promise<unknown> => typeof (x as { then?: unknown } | null | undefined)?.then === 'function';

/** What a request is answered with: a FhirResponse, or an export file streamed under its status and headers. */
type Answer = FhirResponse & { stream?: AsyncIterable<Buffer> };

/**
 * The FhirRequest of one HTTP request. Its abort signal is made only when something asks for it:
 * an AbortController and a 'close' listener per request cost more than a whole cache-hit read,
 * and a hit never asks. A client that left before anyone asked gets an aborted signal; one that
 * leaves later aborts it then.
 */
class HttpFhirRequest implements FhirRequest {
  auth: unknown = undefined;
  body: unknown = undefined;
  readonly #res: ServerResponse;
  #abort: AbortController | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly query: [string, string][],
    // Node joins repeated request headers into one string (only set-cookie, a response header, is an array).
    readonly headers: Record<string, string | undefined>,
    readonly requestId: string,
    res: ServerResponse,
  ) {
    this.#res = res;
  }

  get signal(): AbortSignal {
    if (!this.#abort) {
      const abort = (this.#abort = new AbortController());
      const res = this.#res;
      if (res.closed) {
        if (!res.writableFinished) abort.abort();
      } else {
        res.once('close', () => { if (!res.writableFinished) abort.abort(); });
      }
    }
    return this.#abort.signal;
  }
}

/**
 * The handler answers a request: undefined when it was answered at once (a cache hit: every step
 * answered without waiting, so no promise and no microtask), else a promise of the answer being sent.
 */
export type FhirHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | undefined;

export function createFhirHandler(opts: FhirHandlerOptions): FhirHandler {
  const { router, basePath, logger, cors, rateLimit, drain, baseHeaders, routeLabel } = opts;

  const graceMs = opts.unreadBodyGraceMs ?? 1_000;

  /**
   * A file of an export: written as it is read, with backpressure, never whole in memory; gzipped
   * on the way when the client accepts it.
   */
  async function sendStream(req: IncomingMessage, res: ServerResponse, response: BulkResponse, stream: AsyncIterable<Buffer>, requestId: string, head: boolean, corsHeaders: Readonly<Record<string, string>> | undefined): Promise<void> {
    const gzip = response.status === 200 && acceptsGzip(req.headers['accept-encoding']);
    res.writeHead(response.status, {
      ...baseHeaders, ...corsHeaders, ...response.headers, 'x-request-id': requestId, vary: 'Accept-Encoding',
      ...(gzip && { 'content-encoding': 'gzip' }), ...(drain?.draining && { connection: 'close' }),
    });
    if (head) { res.end(); return; }
    try {
      if (gzip) {
        try {
          await pipeline(Readable.from(stream), createGzip(), res);
        } catch (err) {
          if (res.destroyed && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
          throw err;
        }
        return;
      }
      for await (const chunk of stream) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await new Promise((r) => { res.once('drain', r); res.once('close', r); });
      }
      res.end();
    } catch (err) {
      // The status is out already: the client sees a cut answer, the log says why.
      logger.error({ requestId, error: (err as Error).name }, 'export file could not be read');
      res.destroy();
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, response: FhirResponse, requestId: string, head: boolean, corsHeaders: Readonly<Record<string, string>> | undefined): void {
    if (res.headersSent || res.destroyed) return;
    let body = renderBody(response);
    const headers: Record<string, string | number> = { ...baseHeaders, ...corsHeaders, ...response.headers, 'x-request-id': requestId };
    // While draining, and when a body was left unread (refused before or while reading it), the
    // connection is not reused.
    const unread = leavesBodyUnread(req);
    if (drain?.draining || unread) headers.connection = 'close';
    if (body) headers['content-length'] = body.length;
    if (head) body = undefined;
    res.writeHead(response.status, headers);
    res.end(body);
    if (unread) closeUnreadBody(req, res, graceMs);
  }

  // The steps of a request, in the order of the header comment. Each goes on to the next at once
  // when its own work did not wait (a cache hit waits for nothing), and through a promise otherwise.

  /** Query bounds, then the caller's identity (a failure is kept for after the rate limit). */
  function identify(req: IncomingMessage, fhirReq: HttpFhirRequest): Later<Answer> {
    checkParams(fhirReq.query);
    const condition = fhirReq.headers['if-none-exist'];
    if (condition !== undefined) checkParams(conditionPairs(condition), 'If-None-Exist header');
    if (!opts.authenticate) return admit(req, fhirReq, undefined);
    let who: unknown;
    try {
      who = opts.authenticate(req, fhirReq);
    } catch (e) {
      return admit(req, fhirReq, e);
    }
    if (!isThenable(who)) {
      fhirReq.auth = who;
      return admit(req, fhirReq, undefined);
    }
    return who.then((auth) => { fhirReq.auth = auth; return admit(req, fhirReq, undefined); }, (e: unknown) => admit(req, fhirReq, e));
  }

  /** The rate limit: counted even when authentication failed (keyed by IP then): guessing tokens is not free. */
  function admit(req: IncomingMessage, fhirReq: HttpFhirRequest, authError: unknown): Later<Answer> {
    if (!rateLimit) return dispatch(req, fhirReq, authError);
    return rateLimit.limits.take(rateLimitKey(fhirReq.auth, req.socket.remoteAddress), rateLimit.perMinute).then((wait) => {
      if (wait > 0) throw tooManyRequests(`Too many requests: retry in ${wait} s`, wait);
      return dispatch(req, fhirReq, authError);
    });
  }

  /** A refused caller is answered now; then the export, a body bounded for its interaction, or the router. */
  function dispatch(req: IncomingMessage, fhirReq: HttpFhirRequest, authError: unknown): Later<Answer> {
    if (authError !== undefined) throw authError;
    const bulk = opts.bulk?.endpoint.claims(fhirReq) ? opts.bulk : undefined;
    if (bulk) return serveBulk(req, fhirReq, bulk);
    if (fhirReq.method !== 'GET' && fhirReq.method !== 'HEAD') {
      // undefined: the interaction takes no body here; the router answers it without one.
      const limit = opts.admitBody ? opts.admitBody(fhirReq) : opts.bodyLimitBytes;
      if (limit !== undefined) return routeWithBody(req, fhirReq, Math.min(limit, opts.bodyLimitBytes));
    }
    return route(fhirReq);
  }

  async function serveBulk(req: IncomingMessage, fhirReq: HttpFhirRequest, bulk: NonNullable<FhirHandlerOptions['bulk']>): Promise<Answer> {
    if (fhirReq.method === 'POST') fhirReq.body = parseBody(await readBody(req, bulk.bodyLimitBytes), req.headers['content-type'], fhirReq.query);
    return bulk.endpoint.serve(fhirReq);
  }

  async function routeWithBody(req: IncomingMessage, fhirReq: HttpFhirRequest, limit: number): Promise<Answer> {
    fhirReq.body = parseBody(await readBody(req, limit), req.headers['content-type'], fhirReq.query);
    return route(fhirReq);
  }

  /**
   * The router, run as the request's client: a token's OSCAR calls count against its client's share
   * of OSCAR's slots (oscar/guard/limiter.ts); without a token (AUTH_MODE=none) there is no client
   * to tell apart, only the global bounds. Only the router is run so: a cache hit calls no OSCAR,
   * and entering the scope cost it a context frame per request; the hooks it runs enter it
   * themselves where they read OSCAR (src/auth/enforce.ts).
   */
  const asClient: FhirRouter = (fhirReq) => {
    const caller = clientKey(fhirReq.auth);
    return caller === undefined ? router(fhirReq) : asCaller(caller, () => router(fhirReq));
  };
  const run = (fhirReq: FhirRequest): Later<FhirResponse> => (opts.serve ? opts.serve(fhirReq, asClient) : asClient(fhirReq));
  // A SMART app user's request runs as that user at OSCAR (src/auth/oscar/identity.ts).
  const route = (fhirReq: FhirRequest): Later<FhirResponse> => (opts.actAs ? opts.actAs(fhirReq.auth, () => run(fhirReq)) : run(fhirReq));

  function failed(fhirReq: FhirRequest, err: unknown): FhirResponse {
    const mapped = errorResponse(err);
    if (mapped.bug) logger.error({ requestId: fhirReq.requestId, err }, 'unexpected error outside the router');
    return mapped.response;
  }

  /** The answer written (streamed for an export file), then logged and reported. */
  function finish(req: IncomingMessage, res: ServerResponse, fhirReq: HttpFhirRequest, answer: Answer, started: number, corsHeaders: Readonly<Record<string, string>> | undefined): Promise<void> | undefined {
    const head = fhirReq.method === 'HEAD';
    const { stream } = answer;
    if (stream) {
      const { stream: _, ...response } = answer;
      return sendStream(req, res, response, stream, fhirReq.requestId, head, corsHeaders).then(
        () => finished(fhirReq, response.status, started),
        (err: unknown) => finished(fhirReq, writeFailed(req, res, fhirReq, err, corsHeaders), started),
      );
    }
    let status = answer.status;
    try {
      send(req, res, answer, fhirReq.requestId, head, corsHeaders);
    } catch (err) {
      status = writeFailed(req, res, fhirReq, err, corsHeaders);
    }
    finished(fhirReq, status, started);
    return undefined;
  }

  /** A response we cannot serialise is our bug; the client still gets a clean 500. The status sent. */
  function writeFailed(req: IncomingMessage, res: ServerResponse, fhirReq: FhirRequest, err: unknown, corsHeaders: Readonly<Record<string, string>> | undefined): number {
    logger.error({ requestId: fhirReq.requestId, err }, 'could not write the response');
    const response = errorResponse(err).response;
    if (!res.headersSent) send(req, res, response, fhirReq.requestId, fhirReq.method === 'HEAD', corsHeaders);
    else res.destroy();
    return response.status;
  }

  function finished(fhirReq: HttpFhirRequest, status: number, started: number): void {
    const ms = performance.now() - started;
    const level = status >= 400 ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) {
      const clientId = (fhirReq.auth as { clientId?: unknown } | undefined)?.clientId;
      logger[level]({ requestId: fhirReq.requestId, method: fhirReq.method, route: routeLabel(fhirReq.path), status, ms: Math.round(ms * 10) / 10, clientId }, 'request');
    }
    opts.onFinished?.({ req: fhirReq, status, ms, auth: fhirReq.auth });
  }

  return (req, res) => {
    const started = performance.now();
    const requestId = requestIdFor(req.headers['x-request-id']);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    // Kept percent-encoded: the router decodes each segment once (a decoded '%2F' must not split one).
    const path = (q < 0 ? url : url.slice(0, q)).slice(basePath.length) || '/';
    const policy = isDiscovery(path) ? ANY_ORIGIN : cors;
    const corsHeaders = policy?.headersFor(req.headers.origin);

    if (method === 'OPTIONS') {
      // CORS preflight (browsers send no credentials on it) or a plain OPTIONS: no FHIR interaction.
      const pre = policy?.enabled && isPreflight(method, req.headers) ? policy.preflight(req.headers.origin!) : undefined;
      const response: FhirResponse = !pre || pre.status === 204
        ? { status: 204, headers: { allow: ALLOW, ...pre?.headers } }
        : { status: pre.status, headers: { 'content-type': FHIR_JSON_UTF8, ...pre.headers }, body: ORIGIN_REFUSED };
      send(req, res, response, requestId, false, undefined);
      return undefined;
    }

    const fhirReq = new HttpFhirRequest(method, path, q < 0 ? [] : queryPairs(url.slice(q + 1)), req.headers as Record<string, string | undefined>, requestId, res);
    let answer: Later<Answer>;
    try {
      answer = identify(req, fhirReq);
    } catch (err) {
      answer = failed(fhirReq, err);
    }
    if (!isThenable(answer)) return finish(req, res, fhirReq, answer, started, corsHeaders);
    return answer.then(
      (a) => finish(req, res, fhirReq, a, started, corsHeaders),
      (err: unknown) => finish(req, res, fhirReq, failed(fhirReq, err), started, corsHeaders),
    );
  };
}
