// One facade instance of the shared-state benchmark (bench/shared-state.ts), in its own process.
//   env BENCH_SIM_URL: the simulator; BENCH_STATE_URL: the state database (PostgreSQL), absent =
//   the in-process state; BENCH_FACADE_FROM=dist: the build rather than src/ (as servers/facade.ts);
//   every other setting (OSCAR_MAX_IN_FLIGHT, …) from env as in production.
import { createServer, type AddressInfo } from 'node:net';
import { serveChild } from '../lib/proc.js';

type Product = typeof import('../../src/app.js') & typeof import('../../src/config.js') & typeof import('../../src/logging.js')
  & typeof import('../../src/sim/options.js') & typeof import('../../src/state/index.js') & typeof import('../../src/state/postgres/index.js');
const built = process.env.BENCH_FACADE_FROM === 'dist';
if (built) process.setSourceMapsEnabled(false);
const from = built ? '../../dist' : '../../src';
const product = Object.assign({}, ...await Promise.all(['app', 'config', 'logging', 'sim/options', 'state/index', 'state/postgres/index'].map((m) => import(`${from}/${m}.js`)))) as Product;
const { createFacade, connectionFromCredentials, loadConfig, createLogger, demoCredentials, DEFAULT_CLINIC, inProcessState, openPostgresState } = product;

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); });
});
const config = loadConfig({
  LOG_LEVEL: 'silent', ...process.env,
  PORT: String(port), HOST: '127.0.0.1', FHIR_BASE_URL: `http://127.0.0.1:${port}/fhir`,
});
const url = process.env.BENCH_STATE_URL;
const state = url ? await openPostgresState({ url, clinic: DEFAULT_CLINIC }) : inProcessState();
const facade = createFacade(config, connectionFromCredentials(process.env.BENCH_SIM_URL!, demoCredentials({})), createLogger(config.logLevel), { state });
await facade.listen();
serveChild({ base: config.fhirBaseUrl, port }, {
  clear: async () => { await facade.cache.invalidateAll(); return true; },
  load: () => facade.oscar.load(),
});
process.removeAllListeners('SIGTERM');
process.on('SIGTERM', () => { void facade.close(1_000).finally(() => process.exit(0)); });
