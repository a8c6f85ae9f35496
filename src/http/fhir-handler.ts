// The FHIR endpoint on plain node:http: turns an HTTP request into a FhirRequest, runs the
// transport-agnostic router, and writes the FhirResponse. It deliberately sits in front of
// Express (see server.ts): the FHIR hot path needs none of Express's routing, and skipping it
// is what keeps a cache-hit read close to the speed of a bare node:http server (issue 8).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderBody, toOperationOutcome, type FhirRequest, type FhirResponse, type FhirRouter } from '../fhir/index.js';
import type { Logger } from '../logging.js';
import { parseBody, readBody } from './body.js';
import { requestIdFor } from './request-id.js';

export interface FhirHandlerOptions {
  router: FhirRouter;
  /** Path prefix of the FHIR base, e.g. '/fhir'. */
  basePath: string;
  bodyLimitBytes: number;
  logger: Logger;
  /** Attaches the caller's identity (SMART) to the request, or throws a 401/403 FhirError. */
  authenticate?: (req: IncomingMessage, fhirReq: FhirRequest) => Promise<unknown> | unknown;
  /** Called once per finished request (metrics, audit). */
  onFinished?: (info: FinishedRequest) => void;
}

export interface FinishedRequest {
  req: FhirRequest;
  status: number;
  ms: number;
  auth?: unknown;
}

/** Headers on every FHIR answer: PHI must never sit in a shared cache (proxy, CDN). */
const BASE_HEADERS: Record<string, string> = {
  'cache-control': 'private, no-cache',
  vary: 'Accept, Authorization, Origin',
  'x-content-type-options': 'nosniff',
};

function queryPairs(search: string): [string, string][] {
  const pairs: [string, string][] = [];
  // URLSearchParams turns '+' into a space, as HTML forms and most FHIR clients expect.
  for (const [k, v] of new URLSearchParams(search)) pairs.push([k, v]);
  return pairs;
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function createFhirHandler(opts: FhirHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { router, basePath, logger } = opts;
  return async (req, res) => {
    const started = performance.now();
    const requestId = requestIdFor(req.headers['x-request-id']);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    let path: string;
    try {
      path = decodeURIComponent(rawPath.slice(basePath.length)) || '/';
    } catch {
      path = rawPath.slice(basePath.length); // malformed %-escape: the router will 404 it
    }
    const abort = new AbortController();
    res.once('close', () => { if (!res.writableFinished) abort.abort(); });
    const fhirReq: FhirRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query: q < 0 ? [] : queryPairs(url.slice(q + 1)),
      headers: lowerHeaders(req),
      requestId,
      signal: abort.signal,
    };
    let response: FhirResponse;
    try {
      if (fhirReq.method !== 'GET' && fhirReq.method !== 'HEAD') {
        fhirReq.body = parseBody(await readBody(req, opts.bodyLimitBytes), req.headers['content-type']);
      }
      if (opts.authenticate) fhirReq.auth = await opts.authenticate(req, fhirReq);
      response = await router(fhirReq);
    } catch (err) {
      const mapped = toOperationOutcome(err);
      if (mapped.bug) logger.error({ requestId, err }, 'unexpected error outside the router');
      response = { status: mapped.status, headers: { 'content-type': 'application/fhir+json; charset=utf-8', ...mapped.headers }, body: mapped.outcome };
    }
    write(res, response, requestId, fhirReq.method === 'HEAD');
    opts.onFinished?.({ req: fhirReq, status: response.status, ms: performance.now() - started, auth: fhirReq.auth });
  };
}

function write(res: ServerResponse, response: FhirResponse, requestId: string, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const body = renderBody(response);
  const headers: Record<string, string | number> = { ...BASE_HEADERS, ...response.headers, 'x-request-id': requestId };
  if (body) headers['content-length'] = body.length;
  res.writeHead(response.status, headers);
  res.end(head ? undefined : body);
}
