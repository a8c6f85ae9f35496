// Benchmark 6's 50-result Patient search page alone, set up as benchmark 6 sets it up (facade in
// its own process from the build, SMART bearer token, audit file, the simulator in another
// process, a raw client replaying the facade's calls), with more pages and the parts of the
// facade's CPU window told apart: the window of two `cpu` rpcs with nothing between them (the
// measurement's own IPC), the page's window, and the collector's time inside it (the facade's
// `gc` rpc: PerformanceObserver totals). Not a test: a tool to find where a page's CPU goes
// between the router's in-process work (bench/page-cpu.ts) and benchmark 6's figure.
//   npm run build && npx node --import tsx bench/page-http.ts [N] [--warm=30] [--node=--trace-gc,...]
//     [--stages] (CPU split at the OSCAR exchange and the response's end) [--rows=FILE]
//     [--env=NAME=VALUE,...] (more facade settings) [--dist=DIR] (another build than dist/)
//     [--profile=FILE] (a CPU profile of the facade over the measured pages)
//     [--alloc=FILE] (a sampling heap profile of the facade over the measured pages: where it
//     allocates, collected objects included; bench/alloc-summary.ts sums it by site per request)
//     [--everything] (benchmark 6's Patient/$everything case instead: the clinic's patients in turn)
//     [--read=TYPE] (benchmark 6's reads of TYPE instead, one at a time: Patient, Appointment,
//     AllergyIntolerance, Immunization or DocumentReference; use --warm=800, as a read's code
//     takes some 800 requests to settle)
import { writeFileSync } from 'node:fs';
import { startDeployedFacade } from './lib/deployed-facade.js';
import { startChild } from './lib/proc.js';
import { replay, type CapturedCall } from './lib/replay.js';
import { exchange } from './lib/sequential.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const warm = Number(opt('warm') ?? 30);
type Cpu = { cpuMicros: number; threadMicros: number; systemMicros: number };
type Gc = { ms: number; count: number; byKind: Record<string, number> };

const sim = await startChild<{ url: string; ids: number[]; records: Record<string, number[]> }>('servers/sim.ts', { BENCH_EXTRA_PATIENTS: '4000' });
const extraEnv = Object.fromEntries((opt('env') ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const deployed = await startDeployedFacade(sim.info.url, {
  ...(args.includes('--stages') && { BENCH_STAGES: '1' }), ...(opt('dist') && { BENCH_FACADE_DIST: opt('dist')! }), ...extraEnv,
}, (opt('node') ?? '').split(',').filter(Boolean));
const { facade, headers } = deployed;
const origin = new URL(sim.info.url).origin;
// The pages of benchmark 6: copies 2,000–3,999 of the clinic's patients, 50 a page.
const pages = sim.info.ids.filter((id) => id >= 100_000).slice(2000, 4000);
const everything = args.includes('--everything');
const reading = opt('read');
const paths = reading
  ? (reading === 'Patient' ? sim.info.ids.filter((id) => id < 100_000).slice(1) : sim.info.records[reading]!).map((id) => `/${reading}/${id}`)
  : everything
  ? sim.info.ids.filter((id) => id < 100_000).slice(1).map((id) => `/Patient/${id}/$everything`)
  : Array.from({ length: Math.floor(pages.length / 50) }, (_, k) => `/Patient?_id=${pages.slice(k * 50, k * 50 + 50).join(',')}&_count=50`);

// CLOCK_MONOTONIC, as the facade stamps its stages (bench/servers/facade.ts).
const wall = (): number => Number(process.hrtime.bigint()) / 1e6;
async function page(path: string): Promise<{ status: number; ms: number; calls: CapturedCall[]; sent: number; received: number }> {
  await sim.rpc('capture', true);
  const t = performance.now();
  const sent = wall();
  const status = await exchange({ method: 'GET', url: `${facade.info.base}${path}`, headers });
  const received = wall();
  const ms = performance.now() - t;
  const calls = (await sim.rpc<CapturedCall[]>('captured')).filter((c) => !(c.body && /UpdatedAfterDate|UpdateAfterDate|ActiveDemographicsAfter/.test(c.body)));
  await sim.rpc('capture', false);
  return { status, ms, calls, sent, received };
}

for (let k = 0; k < warm; k++) await replay(origin, (await page(paths[paths.length - 1 - (k % paths.length)]!)).calls);
await facade.rpc('clear');
await page(paths[0]!); // loads what every request shares (the provider list), as benchmark 6's first

const rows: {
  pre: number; between: number; post: number; write: number; after: number; system: number; empty: number; emptyThread: number; cpu: number; thread: number; gcMs: number; ms: number; added: number;
  wIn: number; wPre: number; wChain: number; raw: number; wPost: number; wEnd: number; wOut: number;
}[] = [];
const profile = opt('profile');
const alloc = opt('alloc');
await facade.rpc('gc'); // the facade observes its collections from the first ask on
if (profile) await facade.rpc('profile-start');
if (alloc) await facade.rpc('alloc-start');
for (let i = 1; i <= n; i++) {
  const path = paths[i % paths.length]!;
  if (args.includes('--marks') && (i - 1) % Math.ceil(n / 5) === 0) process.stdout.write(`=== page ${i}\n`);
  // Benchmark 6 has 40 distinct pages: cycling through them, each must still be a miss.
  await facade.rpc('clear');
  if (args.includes('--stages')) await facade.rpc('stages'); // stamps of change-feed polls since the last page
  const e0 = await facade.rpc<Cpu>('cpu');
  const e1 = await facade.rpc<Cpu>('cpu');
  const g0 = await facade.rpc<Gc>('gc');
  const c0 = await facade.rpc<Cpu>('cpu');
  const r = await page(path);
  const c1 = await facade.rpc<Cpu>('cpu');
  const g1 = await facade.rpc<Gc>('gc');
  const stamps = args.includes('--stages') ? (await facade.rpc<[string, number, number][]>('stages')).filter((s) => s[2] >= r.sent) : [];
  const at = (what: string): number => stamps.findLast((s) => s[0] === what)?.[1] ?? 0;
  const wallAt = (what: string, first = false): number => (first ? stamps.find((s) => s[0] === what) : stamps.findLast((s) => s[0] === what))?.[2] ?? 0;
  const firstSend = stamps.find((s) => s[0] === 'send') ?? ['send', 0, 0];
  if (i === 1) process.stdout.write(`OSCAR calls per page: ${r.calls.length}; stamps ${stamps.map((s) => s[0]).join(' ')}\n`);
  const raw = await replay(origin, r.calls);
  if (r.status !== 200 || r.calls.length === 0) throw new Error(`${path}: ${r.status}, ${r.calls.length} OSCAR calls`);
  rows.push({
    // With --stages: the main thread's CPU before the first OSCAR exchange, between it and the last
    // answer, and after that answer (0s without).
    pre: stamps.length ? firstSend[1] - c0.cpuMicros : 0,
    between: stamps.length ? at('answer') - firstSend[1] : 0,
    post: at('end') - at('answer'), write: at('ended') - at('end'), after: at('ended') ? c1.cpuMicros - at('ended') : 0,
    system: c1.systemMicros - c0.systemMicros, empty: e1.cpuMicros - e0.cpuMicros, emptyThread: e1.threadMicros - e0.threadMicros,
    cpu: c1.cpuMicros - c0.cpuMicros, thread: c1.threadMicros - c0.threadMicros, gcMs: g1.ms - g0.ms, ms: r.ms, added: r.ms - raw.ms,
    // With --stages, wall clock (ms): client send → request event → 1st OSCAR send → last answer
    // in (beside the raw replay of the same calls) → res.end → its return → the client has the answer.
    wIn: wallAt('request') - r.sent, wPre: wallAt('send', true) - wallAt('request'), wChain: wallAt('answer') - wallAt('send', true), raw: raw.ms,
    wPost: wallAt('end') - wallAt('answer'), wEnd: wallAt('ended') - wallAt('end'), wOut: r.received - wallAt('ended'),
  });
}
if (profile) await facade.rpc('profile-stop', profile);
if (alloc) await facade.rpc('alloc-stop', alloc);
const med = (k: keyof (typeof rows)[number]): number => { const s = rows.map((r) => r[k]).sort((a, b) => a - b); return s[s.length >> 1]!; };
const min = (k: keyof (typeof rows)[number]): number => Math.min(...rows.map((r) => r[k]));
const mean = (k: keyof (typeof rows)[number]): number => rows.reduce((a, r) => a + r[k], 0) / rows.length;
process.stdout.write(`${reading ? `${reading} read` : everything ? 'Patient/$everything' : '50-result page'}, ${n} requests after ${warm} warm-up requests (median / min / mean):\n`);
for (const [k, what] of [['cpu', 'facade CPU µs'], ['pre', 'main thread to 1st OSCAR send'], ['between', '1st send to last answer'], ['post', 'last answer to res.end'], ['write', 'res.end'], ['after', 'after res.end to window end'], ['system', 'of which in the kernel µs'], ['thread', 'main thread µs'], ['empty', 'empty window CPU µs'], ['emptyThread', 'empty window main thread µs'], ['gcMs', 'GC ms (observer)'], ['ms', 'facade wall ms'], ['added', 'added ms'],
  ...(args.includes('--stages') ? [['wIn', 'wall: client → request event'], ['wPre', 'wall: request → 1st OSCAR send'], ['wChain', 'wall: 1st send → last answer in'], ['raw', 'wall: raw replay of the calls'],
    ['wPost', 'wall: last answer → res.end'], ['wEnd', 'wall: res.end'], ['wOut', 'wall: res.end → client has it']] as const : [])] as const) {
  process.stdout.write(`  ${what.padEnd(30)} ${med(k).toFixed(2).padStart(9)} ${min(k).toFixed(2).padStart(9)} ${mean(k).toFixed(2).padStart(9)}\n`);
}
// Medians over each fifth of the run: still falling means the facade is still warming up.
const fifth = (k: keyof (typeof rows)[number]): string => [0, 1, 2, 3, 4].map((q) => {
  const s = rows.slice((q * rows.length) / 5, ((q + 1) * rows.length) / 5).map((r) => r[k]).sort((a, b) => a - b);
  return s[s.length >> 1]!.toFixed(k === 'ms' || k === 'added' || k === 'gcMs' ? 2 : 0);
}).join(' ');
// A run of fewer than five pages has no fifths to compare.
if (rows.length >= 5) for (const k of ['thread', 'gcMs', 'ms', 'added'] as const) process.stdout.write(`  ${k} median by fifth of the run: ${fifth(k)}\n`);
if (opt('rows')) writeFileSync(opt('rows')!, JSON.stringify(rows));
// What the facade holds after the run (no collection forced): its node options show here (a young generation's size…).
const mem = await facade.rpc<NodeJS.MemoryUsage>('memory');
process.stdout.write(`  facade after the run: RSS ${(mem.rss / 2 ** 20).toFixed(1)} MiB, V8 heap ${(mem.heapTotal / 2 ** 20).toFixed(1)} MiB (used ${(mem.heapUsed / 2 ** 20).toFixed(1)}), peak RSS ${((await facade.rpc<number>('peakRss')) / 2 ** 20).toFixed(1)} MiB\n`);
await deployed.stop();
await sim.stop();
