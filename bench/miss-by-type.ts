// Benchmark 6: what the facade adds to a cache miss, per kind of request: a read of every type
// that calls OSCAR, a 50-result search page and Patient/$everything. Each request is answered by
// the facade with the simulator recording the calls it made (bench/servers/sim.ts), then those
// very calls are replayed by a raw client (lib/replay.ts: same bytes, keep-alive, the facade's
// own order and concurrency). Facade and replay alternate request by request, so the load of this
// shared machine hits both alike; the difference within each pair is the facade's time, and its
// p50 and p99 over the pairs are reported.
import { join } from 'node:path';
import type { LoadResult } from './lib/loadgen.js';
import type { Child } from './lib/proc.js';
import { replay, type CapturedCall } from './lib/replay.js';
import { exchange } from './lib/sequential.js';

export interface MissCase {
  name: string;
  /** FHIR paths (with query), each a request the facade has not answered before. */
  paths: string[];
  /** Stop once this many are measured (candidates that answer 404 are passed over). */
  want: number;
  /** Target of the added p50 (ms): 1 for a read, 2 for a search page or $everything. */
  targetP50Ms: number;
  /** Target of the added p99 (ms), when there is one. */
  targetP99Ms?: number;
}

export interface MissCaseReport {
  name: string;
  targetP50Ms: number;
  targetP99Ms?: number;
  /** Requests measured (answered 200 by the facade and by every replayed call). */
  requests: number;
  callsPerRequest: number;
  facade: Pick<LoadResult, 'p50Ms' | 'p99Ms'>;
  raw: Pick<LoadResult, 'p50Ms' | 'p99Ms'>;
  addedP50Ms: number;
  addedP99Ms: number;
  /** Requests left out: the facade's status (404 for a prevention that is no immunization…) or a replay's. */
  skipped: number;
  /** CPU the facade's process spent per measured request (µs): steadier than latency on a loaded machine. */
  facadeCpuMicros: number;
  /** The CPU profile of the facade while it answered this case, when asked for. */
  profile?: string;
}

type SimChild = Child<{ url: string }>;

// The change feed's polls (src/cache/change-feed.ts) run on their own clock: one that lands during
// a request is not that request's call, and is not replayed.
const FEED_CALL = /<(?:[\w-]+:)?(?:getActiveDemographicsAfter|get\w*UpdatedAfterDate|get\w*UpdateAfterDate)[\s/>]/;

const at = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

interface Setup { facade: Child<{ base: string }>; sim: SimChild; headers: Record<string, string>; profileDir?: string }

async function measureCase(c: MissCase, o: Setup): Promise<MissCaseReport> {
  const origin = new URL(o.sim.info.url).origin;
  await o.facade.rpc('clear');
  const facadeMs: number[] = [];
  const rawMs: number[] = [];
  let calls = 0;
  let skipped = 0;
  let cpuMicros = 0;
  const profileFile = o.profileDir && join(o.profileDir, `facade-miss-${c.name.replace(/\W+/g, '-')}.cpuprofile`);
  let profiling = false;
  for (const [i, path] of c.paths.entries()) {
    if (facadeMs.length >= c.want) break;
    await o.sim.rpc('capture', true);
    if (i === 1 && profileFile) profiling = Boolean(await o.facade.rpc('profile-start'));
    // The facade is idle between its requests (the replay does not reach it), so the CPU it spent
    // while answering is this request's, change-feed polls aside.
    const cpu0 = await o.facade.rpc<{ cpuMicros: number }>('cpu');
    const t = performance.now();
    const status = await exchange({ method: 'GET', url: `${o.facade.info.base}${path}`, headers: o.headers });
    const ms = performance.now() - t;
    const cpu = (await o.facade.rpc<{ cpuMicros: number }>('cpu')).cpuMicros - cpu0.cpuMicros;
    const seen = (await o.sim.rpc<CapturedCall[]>('captured')).filter((call) => !(call.body && FEED_CALL.test(call.body)));
    await o.sim.rpc('capture', false);
    // The first request of a case after the cache was cleared also loads what every request shares
    // (the provider list for reference names): a warm-up, not measured.
    if (i === 0) continue;
    const raw = await replay(origin, seen);
    if (status !== 200 || raw.statuses.some((s) => s !== 200)) { skipped++; continue; }
    facadeMs.push(ms);
    rawMs.push(raw.ms);
    cpuMicros += cpu;
    calls += seen.length;
  }
  if (profiling) await o.facade.rpc('profile-stop', profileFile);
  const facade = { p50Ms: at(facadeMs, 50), p99Ms: at(facadeMs, 99) };
  const raw = { p50Ms: at(rawMs, 50), p99Ms: at(rawMs, 99) };
  // Each request and its replay form a pair: the added time is taken per pair, then its percentiles.
  const added = facadeMs.map((ms, i) => ms - rawMs[i]!);
  return {
    name: c.name, targetP50Ms: c.targetP50Ms, ...(c.targetP99Ms !== undefined && { targetP99Ms: c.targetP99Ms }), requests: facadeMs.length, callsPerRequest: calls / Math.max(1, facadeMs.length), facade, raw,
    addedP50Ms: at(added, 50), addedP99Ms: at(added, 99), skipped, facadeCpuMicros: cpuMicros / Math.max(1, facadeMs.length),
    ...(profiling && { profile: profileFile }),
  };
}

/** Measures each case in turn; with `profileDir`, also writes a CPU profile of the facade per case there. */
export async function missByType(o: Setup & { cases: MissCase[] }): Promise<MissCaseReport[]> {
  const out: MissCaseReport[] = [];
  for (const c of o.cases) out.push(await measureCase(c, o));
  return out;
}
