// Load and soak under upstream trouble (not a test): the simulated OSCAR, the facade and the load
// generator each in their own process, on loopback. 200 clients send a mix of reads and searches
// for 60 s while the simulator makes ~10 % of upstream calls slow or failing. Pass criteria:
// zero 500s, every 5xx a clean OperationOutcome (transient/timeout/exception), no unhandled
// rejection or uncaught exception in the facade, no error-level log line (a bug), and facade RSS
// growth under 10 % from the end of the warm-up to the end (medians of GC'd samples, net of the
// bounded cache filling up; the raw figure is printed too). Prints p50/p95/p99, the status mix
// and the causes of the 5xx answers.
//
//   node --import tsx bench/load.ts [--duration 60] [--warmup 10] [--connections 200]
//                                   [--fault-rate 0.10] [--cache on|off] [--json]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadgenResult, LoadgenSpec } from './lib/resilience-loadgen.js';
import { startChild, type Child } from './lib/proc.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '200' },
    'fault-rate': { type: 'string', default: '0.10' },
    cache: { type: 'string', default: 'on' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const durationSec = Number(args.duration);
const warmupSec = Math.min(Number(args.warmup), durationSec / 2);
const connections = Number(args.connections);
const faultRate = Number(args['fault-rate']);
if (!(durationSec > 0 && durationSec <= 3600) || !(connections > 0 && connections <= 2000) || !(faultRate >= 0 && faultRate <= 1)) {
  process.stderr.write('usage: bench/load.ts [--duration 1..3600] [--warmup s] [--connections 1..2000] [--fault-rate 0..1] [--cache on|off] [--json]\n');
  process.exit(2);
}

/**
 * The simulator's fault rules for `rate` of upstream calls: 40 % of it slow (latency below the
 * facade's timeout), the rest failing as OSCAR fails — resets, container 500s / SOAP faults,
 * truncated answers, and hung requests that the facade's timeout must cut.
 */
function faultRules(rate: number): object[] {
  return [
    { match: {}, mode: 'latency', latencyMs: 250, probability: rate * 0.4 },
    { match: {}, mode: 'reset', probability: rate * 0.2 },
    { match: {}, mode: 'http500', probability: rate * 0.2 },
    { match: {}, mode: 'garbage', probability: rate * 0.1 },
    { match: {}, mode: 'timeout', probability: rate * 0.1 },
  ];
}

const children: { stop(): Promise<void> }[] = [];
async function stopAll(): Promise<void> { await Promise.all(children.map((c) => c.stop().catch(() => undefined))); }
process.on('SIGINT', () => { void stopAll().then(() => process.exit(130)); });
// A hard stop in case anything hangs: the run is bounded in time whatever happens.
setTimeout(() => { process.stderr.write('bench/load.ts: overall deadline passed, stopping\n'); void stopAll().then(() => process.exit(3)); }, (durationSec + 180) * 1000).unref();

function startLoadgen(spec: LoadgenSpec): { ready: Promise<unknown>; go(): void; warm: Promise<void>; done: Promise<LoadgenResult>; stop(): Promise<void> } {
  const proc = fork(fileURLToPath(new URL('./lib/resilience-loadgen.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onReady!: (v: unknown) => void; let onWarm!: () => void; let onDone!: (r: LoadgenResult) => void; let onFail!: (e: Error) => void;
  const ready = new Promise((r) => { onReady = r; });
  const warm = new Promise<void>((r) => { onWarm = r; });
  const done = new Promise<LoadgenResult>((r, j) => { onDone = r; onFail = j; });
  proc.on('message', (m: { phase: string; result?: LoadgenResult; ids?: unknown }) => {
    if (m.phase === 'ready') onReady(m.ids);
    else if (m.phase === 'warm') onWarm();
    else if (m.phase === 'done' && m.result) onDone(m.result);
  });
  proc.once('exit', (code) => onFail(new Error(`load generator exited with ${code}`)));
  proc.send({ cmd: 'start', spec });
  return {
    ready, warm, done, go: () => proc.send({ cmd: 'go' }),
    stop: () => new Promise<void>((r) => { if (proc.exitCode !== null) { r(); return; } proc.once('exit', () => r()); proc.kill('SIGTERM'); }),
  };
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

interface MemorySample { warm: boolean; rss: number; heap: number; external: number; cache: number }

/** Field-wise median of a few samples. */
function medianSample(xs: MemorySample[]): MemorySample {
  const med = (f: (x: MemorySample) => number): number => { const v = xs.map(f).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]!; };
  return { warm: true, rss: med((x) => x.rss), heap: med((x) => x.heap), external: med((x) => x.external), cache: med((x) => x.cache) };
}

async function main(): Promise<void> {
  const sim = await startChild<{ url: string }>('servers/sim.ts');
  children.push(sim);
  const facade: Child<{ base: string }> = await startChild('lib/resilience-facade.ts', {
    BENCH_SIM_URL: sim.info.url,
    // Short upstream timeouts so hung calls ('timeout' faults) resolve within the run; the
    // product defaults (10 s, 30 s for documents) would just make the tail longer.
    OSCAR_TIMEOUT_MS: process.env.OSCAR_TIMEOUT_MS ?? '1500',
    OSCAR_DOCUMENT_TIMEOUT_MS: process.env.OSCAR_DOCUMENT_TIMEOUT_MS ?? '4000',
    ...(args.cache === 'off' && { CACHE_MAX_BYTES: '0' }),
  });
  children.push(facade);
  const admin = new URL('/__sim', sim.info.url).href;

  const spec: LoadgenSpec = { base: facade.info.base, connections, durationSec, warmupSec, seed: Number(args.seed) };
  const loadgen = startLoadgen(spec);
  children.push(loadgen);
  const idCounts = await loadgen.ready;

  // Faults on, counters at zero, go.
  await fetch(`${admin}/faults`, { method: 'DELETE' });
  if (faultRate > 0) {
    const r = await fetch(`${admin}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faultRules(faultRate)) });
    if (r.status !== 201) throw new Error(`could not install the fault rules: ${r.status} ${await r.text()}`);
  }
  await sim.rpc('reset');
  process.stderr.write(`load: ${connections} clients for ${durationSec} s (warm-up ${warmupSec} s), ${Math.round(faultRate * 100)} % of upstream calls slow or failing, cache ${args.cache}; ids ${JSON.stringify(idCounts)}\n`);
  loadgen.go();
  // The facade's memory every 5 s (after a full GC): a leak climbs, a filling cache levels off.
  // RSS after a GC still jumps by ±10 % between samples (allocator arenas), so the growth is
  // taken between the medians of the first and the last three samples after the warm-up.
  const samples: MemorySample[] = [];
  let warmDone = false;
  const sample = async (): Promise<void> => {
    const p = await facade.rpc<{ rssBytes: number; heapUsedBytes: number; externalBytes: number }>('process');
    samples.push({ warm: warmDone, rss: p.rssBytes, heap: p.heapUsedBytes, external: p.externalBytes, cache: await facade.rpc<number>('cacheBytes') });
  };
  const sampler = setInterval(() => { void sample().catch(() => undefined); }, 5_000);
  await loadgen.warm;
  warmDone = true;
  await sample();
  const result = await loadgen.done;
  clearInterval(sampler);
  await sample();
  const after = samples.filter((x) => x.warm);
  const warmMem = medianSample(after.slice(0, 3));
  const endMem = medianSample(after.slice(-3));
  const crashes = await facade.rpc<{ unhandledRejections: number; uncaughtExceptions: number; errorLogLines: number; warnLogLines: number; firstErrors: string[]; failures: Record<string, number> }>('crashes');
  const upstream = await sim.rpc<{ total: number; faults: Record<string, number>; maxInFlight: number }>('stats');
  await stopAll();

  const growth = (endMem.rss - warmMem.rss) / warmMem.rss;
  // The cache fills up to its byte budget for as long as the run lasts (OSCAR's answers come in
  // slowly): that growth is bounded by CACHE_MAX_BYTES and is not a leak, so it is set apart.
  const netGrowth = ((endMem.rss - endMem.cache) - (warmMem.rss - warmMem.cache)) / (warmMem.rss - warmMem.cache);
  const status5xx = Object.entries(result.statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
  const checks = {
    'zero 500s': (result.statuses['500'] ?? 0) === 0,
    'every 5xx a clean OperationOutcome': result.unclean5xx === 0,
    'every request answered (no hang-ups)': result.transportErrors === 0,
    'no unhandled rejection / uncaught exception': crashes.unhandledRejections === 0 && crashes.uncaughtExceptions === 0,
    'no error-level log line (bug)': crashes.errorLogLines === 0,
    'RSS growth under 10 % (net of the bounded cache filling up)': netGrowth < 0.1,
  };
  const report = {
    config: { connections, durationSec, warmupSec, faultRate, cache: args.cache },
    requests: result.requests, measured: result.measured, rps: Math.round(result.rps),
    latencyMs: { p50: +result.p50Ms.toFixed(2), p95: +result.p95Ms.toFixed(2), p99: +result.p99Ms.toFixed(2), max: +result.maxMs.toFixed(1) },
    statuses: result.statuses, share5xx: +(status5xx / Math.max(1, result.requests)).toFixed(4),
    memory: { warm: warmMem, end: endMem, growth: +growth.toFixed(4), netGrowth: +netGrowth.toFixed(4), samples },
    upstream: { calls: upstream.total, faultsInjected: upstream.faults, maxInFlight: upstream.maxInFlight },
    facade: crashes, byKind: result.byKind, uncleanSamples: result.uncleanSamples, checks,
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const mixLine = Object.entries(result.statuses).map(([s, n]) => `${s}: ${n} (${((100 * n) / result.requests).toFixed(1)} %)`).join(', ');
    process.stdout.write([
      '',
      `requests        ${result.requests} in ${durationSec} s (${result.measured} after warm-up, ${Math.round(result.rps)} req/s)`,
      `latency         p50 ${result.p50Ms.toFixed(1)} ms   p95 ${result.p95Ms.toFixed(1)} ms   p99 ${result.p99Ms.toFixed(1)} ms   max ${result.maxMs.toFixed(0)} ms`,
      `status mix      ${mixLine}`,
      `upstream        ${upstream.total} OSCAR calls answered; faults injected ${JSON.stringify(upstream.faults)}; max ${upstream.maxInFlight} in flight`,
      `facade RSS      ${mb(warmMem.rss)} after warm-up → ${mb(endMem.rss)} at the end (${(growth * 100).toFixed(1)} %); cache ${mb(warmMem.cache)} → ${mb(endMem.cache)}; net of the cache ${(netGrowth * 100).toFixed(1)} %; heap ${mb(warmMem.heap)} → ${mb(endMem.heap)}`,
      `memory / 5 s    ${samples.map((x) => `${x.warm ? '' : '('}${Math.round(x.rss / 1048576)}/${Math.round(x.heap / 1048576)}/${Math.round(x.cache / 1048576)}${x.warm ? '' : ')'}`).join(' ')}  (RSS/heap/cache MB after GC; warm-up in brackets)`,
      `facade health   ${crashes.unhandledRejections} unhandled rejections, ${crashes.uncaughtExceptions} uncaught exceptions, ${crashes.errorLogLines} error lines, ${crashes.warnLogLines} warn lines (upstream failures)`,
      `5xx causes      ${Object.entries(crashes.failures).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join('; ')}`,
      ...Object.entries(checks).map(([name, ok]) => `${ok ? 'PASS' : 'FAIL'}  ${name}`),
      ...(result.uncleanSamples.length ? ['unclean 5xx / unanswered samples:', ...result.uncleanSamples] : []),
      ...(crashes.firstErrors.length ? ['first error lines:', ...crashes.firstErrors] : []),
      '',
    ].join('\n'));
  }
  process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
}

main().catch(async (e: unknown) => {
  process.stderr.write(`bench/load.ts failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  await stopAll();
  process.exit(1);
});
