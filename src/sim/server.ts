// The simulated OSCAR server: the synthetic clinic behind OSCAR's REST, OAuth and SOAP surfaces
// (app.ts lays them out), on a keep-alive HTTP server, with fault injection, request accounting
// and "restart" (a new JVM start time, which invalidates SOAP tokens as a real restart does).
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ClinicData } from './clinic/model.js';
import { ClinicStore } from './clinic/store.js';
import { DEFAULT_PATIENTS, generateClinic } from './clinic/generate.js';
import { createSimApp, normaliseContextPath, type SimRequestHook } from './app.js';
import { FaultInjector } from './faults.js';
import { createOAuthRouter } from './oauth/index.js';
import { deleteAccessTokens } from './oauth/tokens.js';
import { DEFAULT_DEPLOYMENT, demoCredentials, type SimDemoCredentials, type SimDeployment, type SimOptions } from './options.js';
import { createRestRouter } from './rest/index.js';
import { createSoapRouter } from './soap/index.js';
import { SERVICES } from './soap/services.js';
import { createJunoRestRouter } from './rest-v1/index.js';
import { createOpenApiRouter } from './rest-v1/openapi.js';
import { adaptClinicToVariant } from './clinic/variant-data.js';
import { isSimVariant, type SimVariant, variantProfile } from './variants.js';
import { SimStats } from './stats.js';
import { isKnownZone } from './wall-clock.js';

export { normaliseContextPath } from './app.js';

export interface StartSimulatorOptions extends Partial<SimDeployment> {
  /** Which OSCAR line to speak (variants §9; default 'openo'). */
  variant?: SimVariant;
  /** Port to listen on (default 0: an ephemeral port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Seed of the synthetic clinic and of fault probabilities (default 1). */
  seed?: number;
  /** Number of patients (default 300). */
  patients?: number;
  /** IANA zone of the clinic's wall clock (default America/Toronto). */
  timezone?: string;
  /** IANA zone of the OSCAR JVM, which renders the stored wall clock (variants B10; default: `timezone`). */
  serverTimezone?: string;
  /** Web-app context path (default '/oscar'; '' = root). */
  contextPath?: string;
  credentials?: SimDemoCredentials;
  /** Use this clinic instead of generating one (its `timezone` wins over `timezone`). */
  data?: ClinicData;
  /** Enable the /__sim admin API (default true). Test/dev only: never expose it. */
  admin?: boolean;
  /** Called with every request as received, before faults and dispatch (tests capture SOAP envelopes). */
  onRequest?: SimRequestHook;
  /** Serve https with this key and certificate (PEM), as a hosted OSCAR does (default: plain http). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Simulator {
  /** Base URL of the web-app, e.g. http://127.0.0.1:8081/oscar. */
  url: string;
  port: number;
  store: ClinicStore;
  faults: FaultInjector;
  stats: SimStats;
  /** The settings the protocol routers were built with. */
  options: SimOptions;
  /** A new JVM start time: every SOAP security token issued so far stops working (contract 7.18). */
  restart(): void;
  /**
   * The provider deletes the OSCAR access tokens they approved (provider/clients.jsp, contract 2.5),
   * all but the demo credentials' own: each is refused from then on (contract 2.7). How many went.
   */
  revokeAccessTokens(providerNo: string): number;
  /** Stops listening and drops every connection, idle keep-alive and held ones included. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the simulated OSCAR; resolves once it is listening. */
export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? 1;
  const contextPath = normaliseContextPath(opts.contextPath ?? '/oscar');
  const timezone = opts.data?.timezone ?? opts.timezone ?? 'America/Toronto';
  if (!isKnownZone(timezone)) throw new RangeError(`unknown timezone "${timezone}"`);
  const serverTimezone = opts.serverTimezone ?? timezone;
  if (!isKnownZone(serverTimezone)) throw new RangeError(`unknown server timezone "${serverTimezone}"`);
  const credentials = opts.credentials ?? demoCredentials();
  const data = opts.data ?? generateClinic({ seed, patients: opts.patients ?? DEFAULT_PATIENTS, timezone, credentials });
  const variant = opts.variant ?? 'openo';
  if (!isSimVariant(variant)) throw new RangeError(`unknown variant "${String(variant)}"`);
  const profile = variantProfile(variant);
  const deployment: SimDeployment = {
    restModule: opts.restModule ?? DEFAULT_DEPLOYMENT.restModule,
    edgeDenyPut: opts.edgeDenyPut ?? DEFAULT_DEPLOYMENT.edgeDenyPut,
    soapWaf: opts.soapWaf ?? DEFAULT_DEPLOYMENT.soapWaf,
    ipAllowlist: opts.ipAllowlist ?? DEFAULT_DEPLOYMENT.ipAllowlist,
    edgeRedirect: opts.edgeRedirect ?? DEFAULT_DEPLOYMENT.edgeRedirect,
  };
  if (deployment.ipAllowlist === 'deny' && !profile.junoOps) {
    throw new RangeError('ipAllowlist "deny" needs variant "juno": only Juno has the web-service IP allow-list (variants B8)');
  }
  const store = new ClinicStore(adaptClinicToVariant(data, profile), Date.now(), serverTimezone);
  const options: SimOptions = { contextPath, timezone, serverTimezone, credentials, variant, ...deployment };
  const junoRest = profile.restSurface === 'juno-v1';
  const stats = new SimStats();
  const faults = new FaultInjector({ seed, onFault: (mode) => stats.recordFault(mode) });

  const restart = (): number => {
    // contract 4.2: the token is JVM start + f(password hash); a new start invalidates all tokens.
    store.jvmStartMillis = Math.max(Date.now(), store.jvmStartMillis + 1);
    return store.jvmStartMillis;
  };
  const revokeAccessTokens = (providerNo: string): number => deleteAccessTokens(store, providerNo, credentials.accessToken);
  const app = createSimApp({
    contextPath,
    routers: {
      soap: createSoapRouter(store, options),
      rest: junoRest ? createJunoRestRouter(store, options) : createRestRouter(store, options),
      oauth: createOAuthRouter(store, options),
    },
    soapServices: SERVICES.map((s) => s.path),
    soapNamespace: profile.soap.ns,
    restAddress: junoRest ? 'services/v1' : 'services',
    ...(junoRest && { openApi: createOpenApiRouter(contextPath) }),
    deployment,
    faults,
    stats,
    admin: opts.admin === false ? null : { restart, revokeAccessTokens },
    ...(opts.onRequest && { onRequest: opts.onRequest }),
  });

  const server: Server = opts.tls ? createTlsServer({ keepAlive: true, key: opts.tls.key, cert: opts.tls.cert }, app) : createServer({ keepAlive: true }, app);
  server.keepAliveTimeout = 20_000; // Tomcat's default connectionTimeout, which also bounds keep-alive
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost(host)}:${port}${contextPath}`,
    port,
    store,
    faults,
    stats,
    options,
    restart: () => { restart(); },
    revokeAccessTokens,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
