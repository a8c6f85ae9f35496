// Everything outside the FHIR base: health and readiness, metrics and the SMART endpoints, on
// Express with helmet. CORS (for /.well-known/smart-configuration and the token endpoint, which
// browser apps call too) and request ids follow the same rules as on the FHIR endpoint.
// /healthz is open; /metrics and the detail of /readyz say how the clinic's OSCAR is used and how
// it fails, so they need the operator's OPS_TOKEN (ops-access.ts).
import express, { type Express, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logging.js';
import type { CorsPolicy } from './cors.js';
import { isPreflight } from './cors.js';
import { opsAllowed, opsRefusal, type OpsAccess } from './ops-access.js';
import type { ReadyReport } from './readiness.js';
import { requestIdFor } from './request-id.js';
import type { DrainState } from './shutdown.js';

export interface OpsAppOptions {
  /** Whether OSCAR answers (REST and SOAP), briefly cached by the caller. */
  ready: () => Promise<ReadyReport>;
  /** The FHIR base ('/fhir'; '/clinics/{id}/fhir' for a deployment of many clinics, where / is not redirected). */
  basePath: string;
  /** Adds routes (SMART endpoints) before the catch-all 404. */
  mount?: ((app: Express) => void)[];
  /** Prometheus text for /metrics. */
  metrics?: { contentType: string; render(): Promise<string> };
  /** Who may read /metrics and the checks of /readyz. */
  ops: OpsAccess;
  cors?: CorsPolicy;
  drain?: DrainState;
  /** Send Strict-Transport-Security (the public base URL is https). */
  https?: boolean;
  logger?: Logger;
}

/** Answers the 401/403 of a caller without operator access and says true; false when allowed. */
export function refusedOps(res: Response, access: OpsAccess, authorization: string | undefined): boolean {
  const refusal = opsRefusal(access, authorization);
  if (refusal) res.status(refusal.status).set(refusal.headers).type('application/fhir+json').json(refusal.body);
  return refusal !== undefined;
}

export function createOpsApp(opts: OpsAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet({ strictTransportSecurity: opts.https === true }));
  app.use((req, res, next) => {
    res.setHeader('x-request-id', requestIdFor(req.headers['x-request-id']));
    if (opts.drain?.draining) res.setHeader('connection', 'close');
    const cors = opts.cors;
    // Discovery and the authorization server answer CORS themselves: discovery to every origin
    // (smart §1.1), the token endpoint to the origins of the calling client's redirect URIs.
    const ownCors = req.path.startsWith(`${opts.basePath}/.well-known/`) || req.path.startsWith(`${opts.basePath}/auth/`);
    if (cors?.enabled && !ownCors) {
      if (isPreflight(req.method, req.headers)) {
        const pre = cors.preflight(req.headers.origin!);
        res.status(pre.status).set(pre.headers).end();
        return;
      }
      const h = cors.headersFor(req.headers.origin);
      if (h) res.set(h);
      // The answer depends on the Origin (a grant or none): shared caches must key on it.
      res.vary('Origin');
    }
    next();
  });
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (req, res) => {
    const r = await opts.ready();
    // The status code is for load balancers and needs no token; which side of OSCAR fails does.
    res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ready' : 'not ready', ...(opsAllowed(opts.ops, req.headers.authorization) && { checks: r.checks, ...r.detail }) });
  });
  const metrics = opts.metrics;
  if (metrics) {
    app.get('/metrics', async (req, res) => {
      if (refusedOps(res, opts.ops, req.headers.authorization)) return;
      res.type(metrics.contentType).send(await metrics.render());
    });
  }
  if (!opts.basePath.includes('{')) app.get('/', (_req, res) => { res.redirect(302, `${opts.basePath}/metadata`); });
  for (const mount of opts.mount ?? []) mount(app);
  app.use((_req, res) => {
    res.status(404).type('application/fhir+json').json({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: `Not found: the FHIR API is under ${opts.basePath}` }],
    });
  });
  // Express's default error handler answers HTML with a stack trace in development: answer an
  // OperationOutcome instead (a malformed body on a SMART route is the client's fault, 4xx).
  app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) { next(err); return; }
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) opts.logger?.error({ requestId: res.getHeader('x-request-id'), err }, 'unexpected error on an ops route');
    const code = status === 413 ? 'too-long' : status < 500 ? 'invalid' : 'exception';
    res.status(status >= 400 && status < 600 ? status : 500).type('application/fhir+json').json({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code, diagnostics: status < 500 ? 'The request could not be processed.' : 'internal error' }],
    });
  });
  return app;
}
