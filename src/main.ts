// Entry point (`npm start`): read the configuration, start the embedded OSCAR simulator when no
// OSCAR is configured, start the FHIR server, and shut down gracefully on SIGTERM/SIGINT.
import { createFacade } from './app.js';
import { ConfigError, connectionFromCredentials, loadConfig, type OscarConnection } from './config.js';
import { createLogger } from './logging.js';
import { startSimulator, type Simulator } from './sim/server.js';
import { demoCredentials } from './sim/options.js';
import { DEFAULT_CLINIC, type FacadeState } from './state/index.js';
import { openPostgresState } from './state/postgres/index.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`oscar-fhir: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
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
    try {
      state = await openPostgresState({ url: config.stateDatabaseUrl, clinic: DEFAULT_CLINIC, logger });
    } catch (e) {
      // Never the URL itself: it may hold the password.
      const err = e as Error & { code?: string };
      process.stderr.write(`oscar-fhir: cannot open the state database (STATE_DATABASE_URL): ${err.name === 'SchemaTooNewError' ? err.message : `${err.code ?? err.name}: ${err.message}`}\n`);
      await sim?.close();
      process.exit(1);
    }
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

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.http.shutdownGraceMs;
    logger.info({ signal, graceMs }, 'shutting down: no new connections, finishing requests in flight');
    // Backstop in case closing itself hangs (a stuck socket, a sim that never closes).
    const backstop = setTimeout(() => { logger.error('shutdown did not complete; exiting'); process.exit(1); }, graceMs + 5_000);
    backstop.unref();
    const clean = await facade.close(graceMs);
    if (!clean) logger.warn({ graceMs }, 'shutdown grace period ended: requests still in flight were cut off');
    await sim?.close();
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

void main();
