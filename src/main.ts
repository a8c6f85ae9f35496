// Entry point (`npm start`): read the configuration, start the embedded OSCAR simulator when no
// OSCAR is configured, start the FHIR server, and shut down gracefully on SIGTERM/SIGINT.
// With CLINICS_FILE, every clinic of the file is served at /clinics/{id}/fhir (src/clinics).
import { createFacade } from './app.js';
import { ConfigError, connectionFromCredentials, loadConfig, type OscarConnection } from './config.js';
import { loadClinics } from './clinics/clinic-config.js';
import { createDeployment, type DeploymentClinic } from './clinics/deployment.js';
import { startEmbeddedOscars } from './clinics/embedded.js';
import { createLogger, type Logger } from './logging.js';
import { startSimulator, type Simulator } from './sim/server.js';
import { demoCredentials } from './sim/options.js';
import { DEFAULT_CLINIC, type FacadeState } from './state/index.js';
import { openPostgresHost, openPostgresState } from './state/postgres/index.js';

/** The configuration, or the process ends with every problem said. */
function configured<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`oscar-fhir: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** The state database opened, or the process ends saying why. */
async function stateDatabase<T>(open: () => Promise<T>, beforeExit: () => Promise<unknown>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    // Never the URL itself: it may hold the password.
    const err = e as Error & { code?: string };
    process.stderr.write(`oscar-fhir: cannot open the state database (STATE_DATABASE_URL): ${err.name === 'SchemaTooNewError' ? err.message : `${err.code ?? err.name}: ${err.message}`}\n`);
    await beforeExit();
    process.exit(1);
  }
}

/** Graceful stop on SIGTERM/SIGINT; stray errors logged (a rejection) or fatal (an exception). */
function stopOnSignals(logger: Logger, graceMs: number, close: (graceMs: number) => Promise<boolean>, after: () => Promise<unknown>): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: no new connections, finishing requests in flight');
    // Backstop in case closing itself hangs (a stuck socket, a sim that never closes).
    const backstop = setTimeout(() => { logger.error('shutdown did not complete; exiting'); process.exit(1); }, graceMs + 5_000);
    backstop.unref();
    const clean = await close(graceMs);
    if (!clean) logger.warn({ graceMs }, 'shutdown grace period ended: requests still in flight were cut off');
    await after();
    logger.info({ clean }, 'stopped');
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // The facade keeps no state of its own, so a stray rejection is logged and serving goes on;
  // an uncaught exception may have left anything half-done, so the process exits (and restarts).
  process.on('unhandledRejection', (err) => { logger.error({ err }, 'unhandledRejection'); });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaughtException');
    process.exit(1);
  });
}

async function mainClinics(): Promise<void> {
  const clinics = configured(() => loadClinics());
  // Settings of the server itself are the same in every clinic's configuration.
  const site = clinics[0]!.config;
  const logger = createLogger(site.logLevel);
  // One pool and job queue on the state database for the instance; each clinic adds its listener.
  const url = site.stateDatabaseUrl;
  // Clinics of the file without an OSCAR ({"embedded": true}) get a simulator each.
  const embedded = await startEmbeddedOscars(clinics);
  if (embedded.connections.size > 0) logger.info({ clinics: [...embedded.connections.keys()] }, 'started an embedded OSCAR simulator (synthetic clinic) for each clinic marked embedded');
  const host = url ? await stateDatabase(() => openPostgresHost({ url, logger }), () => embedded.close()) : undefined;
  const parts: DeploymentClinic[] = [];
  for (const c of clinics) {
    const state = host
      ? await stateDatabase(() => host.state(c.id), () => Promise.all(parts.map((p) => p.options?.state?.close())).then(() => host.close()).then(() => embedded.close()))
      : undefined;
    // A clinic names its OSCAR or is embedded (clinics-file.ts), so its connection is set.
    const oscar = c.config.oscar ?? embedded.connections.get(c.id)!;
    parts.push({ id: c.id, config: c.config, oscar, ...(c.opsToken && { opsToken: c.opsToken }), ...(state && { options: { state } }) });
  }
  if (host) logger.info('state shared through the state database (STATE_DATABASE_URL)');
  const deployment = createDeployment(parts, logger);
  const port = await deployment.listen();
  process.stdout.write([
    '',
    `oscar-fhir is listening on ${site.host}:${port} (Node ${process.version}), serving ${clinics.length} clinic${clinics.length === 1 ? '' : 's'}:`,
    ...clinics.map((c) => `  ${c.id}: ${c.config.fhirBaseUrl}${embedded.connections.has(c.id) ? ' (embedded simulator: synthetic clinic, no real patients)' : ''}`),
    '',
  ].join('\n'));
  stopOnSignals(logger, site.http.shutdownGraceMs, (graceMs) => deployment.close(graceMs), async () => { await host?.close(); await embedded.close(); });
}

async function main(): Promise<void> {
  if (process.env.CLINICS_FILE) { await mainClinics(); return; }
  const config = configured(() => loadConfig());
  const logger = createLogger(config.logLevel);
  let sim: Simulator | undefined;
  let conn: OscarConnection;
  if (config.oscar) {
    conn = config.oscar;
  } else {
    const credentials = demoCredentials();
    sim = await startSimulator({ port: config.simPort, timezone: config.oscarTimezone, credentials });
    conn = connectionFromCredentials(sim.url, credentials);
    logger.info({ simulator: sim.url }, 'no OSCAR_URL configured: started the embedded OSCAR simulator with a synthetic clinic');
  }
  if (config.authMode === 'none') {
    logger.warn('AUTH_MODE=none: the FHIR API is open to anyone who can reach it. This is only allowed with the embedded simulator.');
  }
  let state: FacadeState | undefined;
  if (config.stateDatabaseUrl) {
    const url = config.stateDatabaseUrl;
    state = await stateDatabase(() => openPostgresState({ url, clinic: DEFAULT_CLINIC, logger }), async () => sim?.close());
    logger.info('state shared through the state database (STATE_DATABASE_URL)');
  }
  const facade = createFacade(config, conn, logger, { ...(state && { state }) });
  const port = await facade.listen();
  const base = config.fhirBaseUrl;
  process.stdout.write([
    '',
    `oscar-fhir is listening on ${config.host}:${port} (Node ${process.version})`,
    `FHIR base URL: ${base}`,
    sim ? `OSCAR: embedded simulator at ${sim.url} (synthetic clinic, no real patients)` : `OSCAR: ${conn.url}`,
    '',
    'Try:',
    `  curl -s ${base}/metadata`,
    `  curl -s '${base}/Patient?family=DOE'`,
    `  curl -s ${base}/Patient/1001`,
    `  curl -s '${base}/Patient?birthdate=1980-01-17&_count=5'`,
    '',
  ].join('\n'));
  stopOnSignals(logger, config.http.shutdownGraceMs, (graceMs) => facade.close(graceMs), async () => sim?.close());
}

void main();
