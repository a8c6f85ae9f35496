// The composition root: wires configuration, the OSCAR client, the resource registry, the FHIR
// router and the HTTP server together. main.ts and the tests both build the server through here.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, OscarConnection } from './config.js';
import { createAuth } from './auth/index.js';
import { cachedOscar } from './cache/index.js';
import { createRouter, type FhirRouter, type Registry } from './fhir/index.js';
import { createFhirHandler } from './http/fhir-handler.js';
import { createOpsApp } from './http/ops-app.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logging.js';
import { OscarClient } from './oscar/client.js';
import { defaultMappingConfig } from './resources/mapping-config.js';
import { ProviderDirectory } from './resources/provider-directory.js';
import { buildRegistry } from './resources/registry.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { loadValidators, validateResource } from './validation/index.js';

export const FHIR_BASE_PATH = '/fhir';
const SOFTWARE = { name: 'oscar-fhir', version: '0.1.0' };

export interface Facade {
  server: Server;
  router: FhirRouter;
  registry: Registry;
  oscar: OscarClient;
  metrics: Metrics;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

export function createFacade(config: Config, oscarConn: OscarConnection, logger: Logger): Facade {
  loadValidators();
  const oscar = new OscarClient({
    baseUrl: oscarConn.url,
    timezone: config.oscarTimezone,
    oauth: { consumerKey: oscarConn.consumerKey, consumerSecret: oscarConn.consumerSecret, token: oscarConn.accessToken, tokenSecret: oscarConn.accessTokenSecret },
    soap: { userName: oscarConn.soapUserName, password: oscarConn.soapPassword },
    maxInFlight: config.upstream.maxInFlight,
    maxQueue: config.upstream.maxQueue,
    timeoutMs: config.upstream.timeoutMs,
    documentTimeoutMs: config.upstream.documentTimeoutMs,
    retries: config.upstream.retries,
  });
  const metrics = createMetrics();
  const auth = createAuth(config, logger);
  const upstream = cachedOscar(oscar);
  const mapping = defaultMappingConfig({ timezone: config.oscarTimezone, localSystemBase: `${oscarConn.url}/fhir-ids/` });
  const providers = new ProviderDirectory(upstream);
  const registry = buildRegistry(
    { oscar: upstream, mapping, providers, baseUrl: config.fhirBaseUrl, maxUpstreamRows: 1000 },
    { mode: config.validationMode, logger },
  );
  const router = createRouter({
    registry,
    baseUrl: config.fhirBaseUrl,
    timezone: config.oscarTimezone,
    validator: {
      validate: (r) => validateResource(r).map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.message, expression: [i.expression] })),
    },
    capability: { software: SOFTWARE, ...(auth.capabilitySecurity && { security: auth.capabilitySecurity }) },
    hooks: {
      ...auth.hooks,
      onError: (err, req, mapped) => {
        const e = err as { name?: string; message?: string; operation?: string; cause?: unknown };
        // Operator-facing line: names the failure, never PHI (no query values, no bodies).
        logger[mapped.bug ? 'error' : 'warn']({ requestId: req.requestId, method: req.method, path: req.path.replace(/\/\d+/g, '/:id'), status: mapped.status, error: e.name, operation: e.operation, cause: typeof e.cause === 'string' ? e.cause : undefined, detail: mapped.bug ? e.message : undefined }, 'request failed');
      },
    },
  });
  const fhir = createFhirHandler({
    router, basePath: FHIR_BASE_PATH, bodyLimitBytes: 20 * 1024 * 1024, logger,
    authenticate: (req, fhirReq) => auth.authenticate(req, fhirReq),
    onFinished: (info) => {
      auth.audit(info);
      const { req, status, ms } = info;
      logger.debug({ requestId: req.requestId, method: req.method, path: req.path.replace(/\/\d+/g, '/:id'), status, ms: Math.round(ms * 10) / 10 }, 'request');
    },
  });
  let readyCache: { at: number; value: { ok: boolean; checks: Record<string, string> } } | undefined;
  const app = createOpsApp({
    basePath: FHIR_BASE_PATH,
    mount: [
      (a) => auth.mount(a),
      (a) => a.get('/metrics', async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      }),
    ],
    ready: async () => {
      if (readyCache && Date.now() - readyCache.at < 5_000) return readyCache.value;
      const [soap, rest] = await Promise.allSettled([oscar.isAlive(), oscar.oauthInfo()]);
      const checks = {
        soap: soap.status === 'fulfilled' && soap.value ? 'ok' : 'unreachable',
        rest: rest.status === 'fulfilled' ? 'ok' : 'unreachable',
      };
      readyCache = { at: Date.now(), value: { ok: checks.soap === 'ok' && checks.rest === 'ok', checks } };
      return readyCache.value;
    },
  });
  const server = createHttpServer({ basePath: FHIR_BASE_PATH, fhir, app });
  return {
    server, router, registry, oscar, metrics,
    listen: () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve((server.address() as AddressInfo).port));
    }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      oscar.close();
    },
  };
}
