// Everything outside the FHIR base: health and readiness (and later metrics and SMART
// endpoints), on Express.
import express, { type Express } from 'express';

export interface OpsAppOptions {
  /** Whether OSCAR answers (REST and SOAP), briefly cached by the caller. */
  ready: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  basePath: string;
  /** Adds routes (metrics, SMART endpoints) before the catch-all 404. */
  mount?: ((app: Express) => void)[];
}

export function createOpsApp(opts: OpsAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
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
  return app;
}
