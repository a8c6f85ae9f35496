// Juno's integrator REST server at `${contextPath}/ws/services/v1` (variants §3 card H, B8, B15),
// in the order its providers run: RateLimitFilter and IPRestrictionFilter (both @PreMatching),
// resource matching, CXF's OAuth 1.0a filter (401 `WWW-Authenticate: OAuth`), the body, the
// resource. Every exception goes through Juno's mappers, so even an unknown path is a 500
// RestResponse "System error" (GeneralExceptionMapper catches JAX-RS's NotFoundException too).
import express from 'express';
import type { ClinicStore } from '../clinic/store.js';
import type { SimOptions } from '../options.js';
import { guardResourceCall } from '../oauth/guard.js';
import { bodyBuffer, servletView } from '../oauth/request-view.js';
import { BodyUnreadable, readObjectNode } from '../rest/body.js';
import { compileRoutes, selectRoute } from '../rest/dispatch.js';
import { sendBody, sendEmpty } from '../rest/errors.js';
import { JSON_TYPE, XML_TYPE } from '../rest/media.js';
import type { RestRoute } from '../rest/route.js';
import { buildWadl } from '../rest/wadl.js';
import { callerIp } from '../soap/ip-allowlist.js';
import { RateLimiter } from './rate-limit.js';
import { failure, sendJson, sendSystemError } from './response.js';
import { SystemError, V1_ROUTES, type V1Route } from './routes.js';

/** The v1 routes in the shape CXF-style matching and the WADL use. */
const AS_REST: ReadonlyMap<RestRoute, V1Route> = new Map(V1_ROUTES.map((r) => [{
  method: r.method, path: r.path, produces: [JSON_TYPE], consumes: r.json ? [JSON_TYPE] : ['*/*'],
  ...(r.intParams && { intParams: r.intParams }), ...(r.json && { entity: { kind: 'objectNode' as const } }),
  handle: () => { throw new Error('dispatched through V1_ROUTES'); },
} satisfies RestRoute, r]));

const V1_REST_ROUTES: readonly RestRoute[] = [...AS_REST.keys()];

export function createJunoRestRouter(store: ClinicStore, opts: SimOptions): express.Router {
  const router = express.Router();
  const table = compileRoutes(V1_REST_ROUTES);
  const limiter = new RateLimiter();

  router.use((req, res) => {
    res.locals.simOperation = `REST v1 ${req.method} (unmatched)`;
    const limited = limiter.admit(store.now());
    if (limited) { sendJson(res, 503, limited); return; }
    if (opts.ipAllowlist === 'deny') { sendJson(res, 403, failure({ message: `Unauthorized IP Address (${callerIp(req)})` })); return; }
    const query = new URLSearchParams(req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '');
    if (req.method === 'GET' && req.path === '/' && query.has('_wadl')) {
      res.locals.simOperation = 'REST v1 WADL';
      const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl.split('?')[0]?.replace(/\/$/, '') ?? ''}`;
      sendBody(res, 200, XML_TYPE, buildWadl(base, V1_REST_ROUTES));
      return;
    }
    const body = bodyBuffer(req);
    const sel = selectRoute(table, req.method === 'HEAD' ? 'GET' : req.method, req.path, req.headers['content-type'], req.headers.accept, body.length > 0);
    if (sel.kind !== 'selected') { sendSystemError(res); return; }
    const route = AS_REST.get(sel.route);
    if (!route) { sendSystemError(res); return; }
    res.locals.simOperation = `REST v1 ${route.method} ${route.path}`;
    if ((route.intParams ?? []).some((n) => !/^\s*[+-]?\d{1,10}\s*$/.test(sel.params[n] ?? ''))) { sendSystemError(res); return; }
    const guard = guardResourceCall(store, servletView(req));
    const provider = guard.kind === 'authenticated' ? store.provider(guard.providerNo) : undefined;
    if (!provider) { res.setHeader('WWW-Authenticate', 'OAuth'); sendEmpty(res, 401); return; }
    let entity: Record<string, unknown> | null = null;
    try {
      if (route.json) entity = readObjectNode(body);
    } catch (e) {
      if (e instanceof BodyUnreadable) { sendJson(res, 400, failure({ message: 'Invalid JSON' })); return; }
      throw e;
    }
    try {
      const answer = route.handle({ store, params: sel.params, query, body: entity, provider });
      sendJson(res, answer.status, answer.value);
    } catch (e) {
      if (e instanceof SystemError) { sendSystemError(res); return; }
      throw e;
    }
  });
  return router;
}
