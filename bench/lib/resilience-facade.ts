// The facade for the load-and-soak benchmark (bench/load.ts), in its own process: the product's
// own configuration from env (cache, timeouts, breaker…) against the benchmark's simulator, and a
// count of what must never happen — unhandled rejections, uncaught exceptions, error-level log
// lines (bugs) — which the benchmark asks for over IPC.
//   env BENCH_SIM_URL: the simulator's web-app URL.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createFacade } from '../../src/app.js';
import { connectionFromCredentials, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { demoCredentials } from '../../src/sim/options.js';
import { processStats, serveChild } from './proc.js';

const crashes = { unhandledRejections: 0, uncaughtExceptions: 0, errorLogLines: 0, warnLogLines: 0 };
process.on('unhandledRejection', () => { crashes.unhandledRejections++; });
process.on('uncaughtException', (e) => { crashes.uncaughtExceptions++; process.stderr.write(`uncaughtException: ${String(e)}\n`); });

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); });
});
const c = demoCredentials({});
const config = loadConfig({
  LOG_LEVEL: 'warn', ...process.env,
  PORT: String(port), HOST: '127.0.0.1', FHIR_BASE_URL: `http://127.0.0.1:${port}/fhir`,
});
// Lines are counted, not printed: 10 % of upstream calls failing makes many warn lines by design.
const firstErrors: string[] = [];
/** Upstream failures by error class and reason ('OscarUnavailableError queue-full', …). */
const failures: Record<string, number> = {};
const logger = createLogger(config.logLevel, {
  write(line: string) {
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    if (level >= 50) { crashes.errorLogLines++; if (firstErrors.length < 5) firstErrors.push(line.slice(0, 500)); } else if (level >= 40) {
      crashes.warnLogLines++;
      const o = JSON.parse(line) as { error?: string; reason?: string; cause?: string; status?: number };
      const key = `${o.status ?? '?'} ${o.error ?? '?'}${o.reason ? ` ${o.reason}` : ''}${o.cause ? ` ${o.cause}` : ''}`;
      failures[key] = (failures[key] ?? 0) + 1;
    }
  },
});
const facade = createFacade(config, connectionFromCredentials(process.env.BENCH_SIM_URL!, c), logger);
await facade.listen();
serveChild({ base: config.fhirBaseUrl }, {
  process: () => processStats(),
  crashes: () => ({ ...crashes, firstErrors, failures }),
  upstream: () => facade.oscar.load(),
  /** Bytes held by the (bounded) cache: memory growth that is not a leak. */
  cacheBytes: () => Object.values(facade.cache.usage()).reduce((n, u) => n + u.bytes, 0),
});
