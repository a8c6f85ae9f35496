// `npm run bench`: the five cache/performance benchmarks, side by side in one run on this machine,
// each server and the load generator (autocannon) in processes of their own. Prints the figures,
// the ratios against the targets, and a Markdown table for the README.
//   npm run bench               full run (5–9 minutes)
//   npm run bench -- --quick    shorter runs, smaller memory load (about 8 minutes, 5 of them the
//                               memory benchmark's three rounds)
//   npm run bench -- --only=1,4 a subset (1 and 2 run together; 6 is the per-type miss table;
//                               7 is two instances sharing their state on PostgreSQL)
//   npm run bench -- --profile  also profiles the facade during a cache-hit and a cache-miss window
//                               and prints where the time goes (profiles kept in the OS temp dir)
//   npm run bench -- --from-src the facade runs src/ under tsx instead of the build (dist/, built
//                               first by every other run: `npm start` runs the build)
//   npm run bench -- --only=5 --mem-rounds=N --mem-base=DIR   memory: N rounds, and another
//                               build's facades alternating with this one's
//   env BENCH_FACADE_DIST=DIR   every facade runs another build (e.g. dist-base/)
//   env BENCH_FACADE_NODE=A,B   node options for the facade benchmarks 1, 3, 4 and 6 share
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileAreas } from './lib/profile-areas.js';
import { summariseProfile } from './lib/profile-summary.js';
import { memory, type MemoryReport } from './memory.js';
import { missByType, type MissCase, type MissCaseReport } from './miss-by-type.js';
import { missLatency, type MissLatencyReport } from './miss-latency.js';
import { buildFacade } from './lib/build.js';
import { startChild, type Child } from './lib/proc.js';
import { throughput, type ThroughputReport } from './throughput.js';
import { upstreamCalls, type UpstreamReport } from './upstream-calls.js';
import { runLoad } from './lib/load-client.js';
import { sharedState, type SharedStateReport } from './shared-state.js';
import { startIssuer } from '../test/auth/fixture.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profile = args.includes('--profile');
const fromSrc = args.includes('--from-src');
// Benchmark 6 shortened, for development (the figures of a full run are not these):
//   --b6=Patient,search   only the cases whose name holds one of these
//   --b6-warm=N --b6-n=N  warm-up misses per case, requests measured per case
const b6 = args.find((a) => a.startsWith('--b6='))?.slice(5).split(',');
const b6Warm = args.find((a) => a.startsWith('--b6-warm='))?.slice(10);
const b6N = args.find((a) => a.startsWith('--b6-n='))?.slice(7);
const shortened = (cases: MissCase[]): MissCase[] => cases
  .filter((c) => !b6 || b6.some((k) => c.name.includes(k)))
  .map((c) => ({ ...c, ...(b6Warm !== undefined && { warm: Number(b6Warm) }), ...(b6N !== undefined && { want: Number(b6N) }) }));
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',').map(Number);
const wants = (n: number): boolean => !only || only.includes(n) || (n === 2 && only.includes(1)) || (n === 1 && only.includes(2));

type SimInfo = { url: string; ids: number[]; credentials: { securityNo: number; soapPassword: string }; records: Record<'Appointment' | 'AllergyIntolerance' | 'Immunization' | 'DocumentReference', number[]> };
const MIB = 1024 * 1024;
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);
const mib = (b: number): string => `${(b / MIB).toFixed(1)} MiB`;
const ok = (pass: boolean): string => (pass ? 'met' : 'NOT met');

const children: Child[] = [];
let profiles: string | undefined;
const profileDir = (): string => (profiles ??= mkdtempSync(join(tmpdir(), 'oscar-fhir-profile-')));
function printProfile(what: string, file: string, requests: number): void {
  process.stdout.write(`   where the facade's main thread spent its time (${what}; ${file}):\n`);
  for (const [area, us] of summariseProfile(file, requests)) process.stdout.write(`     ${us.toFixed(0).padStart(7)} µs/request  ${area}\n`);
  process.stdout.write('\n');
}
/**
 * Benchmark 6's profile of a case: only the samples inside the measured requests (the windows file
 * miss-by-type.ts writes beside it), by owner (lib/profile-areas.ts), each sample counted as one
 * sampling interval: a stall of the main thread (the machine took its CPU) is not charged to the
 * frame it stopped in.
 */
function printWindows(what: string, file: string): void {
  const windows = JSON.parse(readFileSync(`${file}.windows.json`, 'utf8')) as [number, number][];
  const rows = profileAreas(file, windows.length, false, windows, 'count');
  const busy = rows.reduce((a, [, us]) => a + us, 0);
  process.stdout.write(`   where the facade's main thread spent the measured requests of ${what} (${windows.length}; samples inside the requests only, counted: ${busy.toFixed(0)} µs busy per request; ${file}):\n`);
  for (const [area, us] of rows) process.stdout.write(`     ${us.toFixed(0).padStart(7)} µs/request ${(100 * us / Math.max(1, busy)).toFixed(1).padStart(5)} %  ${area}\n`);
  process.stdout.write('\n');
}
async function child<I>(script: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Child<I>> {
  const c = await startChild<I>(script, env, [], nodeArgs);
  children.push(c as Child);
  return c;
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(`oscar-fhir benchmarks${quick ? ' (quick)' : ''} — Node ${process.version}, ${(await import('node:os')).cpus().length} cores, facade ${fromSrc ? 'from src/ under tsx' : 'from the build (dist/)'}\n\n`);
  if (!fromSrc) buildFacade();
  const from: Record<string, string> = fromSrc ? {} : { BENCH_FACADE_FROM: 'dist' };
  // 7 first: its servers are its own, and a run of 7 alone needs none of the others'.
  let shared: SharedStateReport | undefined;
  if (wants(7)) {
    process.stdout.write('7. two instances sharing their state on PostgreSQL, behind a round-robin balancer, vs one …\n');
    shared = await sharedState({ quick, child, env: from });
    const s = shared;
    const rate = (r: { rps: number; p50Ms: number }): string => `${r.rps.toFixed(0)} req/s p50 ${f2(r.p50Ms)} ms`;
    process.stdout.write(`   cache hits (16 connections): one ${rate(s.hits.one)} | two ${rate(s.hits.two)} — two/one ${f2(s.hits.ratio)}\n`);
    process.stdout.write(`   cache misses (${s.misses.reads} distinct Patients, 32 connections, OSCAR answering in ${s.oscarLatencyMs} ms): one ${rate(s.misses.one)}, at most ${s.misses.one.maxInFlight} OSCAR calls at once | two ${rate(s.misses.two)}, at most ${s.misses.two.maxInFlight} at once — two/one ${f2(s.misses.ratio)}; OSCAR_MAX_IN_FLIGHT ${s.limit} for the clinic: ${ok(s.misses.two.maxInFlight <= s.limit)}\n`);
    for (const [name, w] of [['plain', s.writes.plain], ['with If-Match', s.writes.ifMatch]] as const) {
      process.stdout.write(`   Patient update ${name} (${s.writes.count} each, alternating): in-process p50 ${f2(w.inProcessP50Ms)} p90 ${f2(w.inProcessP90Ms)} ms | PostgreSQL p50 ${f2(w.sharedP50Ms)} p90 ${f2(w.sharedP90Ms)} ms — added p50 ${f2(w.addedP50Ms)} ms\n`);
    }
    process.stdout.write('\n');
  }

  if (only?.every((n) => n === 7)) return finish(markdown(undefined, undefined, undefined, undefined, undefined, shared), started);

  // OSCAR: the synthetic clinic (300 patients) plus 4,000 copies for cold reads that never repeat
  // (benchmark 3 reads copies 0–1,599, warming up on 800–1,199; benchmark 6 reads 1,600–1,999 and searches 2,000–3,999).
  const sim = await child<SimInfo>('servers/sim.ts', { BENCH_EXTRA_PATIENTS: '4000' });
  // OSCAR on the same host (loopback): the deployment setting is OSCAR_GZIP=false, and the direct
  // SOAP calls benchmark 3 compares against ask for no compression either.
  // As deployed: SMART on (tokens of an external issuer, verified on every request) and an audit
  // record per request, written to a file.
  let audience = '';
  const issuer = await startIssuer(() => audience);
  const facadeEnv = {
    ...from, BENCH_SIM_URL: sim.info.url, CHANGE_POLL_SECONDS: '5', OSCAR_MAX_IN_FLIGHT: '4', OSCAR_MAX_QUEUE: '1000', OSCAR_GZIP: 'false',
    AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`,
    SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: join(mkdtempSync(join(tmpdir(), 'oscar-fhir-audit-')), 'audit.jsonl'),
  };
  // BENCH_FACADE_NODE: node options for this facade, comma-separated (e.g. a young-generation size to try).
  const facade = await child<{ base: string }>('servers/facade.ts', facadeEnv, (process.env.BENCH_FACADE_NODE ?? '').split(',').filter(Boolean));
  audience = facade.info.base;
  const bearer = { authorization: `Bearer ${await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 })}` };
  const clinic = sim.info.ids.filter((id) => id < 100_000);
  const copies = sim.info.ids.filter((id) => id >= 100_000);

  let t: ThroughputReport | undefined;
  let m: MissLatencyReport | undefined;
  let u: UpstreamReport | undefined;
  let mem: (MemoryReport & { rounds: number[] }) | undefined;
  let byType: MissCaseReport[] | undefined;

  if (wants(1)) {
    process.stdout.write('1+2. cache-hit GET /fhir/Patient/1001, 16 connections: the facade as deployed (bearer token, audit on) and in the demo configuration (no auth, no audit), each vs its floor (bare node:http, same bytes and headers), vs node-fhir-server-core …\n');
    const demo = await child<{ base: string }>('servers/facade.ts', { ...from, BENCH_SIM_URL: sim.info.url, CHANGE_POLL_SECONDS: '5', OSCAR_GZIP: 'false' });
    t = await throughput({
      facades: [{ name: 'facade', child: facade, headers: bearer }, { name: 'demo', child: demo, headers: {} }],
      ids: [1001], rounds: quick ? 3 : 5, seconds: quick ? 3 : 5, connections: 16, warmupSeconds: 2,
    });
    await demo.stop();
    for (const [i, r] of t.rounds.entries()) {
      process.stdout.write(`   round ${i + 1}: ${r.map((x) => `${x.name} ${x.result.rps.toFixed(0)} req/s p50 ${f2(x.result.p50Ms)} ms p99 ${f2(x.result.p99Ms)} ms (${x.cpuMicrosPerRequest.toFixed(0)} µs CPU/req)`).join(' | ')}\n`);
    }
    const [deployed, ...beside] = t.median;
    process.stdout.write(`   facade/floor ${f2(deployed!.vsFloor)} (target ≥ 0.6: ${ok(deployed!.vsFloor >= 0.6)}), facade/peer ${f2(deployed!.vsPeer)} (target ≥ 3: ${ok(deployed!.vsPeer >= 3)})${beside.map((b) => `; ${b.facade.name}/floor ${f2(b.vsFloor)}, ${b.facade.name}/peer ${f2(b.vsPeer)}`).join('')}\n\n`);
    if (profile) {
      await facade.rpc('profile-start');
      const r = await runLoad({ url: `${facade.info.base}/Patient/1001`, connections: 16, durationSec: 5, headers: bearer });
      const file = await facade.rpc<string>('profile-stop', join(profileDir(), 'facade-cache-hit.cpuprofile'));
      printProfile(`cache hits, ${r.requests} requests`, file, r.requests);
    }
  }
  if (wants(3)) {
    process.stdout.write('3. cache-miss read latency, one request at a time: facade vs a raw client making the same SOAP calls (getDemographic ∥ getDemographic2) …\n');
    m = await missLatency({ facade, sim, ids: copies.slice(0, quick ? 400 : 800), warm: copies.slice(800, 1200), rounds: quick ? 4 : 8, headers: bearer });
    if (profile) {
      const p = new URL(facade.info.base).pathname;
      const ids = copies.slice(1200, 1600);
      await facade.rpc('profile-start');
      await runLoad({ url: facade.info.base, connections: 1, amount: ids.length, paths: ids.map((id) => `${p}/Patient/${id}`), headers: bearer });
      printProfile(`cache misses, ${ids.length} requests one at a time`, await facade.rpc<string>('profile-stop', join(profileDir(), 'facade-cache-miss.cpuprofile')), ids.length);
    }
    for (const [i, r] of m.rounds.entries()) {
      process.stdout.write(`   round ${i + 1}: facade p50 ${f2(r.facade.p50Ms)} ms p99 ${f2(r.facade.p99Ms)} ms (${r.facadeCpuMicrosPerRead.toFixed(0)} µs CPU/read) | raw p50 ${f2(r.raw.p50Ms)} ms p99 ${f2(r.raw.p99Ms)} ms\n`);
    }
    process.stdout.write(`   warm-up first, as a production server is warm: ${m.warmReads} unmeasured misses over other patients, the raw client making the same calls for each\n`);
    process.stdout.write(`   added p50 ${f2(m.addedP50Ms)} ms (target ≤ 1: ${ok(m.addedP50Ms <= 1)}), added p99 ${f2(m.addedP99Ms)} ms (target ≤ 3: ${ok(m.addedP99Ms <= 3)}) — medians of the rounds\n`);
    process.stdout.write(`   OSCAR calls per facade read: ${Object.entries(m.upstreamCallsPerRead).map(([k, v]) => `${k} ${f2(v)}`).join(', ')}\n`);
    process.stdout.write(`   as the facade's OSCAR client saw them (mean): ${Object.entries(m.upstreamMeanMs).map(([k, v]) => `${k} ${f2(v)} ms`).join(', ')}\n`);
    process.stdout.write(`   the same reads as cache hits (the HTTP hop through the facade alone): p50 ${f2(m.hit.p50Ms)} ms\n\n`);
  }
  if (wants(4)) {
    process.stdout.write('4. upstream calls, counted by the simulator …\n');
    u = await upstreamCalls({ sim, facade, ids: clinic, maxInFlight: 4, headers: bearer });
    const ops = (c: { byOperation: Record<string, number> }): string => Object.entries(c.byOperation).map(([k, v]) => `${k}×${v}`).join(', ');
    process.stdout.write(`   100 concurrent identical cold reads: ${u.coalesced.calls} OSCAR calls (${ops(u.coalesced)}), statuses ${u.coalesced.statuses}\n`);
    process.stdout.write(`   50-result Patient search page (${u.search50.results} results): ${u.search50.calls} OSCAR calls (${ops(u.search50)})\n`);
    process.stdout.write(`   Patient/1001/$everything (${u.everything.resources} resources): ${u.everything.calls} OSCAR calls, up to ${u.everything.maxConcurrent} at once, ${f1(u.everything.ms)} ms (${ops(u.everything)})\n`);
    process.stdout.write(`   200 concurrent distinct cold reads: at most ${u.fanIn.maxConcurrent} OSCAR requests at once (OSCAR_MAX_IN_FLIGHT ${u.fanIn.limit}), statuses ${u.fanIn.statuses}\n\n`);
  }
  if (wants(6)) {
    process.stdout.write('6. cache-miss time the facade adds, per kind of request, one at a time: facade vs a raw client replaying the calls the facade made …\n');
    // Reads measured per type, quick or not: the p99 of 40 was the single slowest request, which
    // on this shared machine is whichever one the scheduler preempted (bench/results.md,
    // "Patient/$everything and the per-call path"). 200 (AllergyIntolerance has 209 candidates).
    const n = 200;
    const ids = (xs: number[]): string[] => xs.map((id) => String(id));
    // Warm-up: 300 unmeasured misses of each read and 10 of each page-sized case, mixed (see miss-by-type.ts).
    const read = (type: string, xs: number[]): MissCase => ({ name: `${type} read`, paths: ids(xs).map((id) => `/${type}/${id}`), want: n, warm: 300, targetP50Ms: 1, targetP99Ms: 3 });
    const pages = copies.slice(2000, 4000);
    // A page or $everything runs each request's code once, not per row: in a fresh process the
    // page took 11–64 ms CPU over its first 16 requests and 4–8 ms from about the 20th on
    // (bench/page-cpu.ts without its warm-up), so ten warm-up requests measured the JIT. Thirty
    // were not enough either: after 60, the page's main-thread CPU by fifths of the next 100 was
    // 8.7, 9.1, 6.0, 5.7, 4.3 ms, and it settled near 3.6 ms only after some 300 pages
    // (bench/page-http.ts --stages). A server that answers pages has answered hundreds.
    const warmPages = 300;
    const cases: MissCase[] = [
      read('Patient', copies.slice(1600, 2000)),
      ...(['Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference'] as const).map((t) => read(t, sim.info.records[t])),
      {
        // Every page of the 2,000 ids (the first of a case is not measured): ten pairs in --quick
        // moved the added p50 by ±1 ms from run to run, and 39 cost about a second more.
        name: '50-result Patient search page', want: 39, warm: warmPages, targetP50Ms: 2, floor: true,
        paths: Array.from({ length: Math.floor(pages.length / 50) }, (_, k) => `/Patient?_id=${pages.slice(k * 50, k * 50 + 50).join(',')}&_count=50`),
      },
      { name: 'Patient/$everything', want: 30, warm: warmPages, targetP50Ms: 2, paths: clinic.slice(1).map((id) => `/Patient/${id}/$everything`) },
    ];
    // The control beside the facade: the same calls through a bare node:http process that does no
    // FHIR work (servers/pass-through.ts), so the added p99 can be read against what any process in
    // the middle costs on this machine.
    const passThrough = await child<{ base: string }>('servers/pass-through.ts', { BENCH_SIM_URL: sim.info.url });
    const measured = await missByType({ facade, sim, cases: shortened(cases), headers: bearer, passThrough, ...(profile && { profileDir: profileDir() }) });
    await passThrough.stop();
    byType = measured.cases;
    process.stdout.write(`   warm-up first, as a production server is warm: ${measured.warmedWith} unmeasured misses over other ids (mixed), each replayed by the raw client too, then the cache cleared\n`);
    for (const r of byType) {
      process.stdout.write(`   ${r.name.padEnd(30)} ${String(r.requests).padStart(4)} × ${f1(r.callsPerRequest)} calls: facade ${r.facadeCpuMicros.toFixed(0)} µs CPU (main thread ${r.facadeThreadMicros.toFixed(0)}), p50 ${f2(r.facade.p50Ms)} p99 ${f2(r.facade.p99Ms)} | raw p50 ${f2(r.raw.p50Ms)} p99 ${f2(r.raw.p99Ms)} | added p50 ${f2(r.addedP50Ms)} ms (target ≤ ${r.targetP50Ms}: ${ok(r.addedP50Ms <= r.targetP50Ms)}), p99 ${f2(r.addedP99Ms)} ms${r.targetP99Ms === undefined ? '' : ` (target ≤ ${r.targetP99Ms}: ${ok(r.addedP99Ms <= r.targetP99Ms)})`}${r.skipped ? ` (${r.skipped} not 200, left out)` : ''}${r.passThrough ? ` | pass-through (same answer bytes) added p50 ${f2(r.passThrough.addedP50Ms)} p99 ${f2(r.passThrough.addedP99Ms)} ms; facade over it p50 ${f2(r.passThrough.facadeOverP50Ms)} ms` : ''}${r.floor ? ` | floor control (the hop, the answer read, the FHIR objects built natively and written) added p50 ${f2(r.floor.addedP50Ms)} p99 ${f2(r.floor.addedP99Ms)} ms; facade over it p50 ${f2(r.floor.facadeOverP50Ms)} ms` : ''}\n`);
      const pt = r.passThrough;
      process.stdout.write(`   ${''.padEnd(30)} split: ${pt ? `hop (pass-through) ${f2(pt.addedP50Ms)} ms, facade over the hop ${f2(pt.facadeOverP50Ms)} ms; ` : ''}${r.floor ? `floor control ${f2(r.floor.addedP50Ms)} ms, facade over the floor ${f2(r.floor.facadeOverP50Ms)} ms; ` : ''}facade main thread on a CPU per request (median) ${f2(r.median.facadeRunMs)} ms${pt ? `; p99 of the control alone ${f2(pt.addedP99Ms)} ms` : ''}\n`);
      process.stdout.write(`   ${''.padEnd(30)} CPU per request (medians): facade process without the bench's rpcs ${r.median.ownCpuMicros.toFixed(0)} µs (mean in the kernel ${r.median.ownSystemMicros.toFixed(0)}; an empty window's rpcs ${r.median.rpcCpuMicros.toFixed(0)} µs, taken out)${pt ? `; main thread on a CPU: facade ${f2(r.median.facadeRunMs)} ms, pass-through ${f2(r.median.passRunMs)} ms` : ''}${r.floor ? `, floor control ${f2(r.median.floorRunMs)} ms` : ''}\n`);
      process.stdout.write(`   ${''.padEnd(30)} added p99 with the facade's measured CPU waits and collector pauses taken out: ${f2(r.addedP99WithoutWaitsMs)} ms, and the simulator's and this client's measured part too: ${f2(r.addedP99WithoutMachineMs)} ms (the target is judged on the figure above); ${r.pausedRequests} request(s) held a collector pause of the facade, ${f2(r.pausedMs)} ms in all\n`);
      process.stdout.write(`   ${''.padEnd(30)} slowest ${r.slowest.length} by added time (facade waited for a CPU / its collector paused it / simulator slower than for the replay / simulator waited more / client waited more / simulator's and client's collectors / rest [facade main thread on a CPU]): ${r.slowest.map((x) => `${f2(x.addedMs)} ms (${[f2(x.facadeWaitMs), `${f2(x.gcMs)}${x.gcKinds && ` ${x.gcKinds}`}`, ...[x.simMs, x.simWaitMs, x.clientWaitMs, x.otherGcMs, x.restMs].map(f2)].join(' / ')} [${f2(x.facadeRunMs)}])`).join(', ')}\n`);
    }
    for (const r of byType) if (r.profile) printWindows(r.name, r.profile);
    process.stdout.write('\n');
  }
  await facade.stop();
  await sim.stop();
  await issuer.close();

  if (wants(5)) {
    const distinct = quick ? 4_000 : 20_000;
    const reads = quick ? 20_000 : 100_000;
    const budget = 64 * MIB; // the default CACHE_MAX_BYTES
    // Where the RSS goes (bench/results.md, "Benchmark 5: where the RSS goes"): V8 keeps the pages
    // its heap grew to during the load, so RSS after it follows the heap's peak, which GC timing
    // moves by tens of MiB from one process to the next. Hence several rounds, each pair of
    // facades in fresh processes, and the median round.
    //   --mem-rounds=N   rounds (default 3 quick, 1 full)
    //   --mem-base=DIR   the same pairs from another build too (e.g. an older dist kept in
    //                    dist-base/), alternating with this one round by round
    const base = args.find((a) => a.startsWith('--mem-base='))?.slice(11);
    const rounds = Number(args.find((a) => a.startsWith('--mem-rounds='))?.slice(13) ?? (quick ? 3 : 1));
    process.stdout.write(`5. memory: ${reads.toLocaleString('en')} reads over ${distinct.toLocaleString('en')} distinct patients, cache budget ${mib(budget)} vs no cache, ${rounds} round(s)${base ? `, this build and ${base} alternating` : ''} …\n`);
    const big = await child<SimInfo>('servers/sim.ts', { BENCH_EXTRA_PATIENTS: String(distinct) });
    const env = { ...from, MALLOC_ARENA_MAX: '2', OSCAR_GZIP: 'false', BENCH_SIM_URL: big.info.url, CHANGE_POLL_SECONDS: '0', OSCAR_MAX_IN_FLIGHT: '8', OSCAR_MAX_QUEUE: '1000', CACHE_DOCUMENT_MAX_BYTES: '0' };
    // The same fixed young generation for both: otherwise V8 sizes it by allocation rate, and that
    // alone moves RSS by tens of MiB from run to run.
    const gcArgs = ['--max-semi-space-size=8'];
    const byBuild = new Map<string, MemoryReport[]>();
    for (let round = 0; round < rounds; round++) {
      const builds = base ? (round % 2 === 0 ? [undefined, base] : [base, undefined]) : [undefined];
      for (const dist of builds) {
        const buildEnv = dist === undefined ? env : { ...env, BENCH_FACADE_DIST: dist };
        const cached = await child<{ base: string }>('servers/facade.ts', { ...buildEnv, CACHE_MAX_BYTES: String(budget) }, gcArgs);
        const uncached = await child<{ base: string }>('servers/facade.ts', { ...buildEnv, CACHE_MAX_BYTES: '0' }, gcArgs);
        const r = await memory({ cached, uncached, ids: big.info.ids.filter((id) => id >= 100_000), reads, uncachedReads: Math.min(reads, 20_000), budgetBytes: budget, connections: 16 });
        await cached.stop();
        await uncached.stop();
        const name = dist ?? 'this build';
        process.stdout.write(`   round ${round + 1}, ${name}:\n`);
        printMemory(r);
        byBuild.set(name, [...byBuild.get(name) ?? [], r]);
      }
    }
    for (const [name, reports] of byBuild) {
      const sorted = reports.slice().sort((a, b) => extraRss(a) - extraRss(b));
      const perMib = sorted.map((r) => f2(extraRss(r) / r.cached.cache.main.bytes));
      process.stdout.write(`   ${name}: RSS above the fixed overhead, median of ${reports.length} round(s): ${mib(extraRss(sorted[sorted.length >> 1]!))} (rounds: ${sorted.map((r) => mib(extraRss(r))).join(', ')}; per MiB the cache counts ${perMib.join(', ')})\n`);
    }
    process.stdout.write('\n');
    const ours = byBuild.get('this build')!.sort((a, b) => extraRss(a) - extraRss(b));
    mem = { ...ours[ours.length >> 1]!, rounds: ours.map(extraRss) };
    await big.stop();
  }

  finish(markdown(t, m, u, mem, byType, shared), started);
}

const extraRss = (mem: MemoryReport): number => mem.cached.after.median.rssBytes - mem.uncached.after.median.rssBytes;

function printMemory(mem: MemoryReport): void {
  const line = (name: string, r: MemoryReport['cached']): string => {
    const a = r.after.median;
    const d = r.after.detail;
    return `   ${name}RSS ${mib(a.rssBytes)} (${r.after.samples} samples ${mib(r.after.rss.min)}–${mib(r.after.rss.max)}; before the load ${mib(r.before.median.rssBytes)}; peak ${mib(r.after.peakRssBytes)}), heap ${mib(a.heapUsedBytes)} used / ${mib(a.heapTotalBytes)} committed / ${mib(d.heap.resident)} resident, external ${mib(d.external)} (ArrayBuffers ${mib(d.arrayBuffers)}); RSS anonymous ${mib(d.anon)} (V8 pages ${mib(d.mappings.v8Pages)}, brk ${mib(d.mappings.brk)}, executable ${mib(d.mappings.executable)}, other ${mib(d.mappings.other)}; outside V8's heap spaces ${mib(d.anonOutsideHeap)}), file-backed ${mib(d.file)}; ${r.load.requests} reads at ${r.load.rps.toFixed(0)} req/s\n`
      + `      after a last-resort GC (V8's pooled pages handed back; a running server makes none): RSS ${mib(r.released.rss)}, V8 pages ${mib(r.released.mappings.v8Pages)}\n`
      + `      spaces (committed/resident/live MiB): ${Object.entries(d.spaces).filter(([, s]) => s.committed > 0).map(([k, s]) => `${k.replace(/_space$/, '')} ${f1(s.committed / MIB)}/${f1(s.resident / MIB)}/${f1(s.used / MIB)}`).join(', ')}\n`;
  };
  process.stdout.write(line('no cache: ', mem.uncached));
  process.stdout.write(line('cache:    ', mem.cached));
  process.stdout.write(`   cache holds ${mib(mem.cached.cache.main.bytes)} in ${mem.cached.cache.main.entries} entries; RSS above the fixed overhead: ${mib(extraRss(mem))} (budget ${mib(mem.budgetBytes)}: ${ok(extraRss(mem) <= mem.budgetBytes)})\n`);
  // The calibration of src/cache/measure.ts: what one MiB the cache counts costs the process.
  const counted = mem.cached.cache.main.bytes / MIB;
  const per = (a: number, b: number): string => f2((a - b) / MIB / Math.max(counted, 1e-9));
  const c = mem.cached.after;
  const u = mem.uncached.after;
  process.stdout.write(`   per MiB the cache counts: RSS ${per(c.median.rssBytes, u.median.rssBytes)} MiB (V8 heap spaces resident ${per(c.detail.heap.resident, u.detail.heap.resident)}, V8 pages ${per(c.detail.mappings.v8Pages, u.detail.mappings.v8Pages)}, brk ${per(c.detail.mappings.brk, u.detail.mappings.brk)}, other anonymous ${per(c.detail.mappings.other, u.detail.mappings.other)}, file-backed ${per(c.detail.file, u.detail.file)}), heap live ${per(c.median.heapUsedBytes, u.median.heapUsedBytes)} MiB, external ${per(c.detail.external, u.detail.external)} MiB\n\n`);
}

function finish(table: string, started: number): void {
  process.stdout.write(`${table}\n\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  // The run's table goes beside the other reports (git-ignored): bench/results.md is the curated
  // record of runs, which a run would otherwise overwrite.
  const dir = fileURLToPath(new URL('../reports/bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), `${table}\n`);
}

function markdown(t?: ThroughputReport, m?: MissLatencyReport, u?: UpstreamReport, mem?: MemoryReport & { rounds: number[] }, byType?: MissCaseReport[], s?: SharedStateReport): string {
  const rows: string[] = ['| # | benchmark | result | target | |', '|---|---|---|---|---|'];
  if (t) {
    const [x, ...beside] = t.median;
    const line = (r: { result: { rps: number; p50Ms: number; p99Ms: number }; cpuMicrosPerRequest: number }): string => `${r.result.rps.toFixed(0)} req/s, p50 ${f2(r.result.p50Ms)} ms, p99 ${f2(r.result.p99Ms)} ms, ${r.cpuMicrosPerRequest.toFixed(0)} µs CPU/req`;
    const besides = beside.map((b) => `; ${b.facade.name === 'demo' ? 'demo configuration (no auth, no audit)' : b.facade.name} ${line(b.facade)}: ratio ${f2(b.vsFloor)}`).join('');
    rows.push(`| 1 | cache-hit \`GET /fhir/Patient/1001\` (${t.bytes} B) with a bearer token, audit on, 16 connections, facade from the build | facade ${line(x!.facade)}; floor ${line(x!.floor)}; **ratio ${f2(x!.vsFloor)}** (median of ${t.rounds.length} alternating rounds)${besides} | ≥ 0.6 of the floor | ${ok(x!.vsFloor >= 0.6)} |`);
    rows.push(`| 2 | same read on node-fhir-server-core 2.2.5 | peer ${line(t.peer)}; **facade/peer ${f2(x!.vsPeer)}×** | ≥ 3× | ${ok(x!.vsPeer >= 3)} |`);
  }
  if (m) {
    const up = Object.entries(m.upstreamMeanMs).map(([k, v]) => `${k.split('.').pop()} ${f2(v)} ms`).join(' ∥ ');
    rows.push(`| 3 | cache-miss Patient read, one at a time, ${m.rounds.length} × ${m.facade.requests} distinct patients | facade p50 ${f2(m.facade.p50Ms)} ms vs raw client making the same calls (getDemographic ∥ getDemographic2, keep-alive) p50 ${f2(m.raw.p50Ms)} ms: **added p50 ${f2(m.addedP50Ms)} ms, p99 ${f2(m.addedP99Ms)} ms** (OSCAR calls as the facade saw them: ${up}; hit p50 ${f2(m.hit.p50Ms)} ms) | p50 ≤ 1 ms, p99 ≤ 3 ms | ${ok(m.addedP50Ms <= 1 && m.addedP99Ms <= 3)} |`);
  }
  if (u) {
    rows.push(`| 4a | 100 concurrent identical cold reads | **${u.coalesced.calls} OSCAR calls** (${Object.entries(u.coalesced.byOperation).map(([k, v]) => `${k.split('.').pop()}×${v}`).join(', ')}) | 1 per operation | ${ok(Object.values(u.coalesced.byOperation).every((n) => n === 1))} |`);
    rows.push(`| 4b | 50-result Patient search page | **${u.search50.calls} OSCAR calls** (${u.search50.results} results) | ≤ 2 | ${ok(u.search50.calls <= 2 && u.search50.results === 50)} |`);
    rows.push(`| 4c | \`Patient/1001/$everything\` | ${u.everything.calls} OSCAR calls, **up to ${u.everything.maxConcurrent} at once**, ${f1(u.everything.ms)} ms | in parallel | ${ok(u.everything.maxConcurrent > 1)} |`);
    rows.push(`| 4d | 200 concurrent distinct cold reads | **at most ${u.fanIn.maxConcurrent} OSCAR requests at once** | ≤ OSCAR_MAX_IN_FLIGHT (${u.fanIn.limit}) | ${ok(u.fanIn.maxConcurrent <= u.fanIn.limit)} |`);
  }
  if (mem) {
    const extra = extraRss(mem);
    const spread = mem.rounds.length > 1 ? `, rounds ${mib(Math.min(...mem.rounds))} to ${mib(Math.max(...mem.rounds))}` : '';
    rows.push(`| 5 | RSS after ${mem.reads.toLocaleString('en')} reads over ${mem.distinct.toLocaleString('en')} patients (median round of ${mem.rounds.length}, fresh processes each) | no cache ${mib(mem.uncached.after.median.rssBytes)} (fixed overhead); cache ${mib(mem.cached.after.median.rssBytes)} (holds ${mib(mem.cached.cache.main.bytes)}): **+${mib(extra)}**${spread} | ≤ budget ${mib(mem.budgetBytes)} + fixed overhead | ${ok(extra <= mem.budgetBytes)} |`);
  }
  for (const [i, r] of (byType ?? []).entries()) {
    const target = `p50 ≤ ${r.targetP50Ms} ms${r.targetP99Ms === undefined ? '' : `, p99 ≤ ${r.targetP99Ms} ms`}`;
    const met = r.addedP50Ms <= r.targetP50Ms && (r.targetP99Ms === undefined || r.addedP99Ms <= r.targetP99Ms);
    rows.push(`| 6${String.fromCharCode(97 + i)} | cache-miss ${r.name}, one at a time, ${r.requests} requests (${f1(r.callsPerRequest)} OSCAR calls each) | facade p50 ${f2(r.facade.p50Ms)} ms vs raw client replaying the same calls p50 ${f2(r.raw.p50Ms)} ms: **added p50 ${f2(r.addedP50Ms)} ms, p99 ${f2(r.addedP99Ms)} ms**${r.passThrough ? `; a bare pass-through process making the same calls and answering as many bytes: added p50 ${f2(r.passThrough.addedP50Ms)} ms, p99 ${f2(r.passThrough.addedP99Ms)} ms (facade over it: p50 ${f2(r.passThrough.facadeOverP50Ms)} ms)` : ''}${r.floor ? `; the same process also reading the answer and building and writing the FHIR objects natively (the floor of any facade): added p50 ${f2(r.floor.addedP50Ms)} ms (facade over it: p50 ${f2(r.floor.facadeOverP50Ms)} ms)` : ''} | ${target} | ${ok(met)} |`);
  }
  if (s) {
    const rate = (r: { rps: number; p50Ms: number }): string => `${r.rps.toFixed(0)} req/s, p50 ${f2(r.p50Ms)} ms`;
    rows.push(`| 7a | cache hits through a round-robin balancer, 16 connections: two instances on PostgreSQL state vs one | one ${rate(s.hits.one)}; two ${rate(s.hits.two)}: **two/one ${f2(s.hits.ratio)}** (every process on this machine's cores) | — | |`);
    rows.push(`| 7b | cache misses, ${s.misses.reads} distinct Patients, OSCAR answering in ${s.oscarLatencyMs} ms: two instances vs one | one ${rate(s.misses.one)}, ≤ ${s.misses.one.maxInFlight} OSCAR calls at once; two ${rate(s.misses.two)}, **≤ ${s.misses.two.maxInFlight} at once**, two/one ${f2(s.misses.ratio)} | ≤ OSCAR_MAX_IN_FLIGHT (${s.limit}) per clinic | ${ok(s.misses.two.maxInFlight <= s.limit)} |`);
    const w = (x: SharedStateReport['writes']['plain']): string => `in-process p50 ${f2(x.inProcessP50Ms)} ms, PostgreSQL p50 ${f2(x.sharedP50Ms)} ms: **${x.addedP50Ms >= 0 ? '+' : ''}${f2(x.addedP50Ms)} ms**`;
    rows.push(`| 7c | Patient update, one at a time, ${s.writes.count} each: what the shared state adds (eviction acknowledged by the other instance; with If-Match also the cluster-wide lock) | plain ${w(s.writes.plain)}; If-Match ${w(s.writes.ifMatch)} | — | |`);
  }
  return rows.join('\n');
}

main().catch(async (e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
}).finally(async () => {
  for (const c of children) await c.stop();
});
