// The whole product for integration tests: the OSCAR simulator and the facade wired to it over
// real HTTP, each on an ephemeral port, with strict outgoing validation (a mapping bug fails the
// test) and silent logs. With TEST_AS_CLINIC=1 the facade is a clinic of a two-clinic deployment
// (src/clinics) at /clinics/{id}/fhir, beside a neighbour clinic on a simulator of its own: the
// same tests then show every behaviour holds per clinic.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createFacade, type Facade, type FacadeOptions } from '../../src/app.js';
import { connectionFromCredentials, loadConfig, type Config, type OscarConnection } from '../../src/config.js';
import { createDeployment } from '../../src/clinics/deployment.js';
import { createLogger, type Logger } from '../../src/logging.js';
import type { ProxySettings } from '../../src/oscar/proxy.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { OscarTrust } from '../../src/oscar/tls-trust.js';

export interface Stack {
  sim: Simulator;
  facade: Facade;
  config: Config;
  /** FHIR base URL, e.g. http://127.0.0.1:PORT/fhir */
  base: string;
  /** GET/POST… a FHIR path (relative to the base, e.g. '/Patient/1001'); JSON body parsed when there is one. */
  fhir(path: string, init?: RequestInit): Promise<FhirAnswer>;
  close(): Promise<void>;
}

export interface FhirAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export interface StackOptions {
  /** Extra environment for loadConfig (e.g. AUTH_MODE, OSCAR_MAX_IN_FLIGHT). */
  env?: Record<string, string>;
  /** Simulator options (seed, patients, data…). */
  sim?: Parameters<typeof startSimulator>[0];
  /** Logger of the facade (default: silent); tests that assert log lines pass a capturing one. */
  logger?: Logger;
  /** Composition options (e.g. the capability map of the connected OSCAR). */
  facade?: FacadeOptions;
  /** The facade reaches the simulator through this proxy (its URL for the simulator's URL). */
  via?: (simUrl: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** The outbound proxy settings of the connection to the simulator (src/oscar/proxy.ts). */
  proxy?: ProxySettings;
  /**
   * The public base URL is https, as behind a proxy that ends TLS; the stack still listens on plain
   * http, so the test sends to the http spelling of `base` with `X-Forwarded-Proto: https`.
   */
  behindTls?: boolean;
  /** Certificates the facade trusts for its OSCAR (an https `via`), as OSCAR_CA_FILE / OSCAR_TLS_FINGERPRINT give them. */
  oscarTls?: OscarTrust;
}

/** A port free on the loopback interface right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const credentials = demoCredentials({});
  const sim = await startSimulator({ port: 0, credentials, ...opts.sim });
  // A stack that cannot start (bad settings, a broken parser) must not leave its simulator
  // listening: the test file's process would wait out its timeout instead of failing at once.
  try {
    return await startOn(sim, credentials, opts);
  } catch (err) {
    await sim.close();
    throw err;
  }
}

async function startOn(sim: Simulator, credentials: ReturnType<typeof demoCredentials>, opts: StackOptions): Promise<Stack> {
  const port = await freePort();
  // Export jobs and their files go to a folder of this stack's own (removed on close) unless a test names one.
  const bulkDir = opts.env?.BULK_DIR ? undefined : mkdtempSync(join(tmpdir(), 'oscar-fhir-bulk-'));
  const asClinic = process.env.TEST_AS_CLINIC === '1' ? opts.facade?.state?.clinic ?? 'test' : undefined;
  const config = loadConfig({
    PORT: String(port), HOST: '127.0.0.1', FHIR_BASE_URL: `${opts.behindTls ? 'https' : 'http'}://127.0.0.1:${port}${asClinic ? `/clinics/${asClinic}` : ''}/fhir`,
    VALIDATION_MODE: 'strict', LOG_LEVEL: 'silent', OSCAR_TIMEZONE: sim.store.timezone,
    // No background change-feed polling unless a test asks for it: it would add OSCAR calls that
    // tests counting upstream calls do not expect (test/cache turns it on explicitly).
    CHANGE_POLL_SECONDS: '0',
    // No capability probes either (they are OSCAR calls too): the facade serves the assumed map,
    // everything present. Tests of discovery and of variants turn it on.
    CAPABILITY_DISCOVERY: 'false',
    ...(bulkDir && { BULK_DIR: bulkDir }),
    ...opts.env,
  });
  const proxy = await opts.via?.(sim.url);
  const conn: OscarConnection = { ...connectionFromCredentials(proxy?.url ?? sim.url, credentials), ...(opts.proxy && { proxy: opts.proxy }), ...(opts.oscarTls && { tls: opts.oscarTls }) };
  const logger = opts.logger ?? createLogger(config.logLevel);
  const neighbour = asClinic ? await besideNeighbour(asClinic, config, conn, logger, opts) : undefined;
  const facade = neighbour?.facade ?? createFacade(config, conn, logger, opts.facade);
  try {
    await facade.listen();
  } catch (err) {
    await facade.close(0).catch(() => undefined);
    await proxy?.close();
    await neighbour?.close();
    if (bulkDir) rmSync(bulkDir, { recursive: true, force: true });
    throw err;
  }
  const base = config.fhirBaseUrl;
  return {
    sim, facade, config, base,
    async fhir(path, init) {
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      let body: unknown;
      try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
      return { status: res.status, headers: res.headers, body, text };
    },
    async close() {
      await facade.close();
      await proxy?.close();
      await sim.close();
      await neighbour?.close();
      if (bulkDir) rmSync(bulkDir, { recursive: true, force: true });
    },
  };
}

/**
 * The stack's clinic as the first clinic of a deployment (its settings are the server's), with a
 * neighbour clinic on its own simulator (another seed, other OSCAR credentials) beside it.
 */
async function besideNeighbour(id: string, config: Config, conn: OscarConnection, logger: Logger, opts: StackOptions): Promise<{ facade: Facade; close(): Promise<void> }> {
  const origin = new URL(config.fhirBaseUrl).origin;
  const credentials = demoCredentials({ SIM_CONSUMER_KEY: 'neighbourconsumer', SIM_ACCESS_TOKEN: 'neighbour-token', SIM_SOAP_PASSWORD: 'neighbour-password' });
  const sim = await startSimulator({ port: 0, seed: 99, patients: 20, credentials });
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-neighbour-'));
  const other: Config = { ...config, fhirBaseUrl: `${origin}/clinics/neighbour/fhir`, bulk: { ...config.bulk, dir } };
  const deployment = createDeployment([
    { id, config, oscar: conn, ...(opts.facade && { options: opts.facade }) },
    { id: 'neighbour', config: other, oscar: connectionFromCredentials(sim.url, credentials) },
  ], logger);
  const clinic = deployment.clinics.get(id)!;
  const facade: Facade = { ...clinic, server: deployment.server, listen: () => deployment.listen(), close: (graceMs) => deployment.close(graceMs) };
  return {
    facade,
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
