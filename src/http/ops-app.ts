// Everything outside the FHIR base: health and readiness, metrics and the SMART endpoints, on
// Express with helmet. CORS (for /.well-known/smart-configuration and the token endpoint, which
// browser apps call too) and request ids follow the same rules as on the FHIR endpoint.
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logging.js';
import type { CorsPolicy } from './cors.js';
import { isPreflight } from './cors.js';
import type { ReadyReport } from './readiness.js';
import { requestIdFor } from './request-id.js';
import type { DrainState } from './shutdown.js';

export interface OpsAppOptions {
  /** Whether OSCAR answers (REST and SOAP), briefly cached by the caller. */
  ready: () => Promise<ReadyReport>;
  basePath: string;
  /** Adds routes (metrics, SMART endpoints) before the catch-all 404. */
  mount?: ((app: Express) => void)[];
  cors?: CorsPolicy;
  drain?: DrainState;
  /** Send Strict-Transport-Security (the public base URL is https). */
  https?: boolean;
  logger?: Logger;
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
    if (cors?.enabled) {
      if (isPreflight(req.method, req.headers)) {
        const pre = cors.preflight(req.headers.origin!);
        res.status(pre.status).set(pre.headers).end();
        return;
      }
      const h = cors.headersFor(req.headers.origin);
      if (h) res.set(h);
    }
    next();
  });
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    const r = await opts.ready();
    res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ready' : 'not ready', checks: r.checks });
  });
  app.get('/', (_req, res) => { res.redirect(302, `${opts.basePath}/metadata`); });
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
