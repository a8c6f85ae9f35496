// Many clinics on one server (CLINICS_FILE): each clinic is the one-clinic facade (app.ts
// createClinic: its own OSCAR client, cache, registry, router, authorization server, change feed
// and exports) mounted at /clinics/{id}/fhir, with its state namespaced by its id. What the
// process has once: the server and its shutdown, the audit destination, the process metrics,
// /healthz, /readyz (per clinic) and /metrics (every series labelled with its clinic).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AggregatorRegistry, Registry } from 'prom-client';
import { createClinic, type Clinic, type FacadeOptions } from '../app.js';
import { createAuditSink } from '../auth/audit-sink.js';
import type { Config, OscarConnection } from '../config.js';
import { createOpsApp, refusedOps } from '../http/ops-app.js';
import { opsAllowed, type OpsAccess } from '../http/ops-access.js';
import type { ReadyReport } from '../http/readiness.js';
import { createHttpServer } from '../http/server.js';
import { closeGracefully, DrainState } from '../http/shutdown.js';
import type { Logger } from '../logging.js';
import { collectProcessMetrics } from '../metrics/index.js';
import { inProcessState } from '../state/index.js';
import { clinicBasePath } from './clinic-config.js';

export interface DeploymentClinic {
  id: string;
  config: Config;
  oscar: OscarConnection;
  /** Composition options; `state` must belong to this clinic (default: in-process for it). */
  options?: FacadeOptions;
  /** The clinic's own operator token: its /clinics/{id}/readyz and /clinics/{id}/metrics accept it too. */
  opsToken?: string;
}

export interface Deployment {
  server: Server;
  clinics: ReadonlyMap<string, Clinic>;
  listen(): Promise<number>;
  close(graceMs?: number): Promise<boolean>;
}

/** The clinic a path belongs to: /clinics/{id}/fhir… → id. */
function clinicOf(url: string): string | undefined {
  const m = /^\/clinics\/([^/?]+)\/fhir(?:[/?]|$)/.exec(url);
  return m?.[1];
}

/** One line for a clinic that is not ready: its failing checks. */
function verdict(r: ReadyReport): string {
  return r.ok ? 'ok' : Object.entries(r.checks).filter(([, v]) => v !== 'ok').map(([k, v]) => `${k}: ${v}`).join(', ') || 'not ready';
}

export function createDeployment(clinics: readonly DeploymentClinic[], logger: Logger): Deployment {
  const first = clinics[0];
  if (!first) throw new Error('a deployment needs at least one clinic');
  // Settings of the server itself come from one environment, the same in every clinic's
  // configuration, except for the defaults of an embedded (demo) clinic: open /metrics, no audit.
  // Those must not reach the clinics with a real OSCAR, so a real clinic's settings rule the server.
  const site = (clinics.find((c) => c.config.oscar !== null) ?? first).config;
  const drain = new DrainState();
  const processMetrics = new Registry();
  collectProcessMetrics(processMetrics);
  const auditSink = createAuditSink({ destination: site.auditLog, logger, metrics: processMetrics });
  const built = new Map<string, Clinic>();
  for (const c of clinics) {
    const state = c.options?.state ?? inProcessState(c.id);
    if (state.clinic !== c.id) throw new Error(`the state given for clinic "${c.id}" belongs to clinic "${state.clinic}"`);
    const clinic = createClinic(c.config, c.oscar, logger.child({ clinic: c.id }), {
      ...c.options, state, basePath: clinicBasePath(c.id), drain, auditSink, processMetrics: false,
    });
    clinic.metrics.registry.setDefaultLabels({ clinic: c.id });
    built.set(c.id, clinic);
  }
  const all = [...built.values()];
  // A clinic's token opens only its own endpoints; the deployment's (OPS_TOKEN) opens every one.
  const clinicOps = new Map<string, OpsAccess>(clinics.map((c) => [c.id, { ...site.ops, ...(c.opsToken && { clinicToken: c.opsToken }) }]));

  const ops = createOpsApp({
    basePath: clinicBasePath('{id}'), drain, https: site.fhirBaseUrl.startsWith('https:'), logger, ops: site.ops,
    // The instance can serve while any clinic can: one clinic's OSCAR being down must not take
    // every clinic out of the load balancer. /clinics/{id}/readyz answers for one clinic.
    ready: async () => {
      const reports = await Promise.all(all.map((c) => c.ready()));
      return {
        ok: reports.some((r) => r.ok),
        checks: Object.fromEntries(all.map((c, i) => [c.id, verdict(reports[i]!)])),
        detail: { clinics: Object.fromEntries(all.map((c, i) => [c.id, { checks: reports[i]!.checks, ...reports[i]!.detail }])) },
      };
    },
    mount: [(app) => {
      app.get('/clinics/:id/readyz', async (req, res, next) => {
        const clinic = built.get(req.params.id);
        if (!clinic) { next(); return; }
        const r = await clinic.ready();
        res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ready' : 'not ready', ...(opsAllowed(clinicOps.get(clinic.id)!, req.headers.authorization) && { checks: r.checks, ...r.detail }) });
      });
      // One clinic's series (no process metrics: those are the whole server's).
      app.get('/clinics/:id/metrics', async (req, res, next) => {
        const clinic = built.get(req.params.id);
        if (!clinic) { next(); return; }
        if (refusedOps(res, clinicOps.get(clinic.id)!, req.headers.authorization)) return;
        res.type(clinic.metrics.registry.contentType).send(await clinic.metrics.registry.metrics());
      });
    }],
    metrics: {
      contentType: processMetrics.contentType,
      // Each clinic's registry carries its clinic as a default label, so its series stay apart.
      render: async () => AggregatorRegistry.aggregate([
        await processMetrics.getMetricsAsJSON(), ...await Promise.all(all.map((c) => c.metrics.registry.getMetricsAsJSON())),
      ]).metrics(),
    },
  });
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const clinic = built.get(clinicOf(req.url ?? '/') ?? '');
    if (clinic) clinic.handle(req, res);
    else ops(req, res);
  };
  const server = createHttpServer({ handle, limits: site.http });
  return {
    server, clinics: built,
    listen: async () => {
      await Promise.all(all.map((c) => c.start()));
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(site.port, site.host, () => resolve((server.address() as AddressInfo).port));
      });
      await Promise.all(all.map((c) => c.serve()));
      return port;
    },
    close: async (graceMs = site.http.shutdownGraceMs) => {
      await Promise.all(all.map((c) => c.stop()));
      const clean = await closeGracefully(server, drain, graceMs);
      await Promise.all(all.map((c) => c.release()));
      await auditSink.close();
      return clean;
    },
  };
}
