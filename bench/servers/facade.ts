// The facade under test, in its own process, connected to the benchmark's simulator.
//   env BENCH_SIM_URL: the simulator; every facade setting (CACHE_MAX_BYTES, …) comes from env too.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createFacade } from '../../src/app.js';
import { connectionFromCredentials, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { demoCredentials } from '../../src/sim/options.js';
import { processStats, serveChild } from '../lib/proc.js';

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); });
});
const c = demoCredentials({});
const config = loadConfig({
  LOG_LEVEL: 'silent', ...process.env,
  PORT: String(port), HOST: '127.0.0.1', FHIR_BASE_URL: `http://127.0.0.1:${port}/fhir`,
});
const facade = createFacade(config, connectionFromCredentials(process.env.BENCH_SIM_URL!, c), createLogger(config.logLevel));
await facade.listen();
serveChild({ base: config.fhirBaseUrl, cache: config.cache }, {
  process: () => processStats(),
  // Peak resident memory of this process so far (getrusage ru_maxrss), in bytes; no GC forced.
  peakRss: () => process.resourceUsage().maxRSS * 1024,
  memory: () => process.memoryUsage(),
  cache: () => facade.cache.usage(),
  clear: () => { facade.cache.invalidateAll(); return true; },
  metrics: () => facade.metrics.registry.metrics(),
});
