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
  actAs?: (auth: unknown, fn: () => Promise<FhirResponse>) => Promise<FhirResponse>;
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

export function createFhirHandler(opts: FhirHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
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

  return async (req, res) => {
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
      return;
    }

    // The abort signal is made only when something asks for it (an AbortController costs more than
    // a whole cache-hit read): `gone` remembers a client that left before anyone asked.
    let abort: AbortController | undefined;
    let gone = false;
    res.once('close', () => { if (!res.writableFinished) { gone = true; abort?.abort(); } });
    const fhirReq: FhirRequest = {
      method,
      path,
      query: q < 0 ? [] : queryPairs(url.slice(q + 1)),
      // Node joins repeated request headers into one string (only set-cookie, a response header, is an array).
      headers: req.headers as Record<string, string | undefined>,
      requestId,
      get signal(): AbortSignal {
        if (!abort) {
          abort = new AbortController();
          if (gone) abort.abort();
        }
        return abort.signal;
      },
    };
    let response: FhirResponse;
    let stream: AsyncIterable<Buffer> | undefined;
    try {
      checkParams(fhirReq.query);
      const condition = fhirReq.headers['if-none-exist'];
      if (condition !== undefined) checkParams(conditionPairs(condition), 'If-None-Exist header');
      let authError: unknown;
      if (opts.authenticate) {
        try { fhirReq.auth = await opts.authenticate(req, fhirReq); } catch (e) { authError = e; }
      }
      if (rateLimit) {
        // Counted even when authentication failed (keyed by IP then): guessing tokens is not free.
        const wait = await rateLimit.limits.take(rateLimitKey(fhirReq.auth, req.socket.remoteAddress), rateLimit.perMinute);
        if (wait > 0) throw tooManyRequests(`Too many requests: retry in ${wait} s`, wait);
      }
      if (authError !== undefined) throw authError;
      const bulk = opts.bulk?.endpoint.claims(fhirReq) ? opts.bulk : undefined;
      if (bulk) {
        if (method === 'POST') fhirReq.body = parseBody(await readBody(req, bulk.bodyLimitBytes), req.headers['content-type'], fhirReq.query);
        const answer = await bulk.endpoint.serve(fhirReq);
        ({ stream, ...response } = answer);
      } else {
        if (method !== 'GET' && method !== 'HEAD') {
          // undefined: the interaction takes no body here; the router answers it without one.
          const limit = opts.admitBody ? opts.admitBody(fhirReq) : opts.bodyLimitBytes;
          if (limit !== undefined) {
            fhirReq.body = parseBody(await readBody(req, Math.min(limit, opts.bodyLimitBytes)), req.headers['content-type'], fhirReq.query);
          }
        }
        const run = (): FhirResponse | Promise<FhirResponse> => (opts.serve ? opts.serve(fhirReq, router) : router(fhirReq));
        // A token's OSCAR calls count against its client's share of OSCAR's slots (oscar/guard/limiter.ts);
        // without a token (AUTH_MODE=none) there is no client to tell apart, only the global bounds.
        const caller = clientKey(fhirReq.auth);
        // A SMART app user's request runs as that user at OSCAR (src/auth/oscar/identity.ts).
        const acting = opts.actAs ? () => opts.actAs!(fhirReq.auth, async () => run()) : run;
        response = await (caller === undefined ? acting() : asCaller(caller, acting));
      }
    } catch (err) {
      const mapped = errorResponse(err);
      if (mapped.bug) logger.error({ requestId, err }, 'unexpected error outside the router');
      response = mapped.response;
    }
    try {
      if (stream) await sendStream(req, res, response, stream, requestId, method === 'HEAD', corsHeaders);
      else send(req, res, response, requestId, method === 'HEAD', corsHeaders);
    } catch (err) {
      // A response we cannot serialise is our bug; the client still gets a clean 500.
      logger.error({ requestId, err }, 'could not write the response');
      response = errorResponse(err).response;
      if (!res.headersSent) send(req, res, response, requestId, method === 'HEAD', corsHeaders);
      else res.destroy();
    }
    const ms = performance.now() - started;
    const level = response.status >= 400 ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) {
      const clientId = (fhirReq.auth as { clientId?: unknown } | undefined)?.clientId;
      logger[level]({ requestId, method, route: routeLabel(path), status: response.status, ms: Math.round(ms * 10) / 10, clientId }, 'request');
    }
    opts.onFinished?.({ req: fhirReq, status: response.status, ms, auth: fhirReq.auth });
  };
}
