// Juno's swagger OpenApiServlet at `${contextPath}/openapi/*` (variants §3 card H, §7.2 step 5): the
// OpenAPI document of the v1 resources. The simulator lists the paths and methods it serves
// under /ws/services/v1, without the schemas of their bodies.
import express from 'express';
import { sendBody } from '../rest/errors.js';
import { V1_ROUTES } from './routes.js';

export function openApiDocument(contextPath: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of V1_ROUTES) {
    const params = [...r.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
      name, in: 'path', required: true, schema: { type: (r.intParams ?? []).includes(name ?? '') ? 'integer' : 'string' },
    }));
    paths[r.path] = { ...paths[r.path], [r.method.toLowerCase()]: { parameters: params, responses: { default: { description: 'default response' } } } };
  }
  return { openapi: '3.0.1', info: { title: 'Juno external REST API', version: 'v1' }, servers: [{ url: `${contextPath}/ws/services/v1` }], paths };
}

export function createOpenApiRouter(contextPath: string): express.Router {
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.locals.simOperation = 'OPENAPI GET /openapi.json';
    sendBody(res, 200, 'application/json', JSON.stringify(openApiDocument(contextPath)));
  });
  return router;
}
