// The Express app of the simulated OSCAR, assembled from already-built protocol routers, laid out
// as the Tomcat web-app is (contract 1): `${contextPath}/ws/services/*` (REST),
// `${contextPath}/ws/oauth/*` + `/login.do` (OAuth), `${contextPath}/ws/<Service>` (SOAP), and
// CXF's answers for the rest of /ws (cxf-servlet.ts). In front of it, the edge proxies a hosting
// company may run (edge/); around it, request accounting, fault injection, and an admin API at
// /__sim (test/dev only: it can break and reset the server).
// Kept apart from server.ts so tests can assemble it around stub routers.
import type { IncomingHttpHeaders } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { cxfServletFallback, CXF_NOT_FOUND_BODY } from './cxf-servlet.js';
import { soapWaf } from './edge/cloudflare.js';
import { denyPut } from './edge/haproxy.js';
import { edgeRedirect } from './edge/redirect.js';
import { type FaultInjector, FaultRuleError, faultRuleToJson, parseFaultRule, type FaultRule } from './faults.js';
import { DEFAULT_DEPLOYMENT, type SimDeployment } from './options.js';
import { sendBody, sendContainerErrorPage } from './rest/errors.js';
import type { SimStats } from './stats.js';


export interface SimRouters { soap: Router; rest: Router; oauth: Router }

const OSCAR_NS = 'http://ws.oscarehr.org/';

export interface SimAppParts {
  contextPath: string;
  routers: SimRouters;
  faults: FaultInjector;
  stats: SimStats;
  /** Endpoint names listed on CXF's service page, e.g. 'DemographicService'. */
  soapServices: readonly string[];
  /** Target namespace of the SOAP endpoints (default http://ws.oscarehr.org/). */
  soapNamespace?: string;
  /** Juno's OpenAPI servlet, mounted at `${contextPath}/openapi`. */
  openApi?: Router;
  /** Where the OAuth REST server sits below /ws (default 'services'; Juno's is 'services/v1'). */
  restAddress?: string;
  /** REST module and edge proxies (default: REST on, no edge rules). */
  deployment?: SimDeployment;
  /**
   * When given, the /__sim admin API is mounted. `restart` returns the new jvmStartMillis;
   * `revokeAccessTokens` deletes a provider's OSCAR access tokens and returns how many went.
   */
  admin?: { restart: () => number; revokeAccessTokens?: (providerNo: string) => number } | null;
  /** Sees every request as it arrived (tests read the exact SOAP bytes OSCAR would get). */
  onRequest?: SimRequestHook;
}

export interface SimRequestSeen {
  method: string;
  path: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Calls `done` once the answer has been written (benchmarks replay calls in their order). */
  onAnswered(done: () => void): void;
}

export type SimRequestHook = (r: SimRequestSeen) => void;

/** Normalises a context path: '' (root) or '/name[/…]' without a trailing slash. */
export function normaliseContextPath(raw: string): string {
  const p = raw.trim().replace(/\/+$/, '');
  if (p === '') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(p)) throw new RangeError(`context path must look like /oscar (got "${raw}")`);
  return p;
}

/** Tomcat's status page for a path no servlet maps. */
function notFoundPage(): string {
  return '<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title></head><body>'
    + '<h1>HTTP Status 404 – Not Found</h1><hr class="line" /><p><b>Type</b> Status Report</p>'
    + '<p><b>Description</b> The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.</p>'
    + '<hr class="line" /><h3>Apache Tomcat</h3></body></html>';
}

function adminRouter(faults: FaultInjector, stats: SimStats, admin: NonNullable<SimAppParts['admin']>): Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb' }));
  const reply = (res: Response, status: number, body: unknown): void => {
    res.status(status).type('application/json').send(JSON.stringify(body));
  };
  r.get('/faults', (_req, res) => { reply(res, 200, { rules: faults.list().map(faultRuleToJson) }); });
  r.post('/faults', (req, res) => {
    const body: unknown = req.body;
    try {
      const rules: FaultRule[] = Array.isArray(body) ? body.map(parseFaultRule) : [parseFaultRule(body)];
      const ids = rules.map((rule) => faults.add(rule));
      reply(res, 201, Array.isArray(body) ? { ids } : { id: ids[0] });
    } catch (e) {
      if (e instanceof FaultRuleError) reply(res, 400, { error: e.message });
      else throw e;
    }
  });
  r.delete('/faults', (_req, res) => { faults.clear(); res.status(204).end(); });
  r.delete('/faults/:id', (req, res) => {
    if (faults.remove(String(req.params.id))) res.status(204).end();
    else reply(res, 404, { error: `no fault rule ${req.params.id}` });
  });
  r.get('/stats', (_req, res) => { reply(res, 200, stats.snapshot()); });
  r.post('/stats/reset', (_req, res) => { stats.reset(); res.status(204).end(); });
  r.post('/restart', (_req, res) => { reply(res, 200, { jvmStartMillis: admin.restart() }); });
  // A clinician deleting the tokens they approved in OSCAR (contract 2.5): body {"providerNo": "…"}.
  r.post('/oauth/revoke', (req, res) => {
    const providerNo = (req.body as { providerNo?: unknown } | undefined)?.providerNo;
    if (!admin.revokeAccessTokens) { reply(res, 404, { error: 'unknown admin endpoint' }); return; }
    if (typeof providerNo !== 'string' || providerNo === '') { reply(res, 400, { error: 'providerNo (a string) is required' }); return; }
    reply(res, 200, { revoked: admin.revokeAccessTokens(providerNo) });
  });
  r.use((_req, res) => { reply(res, 404, { error: 'unknown admin endpoint' }); });
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    reply(res, typeof status === 'number' && status >= 400 && status < 500 ? status : 500, { error: err instanceof Error ? err.message : 'error' });
  });
  return r;
}

/** The Express app of the simulator, from already-built protocol routers. */
export function createSimApp(parts: SimAppParts): Express {
  const { contextPath: ctx, routers, faults, stats } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // Tomcat/CXF send no ETags
  if (parts.admin) app.use('/__sim', adminRouter(faults, stats, parts.admin));
  // The edge answers before OSCAR sees the request, so OSCAR's accounting never counts it.
  if (parts.deployment?.edgeRedirect && parts.deployment.edgeRedirect !== 'none') app.use(edgeRedirect(parts.deployment.edgeRedirect, ctx));
  if (parts.deployment?.edgeDenyPut) app.use(denyPut());
  app.use(express.raw({ type: () => true, limit: '64mb' }));
  if (parts.deployment?.soapWaf) app.use(soapWaf(ctx));
  app.use(stats.middleware());
  const onRequest = parts.onRequest;
  if (onRequest) {
    app.use((req, res, next) => {
      onRequest({
        method: req.method, path: req.path, url: req.originalUrl, headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        onAnswered: (done) => { res.once('finish', done); },
      });
      next();
    });
  }
  app.use(ctx || '/', faults.middleware());
  const deployment = parts.deployment ?? DEFAULT_DEPLOYMENT;
  const restAddress = parts.restAddress ?? 'services';
  const listing = {
    soapServices: parts.soapServices, soapNamespace: parts.soapNamespace ?? OSCAR_NS,
    restAddresses: deployment.restModule ? [restAddress] : [],
  };
  if (deployment.restModule) {
    app.use(`${ctx}/ws/${restAddress}`, routers.rest);
  } else {
    // variants B2: without ModuleNames=REST the OAuth and REST JAX-RS servers are never created.
    app.use(`${ctx}/ws/oauth`, (_req, res) => {
      res.locals.simOperation = 'CXF no service';
      sendBody(res, 404, 'text/html', CXF_NOT_FOUND_BODY);
    });
  }
  if (parts.openApi) app.use(`${ctx}/openapi`, parts.openApi);
  app.use(ctx || '/', routers.oauth);
  app.use(`${ctx}/ws`, routers.soap);
  app.use(`${ctx}/ws`, cxfServletFallback(ctx, listing));
  app.use((_req, res) => { sendBody(res, 404, 'text/html;charset=utf-8', notFoundPage()); });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) { res.destroy(); return; }
    const e = err as { status?: unknown; type?: unknown; message?: unknown };
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500;
    sendContainerErrorPage(res, status, typeof e.message === 'string' ? e.message : 'error');
  });
  return app;
}
