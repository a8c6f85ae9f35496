// The facade under test, in its own process, connected to the benchmark's simulator.
//   env BENCH_SIM_URL: the simulator; every facade setting (CACHE_MAX_BYTES, …) comes from env too.
//   env BENCH_FACADE_FROM=dist: the facade's code comes from the build (`npm run build`, what
//   `npm start` runs), not from src/ through tsx; without it, from src/.
//   env BENCH_FACADE_DIST: another build to load instead of dist/ (a directory of the repo, e.g. an
//   older build kept for an A/B run: bench/hit-ab.ts).
import { createServer } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { memoryDetail } from '../lib/memory-detail.js';
import { processStats, serveChild } from '../lib/proc.js';

type Product = typeof import('../../src/app.js') & typeof import('../../src/config.js') & typeof import('../../src/logging.js') & typeof import('../../src/sim/options.js');
const built = process.env.BENCH_FACADE_FROM === 'dist';
// `node dist/main.js` runs without source maps; tsx turns them on, which only makes error stacks dearer.
if (built) process.setSourceMapsEnabled(false);
const from = built ? `../../${process.env.BENCH_FACADE_DIST ?? 'dist'}` : '../../src';
const product = Object.assign({}, ...await Promise.all(['app', 'config', 'logging', 'sim/options'].map((m) => import(`${from}/${m}.js`)))) as Product;
// BENCH_STAGES=1: the main thread's CPU, and the wall clock (ms, comparable across the
// benchmark's processes), when a FHIR request arrives, when each OSCAR exchange is handed to the
// transport and when its answer is in (bench/page-http.ts splits a request at those points).
const stamps: [string, number, number][] = [];
if (process.env.BENCH_STAGES) {
  const { HttpTransport } = await import(`${from}/oscar/http-transport.js`) as typeof import('../../src/oscar/http-transport.js');
  const send = HttpTransport.prototype.send;
  // process.cpuUsage, not threadCpuUsage: getrusage(RUSAGE_THREAD) leaves out what the running thread
  // spent since its last tick or switch (a window with no switch reads 0), RUSAGE_SELF brings it up to date.
  const now = (): number => { const t = process.cpuUsage(); return t.user + t.system; };
  // CLOCK_MONOTONIC: one clock for every process of the machine (timeOrigin differs by up to a ms).
  const wall = (): number => Number(process.hrtime.bigint()) / 1e6;
  const stamp = (what: string): void => { stamps.push([what, now(), wall()]); };
  HttpTransport.prototype.send = function (this: InstanceType<typeof HttpTransport>, x) {
    stamp('send');
    // The answer is in when the transport says so (a build that hands the slot on there), else when it settles.
    let answered = false;
    const r = send.call(this, { ...x, answered: () => { answered = true; stamp('answer'); x.answered?.(); } });
    return r.then((v) => { if (!answered) stamp('answer'); return v; });
  };
  const { Server } = await import('node:http');
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: InstanceType<typeof Server>, event: string, ...a: unknown[]) {
    if (event === 'request') stamp('request');
    return (emit as (...x: unknown[]) => boolean).call(this, event, ...a);
  } as typeof emit;
  // And around the response's end (the body handed to the socket).
  const { ServerResponse } = await import('node:http');
  const end = ServerResponse.prototype.end;
  ServerResponse.prototype.end = function (this: InstanceType<typeof ServerResponse>, ...a: unknown[]) {
    stamp('end');
    const r = (end as (...x: unknown[]) => unknown).apply(this, a);
    stamp('ended');
    return r;
  } as typeof end;
}
// BENCH_TIMELINE=1: when each FHIR request arrived and its body was handed to the socket, each OSCAR exchange was handed to
// the transport and answered, and each collector pause began and ended, on the clock all the
// benchmark's processes share (performance.timeOrigin + now, ms), so bench/read-tail.ts can lay
// a slow request beside the simulator's record of its calls.
const timeline: { what: string; at: number; ms?: number; kind?: number }[] = [];
if (process.env.BENCH_TIMELINE) {
  const clock = (): number => performance.timeOrigin + performance.now();
  const { HttpTransport } = await import(`${from}/oscar/http-transport.js`) as typeof import('../../src/oscar/http-transport.js');
  const send = HttpTransport.prototype.send;
  HttpTransport.prototype.send = function (this: InstanceType<typeof HttpTransport>, x) {
    timeline.push({ what: 'send', at: clock() });
    return send.call(this, x).then((r) => { timeline.push({ what: 'answer', at: clock() }); return r; });
  };
  const { subscribe } = await import('node:diagnostics_channel');
  subscribe('http.server.request.start', () => { timeline.push({ what: 'request', at: clock() }); });
  // 'end': the body handed to the socket (the response's 'finish' comes a turn later, often after
  // the client has read it).
  const { ServerResponse } = await import('node:http');
  const end = ServerResponse.prototype.end;
  ServerResponse.prototype.end = function (this: InstanceType<typeof ServerResponse>, ...a: unknown[]) {
    timeline.push({ what: 'end', at: clock() });
    return (end as (...x: unknown[]) => unknown).apply(this, a);
  } as typeof end;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      timeline.push({ what: 'gc', at: performance.timeOrigin + e.startTime, ms: e.duration, kind: (e as { detail?: { kind?: number } }).detail?.kind ?? 0 });
    }
  }).observe({ entryTypes: ['gc'] });
}
const { createFacade, connectionFromCredentials, loadConfig, createLogger, demoCredentials } = product;

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
// The collector's pauses on the main thread since the first 'gc' rpc (ms, by kind: PerformanceObserver
// 'gc' entries). Observed only once asked for: an observer runs a callback per collection, which a
// floor does not pay (bench/results.md).
// `recent`: the last pauses, each on the clock all the benchmark's processes share
// (performance.timeOrigin + startTime, ms), so a client can tell a pause inside its request from
// one after the answer was out.
const gc = { ms: 0, count: 0, byKind: {} as Record<string, number>, recent: [] as { at: number; ms: number; kind: string }[] };
let gcObserved = false;
const observeGc = (): void => {
  if (gcObserved) return;
  gcObserved = true;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = String(((e as { detail?: { kind?: number } }).detail)?.kind ?? '?');
      gc.ms += e.duration;
      gc.count++;
      gc.byKind[kind] = (gc.byKind[kind] ?? 0) + e.duration;
      gc.recent.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind });
      if (gc.recent.length > 32) gc.recent.shift();
    }
  }).observe({ entryTypes: ['gc'] });
};
serveChild({ base: config.fhirBaseUrl, cache: config.cache, built }, {
  process: () => processStats(),
  // Peak resident memory of this process so far (getrusage ru_maxrss), in bytes; no GC forced.
  peakRss: () => process.resourceUsage().maxRSS * 1024,
  memory: () => process.memoryUsage(),
  // RSS by mapping kind and V8's heap spaces (bench/lib/memory-detail.ts), after a full GC unless
  // the argument is false.
  'memory-detail': (gc) => { if (gc !== false) (globalThis as { gc?: () => void }).gc?.(); return memoryDetail(); },
  // The same after a last-resort GC, the only collection that hands V8's pooled pages back to the
  // OS (a running server never makes one): what the live data and malloc hold without the pool.
  'memory-released': () => {
    (globalThis as { gc?: (o: object) => void }).gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return memoryDetail();
  },
  // A turn later: the observer is handed a pause's entry in a later task than the pause.
  gc: async () => { observeGc(); await new Promise((resolve) => setImmediate(resolve)); return gc; },
  stages: () => stamps.splice(0),
  timeline: () => timeline.splice(0),
  cache: () => facade.cache.usage(),
  // A heap snapshot into the given file (what the cache's entries hold: bench/cache-heap.ts).
  'heap-snapshot': (file) => writeHeapSnapshot(String(file)),
  clear: () => { facade.cache.invalidateAll(); return true; },
  metrics: () => facade.metrics.registry.metrics(),
});
