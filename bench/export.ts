// Benchmark: a whole-clinic Bulk Data export (Patient, Immunization, AllergyIntolerance,
// Appointment, DocumentReference) of a simulated clinic, with the simulator and the facade each in
// their own process. Reports the export's time, OSCAR calls per patient, the facade's peak RSS,
// and the latency of interactive reads (Patient reads that miss the cache) before and during it.
//   node --import tsx bench/export.ts [patients…]        default: 1000 5000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './lib/proc.js';

const TYPES = 'Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference';
const HEADERS = { accept: 'application/fhir+json', prefer: 'respond-async' };

interface Stats { total: number }

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

async function run(patients: number): Promise<void> {
  const sim = await startChild<{ url: string; ids: number[] }>('servers/sim.ts', { BENCH_PATIENTS: String(patients) });
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bench-export-'));
  const facade = await startChild<{ base: string }>('servers/facade.ts', {
    BENCH_SIM_URL: sim.info.url, BULK_DIR: dir, BULK_MIN_POLL_MS: '0', CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false',
  }, [], process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=reports/profiles'] : []);
  try {
    const base = facade.info.base;
    const ids = sim.info.ids;
    await reads(base, ids, () => false, 50); // warm-up
    const idle = await reads(base, ids, () => false, 200);
    await sim.rpc('reset');
    const rssBefore = await facade.rpc<number>('peakRss');
    const t0 = performance.now();
    const kick = await fetch(`${base}/$export?_type=${TYPES}`, { headers: HEADERS });
    if (kick.status !== 202) throw new Error(`kick-off: ${kick.status} ${await kick.text()}`);
    const status = kick.headers.get('content-location')!;
    let done = false;
    const during = reads(base, ids, () => done);
    let manifest: { output: { count: number }[] } | undefined;
    while (!manifest) {
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(status);
      if (res.status === 200) manifest = await res.json() as typeof manifest;
      else if (res.status !== 202) throw new Error(`status: ${res.status} ${await res.text()}`);
      else await res.arrayBuffer();
    }
    const seconds = (performance.now() - t0) / 1000;
    done = true;
    const busy = await during;
    const calls = (await sim.rpc<Stats>('stats')).total;
    const peak = await facade.rpc<number>('peakRss');
    const resources = manifest!.output.reduce((n, o) => n + o.count, 0);
    console.log(JSON.stringify({
      patients, resources, seconds: Number(seconds.toFixed(1)), resourcesPerSecond: Math.round(resources / seconds),
      // The interactive reads made during the export are OSCAR calls too: one each.
      oscarCallsPerPatient: Number(((calls - busy.length) / patients).toFixed(2)),
      peakRssMiB: Math.round(peak / 2 ** 20), peakRssBeforeExportMiB: Math.round(rssBefore / 2 ** 20),
      readMsIdle: { p50: Number(percentile(idle, 50).toFixed(1)), p95: Number(percentile(idle, 95).toFixed(1)) },
      readMsDuringExport: { n: busy.length, p50: Number(percentile(busy, 50).toFixed(1)), p95: Number(percentile(busy, 95).toFixed(1)) },
    }));
  } finally {
    await facade.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [1000, 5000]) await run(n);
