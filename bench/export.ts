// Benchmark: a whole-clinic Bulk Data export (Patient, Immunization, AllergyIntolerance,
// Appointment, DocumentReference) of a simulated clinic, with the simulator and the facade each in
// their own process. Reports the export's time, OSCAR calls per patient, the facade's peak RSS,
// and the latency of interactive reads (Patient reads that miss the cache) before and during it.
// Memory: the facade's peak RSS, its heap's peak, and its live heap after a full GC at the end
// (what it still holds), set against the bytes of the export's files (the data size): the
// simulated clinic lives in the simulator's process, so none of it is counted here.
//   node --import tsx bench/export.ts [--quick] [patients…]   default: 1000 5000 (--quick: 1000 2000)
// Below about 1,000 patients an export ends before the garbage collector's heap has grown to its
// working size, so a smaller first run would show the collector warming up, not the clinic.
//   env BENCH_TIMELINE=file: the memory samples, one tab-separated line each (s, RSS, heap used,
//   heap total, external in MiB, the step); BENCH_FACADE_FLAGS: node flags of the facade (--trace-gc).
//   --no-reads: no interactive reads during the export (they cost CPU in both processes for as long
//   as the export runs, so a longer export would bill more of them to each resource).
//   env BENCH_EXPORT_PROFILE=dir: a CPU profile of the export window of each process (facade, sim).
// CPU: each process's user+system time over the export window, in µs per exported resource: the
// facade's against the simulator's says which side costs more as the clinic grows.
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './lib/proc.js';

// env BENCH_EXPORT_TYPES: the `_type` asked (default every exported type; 'Patient' measures its lines alone).
const TYPES = process.env.BENCH_EXPORT_TYPES ?? 'Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference';
const HEADERS = { accept: 'application/fhir+json', prefer: 'respond-async' };

interface Stats { total: number; byOperation: Record<string, number> }

function percentile(ms: number[], p: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

/** Sequential Patient reads (cache off: each one is an OSCAR call) until `stop` says so; their latencies. */
async function reads(base: string, ids: number[], stop: () => boolean, max = Infinity): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; out.length < max && !stop(); i++) {
    const t = performance.now();
    const res = await fetch(`${base}/Patient/${ids[(i * 7919) % ids.length]}`);
    await res.arrayBuffer();
    if (res.status === 200) out.push(performance.now() - t);
  }
  return out;
}

interface Peak { mib: number; at: number; during: string }
/** The facade's memory every 100 ms until `stop`: the peak of each part, when (seconds into the export) and in which step. */
async function sampleMemory(facade: { rpc<T>(cmd: string): Promise<T> }, stop: () => boolean, during: () => string): Promise<Record<string, Peak>> {
  const t0 = performance.now();
  const peaks: Record<string, Peak> = {};
  while (!stop()) {
    const m = await facade.rpc<NodeJS.MemoryUsage>('memory');
    const at = Number(((performance.now() - t0) / 1000).toFixed(1));
    for (const [k, v] of Object.entries({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })) {
      const mib = Math.round(v / 2 ** 20);
      if (!peaks[k] || mib > peaks[k].mib) peaks[k] = { mib, at, during: during() };
    }
    if (process.env.BENCH_TIMELINE) appendFileSync(process.env.BENCH_TIMELINE, `${at}\t${mib(m.rss)}\t${mib(m.heapUsed)}\t${mib(m.heapTotal)}\t${mib(m.external)}\t${during()}\n`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return peaks;
}

/** Bytes of every file under `dir` (the job's encrypted files: about the size of their NDJSON). */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

interface Result { patients: number; peakRss: number; liveAfter: number; dataBytes: number }

async function run(patients: number): Promise<Result> {
  const sim = await startChild<{ url: string; ids: number[] }>('servers/sim.ts', { BENCH_PATIENTS: String(patients) });
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bench-export-'));
  const facade = await startChild<{ base: string }>('servers/facade.ts', {
    BENCH_SIM_URL: sim.info.url, BULK_DIR: dir, BULK_MIN_POLL_MS: '0', CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false',
  }, [], [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=reports/profiles'] : []), ...(process.env.BENCH_FACADE_FLAGS?.split(' ').filter(Boolean) ?? [])]);
  try {
    const base = facade.info.base;
    const ids = sim.info.ids;
    await reads(base, ids, () => false, 50); // warm-up
    await sim.rpc('reset');
    const idle = await reads(base, ids, () => false, 200);
    // The operations an interactive read calls: the export's count leaves them out (the reads during
    // it make them). With --no-reads nothing else calls OSCAR, so every call is the export's (its
    // Patient lines are reads: getDemographic2 and getDemographic).
    const readOps = new Set(noReads ? [] : Object.keys((await sim.rpc<Stats>('stats')).byOperation));
    await sim.rpc('reset');
    const rssBefore = await facade.rpc<number>('peakRss');
    const liveBefore = (await facade.rpc<{ heapUsedBytes: number }>('process')).heapUsedBytes;
    const profileDir = process.env.BENCH_EXPORT_PROFILE;
    if (profileDir) await Promise.all([facade.rpc('profile-start'), sim.rpc('profile-start')]);
    const cpuBefore = await cpuOf(facade, sim);
    const t0 = performance.now();
    const kick = await fetch(`${base}/$export?_type=${TYPES}`, { headers: HEADERS });
    if (kick.status !== 202) throw new Error(`kick-off: ${kick.status} ${await kick.text()}`);
    const status = kick.headers.get('content-location')!;
    let done = false;
    const during = noReads ? Promise.resolve([]) : reads(base, ids, () => done);
    let progress = 'kick-off';
    const mem = sampleMemory(facade, () => done, () => progress);
    let manifest: { output: { count: number }[] } | undefined;
    while (!manifest) {
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(status);
      if (res.status === 200) manifest = await res.json() as typeof manifest;
      else if (res.status !== 202) throw new Error(`status: ${res.status} ${await res.text()}`);
      else { progress = res.headers.get('x-progress') ?? progress; await res.arrayBuffer(); }
    }
    const seconds = (performance.now() - t0) / 1000;
    done = true;
    const busy = await during;
    const peaks = await mem;
    const cpuAfter = await cpuOf(facade, sim);
    if (profileDir) {
      await facade.rpc('profile-stop', join(profileDir, `export-facade-${patients}.cpuprofile`));
      await sim.rpc('profile-stop', join(profileDir, `export-sim-${patients}.cpuprofile`));
    }
    const byOperation = (await sim.rpc<Stats>('stats')).byOperation;
    const calls = Object.entries(byOperation).reduce((n, [op, c]) => n + (readOps.has(op) ? 0 : c), 0);
    const peak = await facade.rpc<number>('peakRss');
    const liveAfter = (await facade.rpc<{ heapUsedBytes: number }>('process')).heapUsedBytes;
    // Idle again after the export: the machine's load drifts, so idle is measured on both sides.
    const idleAfter = await reads(base, ids, () => false, 200);
    const dataBytes = bytesUnder(dir);
    const resources = manifest!.output.reduce((n, o) => n + o.count, 0);
    console.log(JSON.stringify({
      patients, resources, seconds: Number(seconds.toFixed(1)), resourcesPerSecond: Math.round(resources / seconds),
      cpuMicrosPerResource: {
        facade: Math.round((cpuAfter.facade - cpuBefore.facade) / resources), sim: Math.round((cpuAfter.sim - cpuBefore.sim) / resources),
      },
      oscarCallsPerPatient: Number((calls / patients).toFixed(2)),
      notCounted: [...readOps], ...(noReads && { oscarCalls: byOperation }),
      peakRssMiB: Math.round(peak / 2 ** 20), peakRssBeforeExportMiB: Math.round(rssBefore / 2 ** 20), dataMiB: mib(dataBytes),
      liveHeapMiB: { before: mib(liveBefore), after: mib(liveAfter) },
      readMsIdle: { p50: Number(percentile(idle, 50).toFixed(1)), p95: Number(percentile(idle, 95).toFixed(1)) },
      readMsIdleAfter: { p50: Number(percentile(idleAfter, 50).toFixed(1)), p95: Number(percentile(idleAfter, 95).toFixed(1)) },
      peaks,
      readMsDuringExport: { n: busy.length, p50: Number(percentile(busy, 50).toFixed(1)), p95: Number(percentile(busy, 95).toFixed(1)) },
    }));
    return { patients, peakRss: peak, liveAfter, dataBytes };
  } finally {
    await facade.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Rpc = { rpc<T>(cmd: string): Promise<T> };
/** CPU time (user + system, µs) each process has used so far. */
async function cpuOf(facade: Rpc, sim: Rpc): Promise<{ facade: number; sim: number }> {
  const [f, s] = await Promise.all([facade.rpc<{ cpuMicros: number }>('cpu'), sim.rpc<{ cpuMicros: number }>('cpu')]);
  return { facade: f.cpuMicros, sim: s.cpuMicros };
}

const noReads = process.argv.includes('--no-reads');
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);
const quick = process.argv.includes('--quick');
const asked = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const results: Result[] = [];
for (const n of asked.length ? asked : quick ? [1000, 2000] : [1000, 5000]) results.push(await run(n));
if (results.length > 1) {
  const [small, large] = [results[0]!, results[results.length - 1]!];
  console.log(JSON.stringify({
    from: small.patients, to: large.patients,
    // Peak RSS follows when the collector runs: single runs of one size differ by ±25 MiB. The
    // live heap after a full GC is what the facade keeps.
    facadePeakRssGrowthMiB: mib(large.peakRss - small.peakRss), facadeLiveHeapGrowthMiB: mib(large.liveAfter - small.liveAfter),
    dataGrowthMiB: mib(large.dataBytes - small.dataBytes),
  }));
}
