// The composition root: wires configuration, the OSCAR client, the resource registry, the FHIR
// router and the HTTP server together. main.ts and the tests both build the server through here.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, OscarConnection } from './config.js';
import { createAuth } from './auth/index.js';
import type { AuditSink } from './auth/audit-sink.js';
import { createFacadeCache, type FacadeCache } from './cache/index.js';
import { createRouter, type FhirRouter, type Registry } from './fhir/index.js';
import { createBodyAdmission } from './http/body-admission.js';
import { createCors } from './http/cors.js';
import { createFhirHandler } from './http/fhir-handler.js';
import { createOpsApp } from './http/ops-app.js';
import { createReadiness, type ReadyReport } from './http/readiness.js';
import { createRouteLabeler } from './http/route-label.js';
import { fhirSecurityHeaders } from './http/security-headers.js';
import { byBase, createHttpServer } from './http/server.js';
import { closeGracefully, DrainState } from './http/shutdown.js';
import type { Logger } from './logging.js';
import { OscarClient } from './oscar/client.js';
import { Capabilities } from './oscar/capabilities/holder.js';
import { discover } from './oscar/capabilities/discover.js';
import { liveChecks, usable } from './oscar/capabilities/live-checks.js';
import { OscarAuthError, OscarRedirectError } from './oscar/errors.js';
import { canonicalLocalSystem, defaultMappingConfig } from './resources/mapping-config.js';
import { ProviderDirectory } from './resources/provider-directory.js';
import { buildRegistry } from './resources/registry.js';
import { offered, Routes, type CapabilitySource } from './routing/routes.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { loadValidators, validateResource } from './validation/index.js';
import { inProcessState, shareOf, type FacadeState, type Place } from './state/index.js';
import { exportUnavailable } from './bulk/availability.js';
import { bulkCapability } from './bulk/capability.js';
import { ExportEngine } from './bulk/engine.js';
import { createBulkEndpoint } from './bulk/http.js';
import { DiskJobRecords } from './bulk/disk-records.js';
import type { ExportJob } from './bulk/job.js';
import { SpoolKeys } from './bulk/keys.js';

export const FHIR_BASE_PATH = '/fhir';
const SOFTWARE = { name: 'oscar-fhir', version: '0.1.0' };

/** One clinic's FHIR API: everything below its base path, without a server of its own. */
export interface Clinic {
  /** The clinic's id (its state namespace and the clinic of its audit records; 'default' for one clinic). */
  id: string;
  /** Path of its FHIR base on the server, e.g. '/fhir' or '/clinics/north/fhir'. */
  basePath: string;
  router: FhirRouter;
  registry: Registry;
  /** The routing table resolved against the connected OSCAR (what is served, how, and what not). */
  routes: Routes;
  oscar: OscarClient;
  metrics: Metrics;
  /** The OSCAR-answer and rendered-read cache (its change feed starts with listen()). */
  cache: FacadeCache;
  /** What the OSCAR instance offers (probed from listen() on when CAPABILITY_DISCOVERY is on). */
  capabilities: Capabilities;
  /** The Bulk Data export's job engine (resumes unfinished jobs from listen() on). */
  exports: ExportEngine;
  /** State kept between requests (src/state): in-process, or shared with other instances. */
  state: FacadeState;
  /** Answers a request below basePath: the FHIR API, SMART discovery and the authorization server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** /readyz for this clinic: its OSCAR (and the shared state when there is one). */
  ready(): Promise<ReadyReport>;
  /** Before the server listens: the authorization server's keys, the first capability probes. */
  start(): Promise<void>;
  /** Once the server listens: the change feed and unfinished exports. */
  serve(): Promise<void>;
  /** Before the server drains: probes and export workers stop. */
  stop(): Promise<void>;
  /** After the server closed: cache, OSCAR connections, audit destination, state. */
  release(): Promise<void>;
}

/** One clinic served on its own server at /fhir (the single-clinic deployment). */
export interface Facade extends Clinic {
  server: Server;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /**
   * Graceful stop: no new connections, requests in flight finish within `graceMs` (default
   * SHUTDOWN_GRACE_MS) and are cut off after it. Resolves true when all finished in time.
   */
  close(graceMs?: number): Promise<boolean>;
}

export interface FacadeOptions {
  /** The connected OSCAR's capability map (discovery's holder); default: everything assumed offered. */
  capabilities?: CapabilitySource;
  /** The state to keep (the facade closes it); default: in this process (src/state). */
  state?: FacadeState;
  /** The clock of the booking rules (lead time, planning horizon, same-day codes); default Date.now. Tests move it. */
  now?: () => number;
  /** How many consecutive refusals of OSCAR an export rides out before it fails (default about two minutes' worth). Tests shorten it. */
  exportRetries?: number;
}

export interface ClinicOptions extends FacadeOptions {
  /** Path of the clinic's FHIR base on the server. */
  basePath: string;
  /** The server's shutdown state (answers carry Connection: close while draining). */
  drain: DrainState;
  /** Audit destination shared by every clinic of a deployment (not closed by the clinic); default: its own. */
  auditSink?: AuditSink;
  /** Register the process metrics (CPU, memory, event loop) in the clinic's registry; a deployment does it once. */
  processMetrics?: boolean;
}

export function createFacade(config: Config, oscarConn: OscarConnection, logger: Logger, options: FacadeOptions = {}): Facade {
  const drain = new DrainState();
  const clinic = createClinic(config, oscarConn, logger, { ...options, basePath: FHIR_BASE_PATH, drain });
  const server = createHttpServer({ handle: clinic.handle, limits: config.http });
  return {
    ...clinic, server,
    listen: async () => {
      await clinic.start();
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve((server.address() as AddressInfo).port));
      });
      await clinic.serve();
      return port;
    },
    close: async (graceMs = config.http.shutdownGraceMs) => {
      await clinic.stop();
      const clean = await closeGracefully(server, drain, graceMs);
      await clinic.release();
      return clean;
    },
  };
}

export function createClinic(config: Config, oscarConn: OscarConnection, logger: Logger, options: ClinicOptions): Clinic {
  loadValidators();
  const { basePath, drain } = options;
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? true });
  const state = options.state ?? inProcessState();
  const oscar = new OscarClient({
    baseUrl: oscarConn.url,
    timezone: config.oscarTimezone,
    oauth: { consumerKey: oscarConn.consumerKey, consumerSecret: oscarConn.consumerSecret, token: oscarConn.accessToken, tokenSecret: oscarConn.accessTokenSecret },
    soap: { userName: oscarConn.soapUserName, password: oscarConn.soapPassword },
    maxInFlight: config.upstream.maxInFlight,
    maxQueue: config.upstream.maxQueue,
    // One client cannot fill OSCAR's slots and queue for everyone (README "Security").
    maxPerCaller: Math.max(1, Math.floor((config.upstream.maxInFlight + config.upstream.maxQueue) * config.upstream.clientSharePercent / 100)),
    timeoutMs: config.upstream.timeoutMs,
    documentTimeoutMs: config.upstream.documentTimeoutMs,
    retries: config.upstream.retries,
    gzip: config.upstream.gzip,
    ...(oscarConn.proxy && { proxy: oscarConn.proxy }),
    ...(oscarConn.tls && { tls: oscarConn.tls }),
    breaker: { failureThreshold: config.upstream.breakerThreshold, cooldownMs: config.upstream.breakerCooldownMs },
    onCall: (e) => metrics.upstream(e),
    // Bound below: the holder probes through this client.
    ...(config.capabilities.discovery && { onStaleCapabilities: (operation: string) => capabilities.rediscover(`${operation} failed`) }),
    capabilities: () => capabilitySource.current(),
  });
  // OSCAR_MAX_IN_FLIGHT is the clinic's: instances sharing their state each take their share of it,
  // re-split whenever one joins or leaves (README "Deployment").
  const takeShare = (p: Place): void => oscar.setMaxInFlight(shareOf(config.upstream.maxInFlight, p));
  takeShare(state.membership.place());
  state.membership.onChange(takeShare);
  const capabilities = new Capabilities({
    oscarUrl: oscarConn.url, clinicZone: config.oscarTimezone, logger, refreshMs: config.capabilities.refreshMs,
    ...(config.capabilities.discovery && config.capabilities.cacheFile && { cacheFile: config.capabilities.cacheFile }),
    discover: () => discover({ channel: oscar.probeChannel(), soapCredentials: oscar.options.soap, clinicZone: config.oscarTimezone }),
  });
  // A map given by the caller (tests of one line or host) wins over the probed one.
  const capabilitySource: CapabilitySource = options.capabilities ?? capabilities;
  // OSCAR upgraded under us: the WSDLs the client read are stale (the calls would be checked against them).
  let fingerprint = capabilities.current().soap.fingerprint;
  capabilities.onChange((m) => {
    if (fingerprint !== undefined && m.soap.fingerprint !== undefined && m.soap.fingerprint !== fingerprint) oscar.forgetWsdls();
    fingerprint = m.soap.fingerprint ?? fingerprint;
  });
  const cache = createFacadeCache({
    oscar, settings: { ...config.cache, feedRows: config.limits.changeFeedRows }, timezone: config.oscarTimezone, logger, observer: metrics.cache, feedObserver: metrics.changeFeed,
    identity: { baseUrl: oscarConn.url, restToken: oscarConn.accessToken, soapUser: oscarConn.soapUserName }, state,
  });
  metrics.watch({ upstreamLoad: () => oscar.load(), cacheUsage: () => cache.usage(), changeFeedLastSuccess: () => cache.lastChangePoll() });
  const upstream = cache.oscar;
  const mapping = defaultMappingConfig({
    ...config.mappingOverrides,
    timezone: config.oscarTimezone,
    // Identifier systems live under our own public URL, never the EMR's internal address; the
    // systems under OSCAR_URL that earlier versions emitted are still understood on input.
    localSystemBase: config.mappingOverrides.localSystemBase ?? `${config.fhirBaseUrl}/sid/`,
    localSystemAliases: [`${oscarConn.url}/fhir-ids/`],
  });
  const routes = new Routes(capabilitySource);
  // The export and its Groups need OSCAR's SOAP operations (src/bulk/availability.ts).
  const exportsUnavailable = () => exportUnavailable(capabilitySource.current());
  const providers = new ProviderDirectory(upstream, undefined, undefined, () => offered(routes, 'Practitioner.search-type'));
  const registry = buildRegistry(
    {
      oscar: upstream, mapping, providers, baseUrl: config.fhirBaseUrl, limits: config.limits, routes,
      booking: config.booking, locks: state.locks, ...(options.now && { now: options.now }),
    },
    { mode: config.validationMode, logger },
  );
  const auth = createAuth(config, logger, {
    registry, basePath, metrics: metrics.registry, state, oscar: oscarConn, ...(options.auditSink && { auditSink: options.auditSink }),
  });
  const routeLabel = createRouteLabeler(registry.types());
  const router = createRouter({
    registry,
    limits: () => routes.limits(),
    canonicalSystem: (system) => canonicalLocalSystem(mapping, system),
    paging: { defaultCount: config.limits.pageSize, maxCount: config.limits.pageMax },
    locks: state.locks,
    baseUrl: config.fhirBaseUrl,
    timezone: config.oscarTimezone,
    validator: {
      validate: (r) => validateResource(r).map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.message, expression: [i.expression] })),
    },
    capability: { software: SOFTWARE, extend: bulkCapability(exportsUnavailable), ...(auth.capabilitySecurity && { security: auth.capabilitySecurity }) },
    hooks: {
      ...auth.hooks,
      onError: (err, req, mapped) => {
        const e = err as { name?: string; message?: string; operation?: string; cause?: unknown; reason?: unknown; code?: unknown; proxy?: unknown };
        const hinted = err instanceof OscarAuthError || err instanceof OscarRedirectError ? err : undefined;
        // Operator-facing line: names the failure, never PHI (no query values, no bodies).
        logger[mapped.bug ? 'error' : 'warn']({
          requestId: req.requestId, method: req.method, route: routeLabel(req.path), status: mapped.status, error: e.name, operation: e.operation,
          cause: typeof e.cause === 'string' ? e.cause : undefined, reason: e.reason, code: typeof e.code === 'string' ? e.code : undefined,
          // The outbound proxy that refused (scheme, host and port: its credentials are never on the error).
          proxy: typeof e.proxy === 'string' ? e.proxy : undefined,
          // Where OSCAR redirected (no query: docs/oscar-redirects.md).
          redirect: err instanceof OscarRedirectError ? err.to ?? `HTTP ${err.status}` : undefined,
          hint: hinted?.hint, detail: mapped.bug ? e.message : undefined,
        }, err instanceof OscarAuthError ? `OSCAR refused the facade's credentials: ${err.hint}`
          : err instanceof OscarRedirectError ? `OSCAR redirected the call: ${err.hint}` : 'request failed');
      },
    },
  });
  // Exports read OSCAR directly, not through the cache: a whole clinic would only evict what the
  // front desk reads; their calls run at background priority (oscar/guard/priority.ts). Instances
  // that share their state keep jobs and files in the state database and run them from its queue.
  const disk = state.jobRecords ? undefined : new DiskJobRecords(config.bulk.dir);
  const exports = new ExportEngine({
    store: state.jobRecords?.<ExportJob>('bulk-export') ?? disk!, ...(state.jobRecords && { queue: state.jobs }),
    ...(disk && { housekeeping: () => disk.removeOrphans() }),
    keys: SpoolKeys.from(config.bulk.keyFile), logger,
    deps: { oscar, mapping, providers, baseUrl: config.fhirBaseUrl, limits: config.limits, routes },
    validation: config.validationMode, files: { maxResources: config.bulk.fileMaxResources, maxBytes: config.bulk.fileMaxBytes },
    expiryMs: config.bulk.expiryMs, marginMs: config.bulk.marginMs, concurrentJobs: config.bulk.concurrentJobs,
    // Enough patients per batch to keep the background's share of OSCAR's slots busy.
    patientsPerBatch: Math.max(10, 4 * config.upstream.maxInFlight), feedPage: config.bulk.feedPage,
    ...(options.exportRetries !== undefined && { unavailableRetries: options.exportRetries }),
  });
  const bulk = createBulkEndpoint({ engine: exports, unavailable: exportsUnavailable, providers, baseUrl: config.fhirBaseUrl, maxJobs: config.bulk.maxJobs, minPollMs: config.bulk.minPollMs, polls: state.once });
  const https = config.fhirBaseUrl.startsWith('https:');
  // SMART 2.2 (smart §1.1): the FHIR API answers browser apps from their registered origins too.
  const appOrigins = config.authMode === 'smart' ? config.smart.clients.flatMap((c) => c.redirectUris.map((u) => new URL(u).origin)) : [];
  const cors = createCors([...new Set([...config.http.corsOrigins, ...appOrigins])]);
  const fhir = createFhirHandler({
    router, basePath, bodyLimitBytes: config.http.maxBodyBytes, logger, routeLabel, drain,
    admitBody: createBodyAdmission({
      registry,
      limits: { documentBytes: config.http.maxBodyBytes, resourceBytes: config.http.maxResourceBodyBytes },
      ...(auth.refuseAttempt && { refuseAttempt: auth.refuseAttempt }),
    }),
    cors: cors.enabled ? cors : undefined,
    rateLimit: config.http.rateLimitPerMinute > 0 ? { limits: state.rateLimits, perMinute: config.http.rateLimitPerMinute } : undefined,
    baseHeaders: fhirSecurityHeaders({ https, cors: cors.enabled }),
    authenticate: (req, fhirReq) => auth.authenticate(req, fhirReq),
    actAs: (a, fn) => auth.actAs(a, fn),
    serve: cache.serveWith(auth.hooks, config.fhirBaseUrl, registry, () => routes.fingerprint()),
    bulk: { endpoint: bulk, bodyLimitBytes: config.http.maxResourceBodyBytes },
    onFinished: (info) => {
      auth.audit(info);
      metrics.request(info.req.method, info.req.path, info.status, info.ms);
    },
  });
  const ready = createReadiness({
    // Only the halves this OSCAR offers: a SOAP-only clinic is ready without REST (variants §0).
    probe: async () => {
      // The shared state is a dependency like OSCAR (STATE_DATABASE_URL); in-process state cannot fail.
      const m = capabilitySource.current();
      const [upstream, shared] = await Promise.all([
        usable(m) ? oscar.probe(undefined, liveChecks(m)) : { oscar: `nothing usable (SOAP ${m.soap.reach}, REST ${m.rest.reach})` },
        state.shared ? state.check().then((why) => ({ state: why ?? 'ok' })) : {},
      ]);
      return { ...upstream, ...shared };
    },
    detail: () => ({ capabilities: capabilitySource.current() }),
    cacheMs: config.http.readyCacheMs, draining: () => drain.draining,
  });
  const app = createOpsApp({
    basePath, cors, drain, https, logger,
    mount: [(a) => auth.mount(a)],
    ops: config.ops,
    metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() },
    ready,
  });
  return {
    id: state.clinic, basePath, router, registry, routes, oscar, metrics, cache, capabilities, exports, state, ready,
    handle: byBase(basePath, fhir, app, logger),
    start: async () => {
      await auth.start();
      if (config.capabilities.discovery) await capabilities.start(config.capabilities.startupWaitMs);
      // People-facing SMART launches sign users in through OSCAR's REST OAuth (contract 2): say so when it is off.
      const rest = capabilitySource.current().rest.reach;
      if (auth.signsPeopleIn && rest === 'module-off') {
        logger.warn('OSCAR runs without its REST module (ModuleNames=REST): SMART apps used by people cannot sign in (they need OSCAR\'s OAuth sign-in); Backend Services still work');
      }
    },
    serve: async () => {
      cache.start();
      await exports.start();
    },
    stop: async () => {
      capabilities.close();
      await exports.stop();
    },
    release: async () => {
      cache.close();
      oscar.close();
      await auth.close();
      await state.close();
    },
  };
}
