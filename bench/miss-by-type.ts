// Benchmark 6: what the facade adds to a cache miss, per kind of request: a read of every type
// that calls OSCAR, a 50-result search page and Patient/$everything. Each request is answered by
// the facade with the simulator recording the calls it made (bench/servers/sim.ts), then those
// very calls are replayed by a raw client (lib/replay.ts: same bytes, keep-alive, the facade's
// own order and concurrency). Facade and replay alternate request by request, so the load of this
// shared machine hits both alike; the difference within each pair is the facade's time, and its
// p50 and p99 over the pairs are reported.
// The control (with `passThrough`): the same calls made through a bare node:http process in the
// middle (servers/pass-through.ts: no FHIR work, a body as long as the facade's answer to that
// request), measured the same way for the same request, raw replay and pass-through alternating
// which goes first. Its added time over the raw
// client is what one process hop costs on this machine; the facade's figure is reported as
// measured, the control beside it.
// What the facade's own work costs in CPU, the hop's left out: per request, the facade's CPU
// (process-wide, the bench's rpcs taken out: see measureCase) and its main thread's time on a CPU
// (/proc schedstat, read from outside), beside the controls' main threads for the same request.
// A production server is warm: before anything is measured, every case is answered and replayed
// `warm` times over other ids (mixed, case after case, as traffic would come), so that the JIT of
// the facade, the simulator and the raw client alike has compiled what a miss runs; then the
// cache is cleared. One warm-up request per case was far from enough: a fresh facade spent about
// 10 ms of CPU per Patient read over its first 50 reads and settled near 1 ms only after some 800.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import type { LoadResult } from './lib/loadgen.js';
import type { Child } from './lib/proc.js';
import { replay, type CapturedCall } from './lib/replay.js';
import { schedMs, schedOf } from './lib/sched.js';
import { exchange, sizedExchange } from './lib/sequential.js';

export interface MissCase {
  name: string;
  /** FHIR paths (with query), each a request the facade has not answered before. */
  paths: string[];
  /** Stop once this many are measured (candidates that answer 404 are passed over). */
  want: number;
  /** Unmeasured misses of this case in the warm-up pass, over the last of `paths` (cycled when fewer). */
  warm: number;
  /** Target of the added p50 (ms): 1 for a read, 2 for a search page or $everything. */
  targetP50Ms: number;
  /** Target of the added p99 (ms), when there is one. */
  targetP99Ms?: number;
  /**
   * Also measure the floor control: the pass-through doing the work no facade can leave out
   * (servers/pass-through.ts, `floor`) with the facade's answer to the same request.
   */
  floor?: boolean;
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
  /**
   * CPU the facade's process spent per measured request (µs), mean: steadier than latency on a
   * loaded machine. Its window holds two 'cpu' rpcs besides the request (`median` has it without).
   */
  facadeCpuMicros: number;
  /** The part of it on the facade's main thread (µs): without the JIT compiler's and the GC helpers' threads. */
  facadeThreadMicros: number;
  /**
   * Medians per request: the facade process's CPU (µs) in the request's window less that of an
   * empty window (the same two 'cpu' rpcs with no request between), that empty window's CPU, and
   * `facadeRunMs` (the main thread on a CPU during the request, read from /proc by this process:
   * no rpc inside). `ownSystemMicros`: the mean part of `ownCpuMicros` spent in the kernel (the
   * kernel splits user and system time by ticks, so a median per request would mostly read 0).
   * `passRunMs`, `floorRunMs`: the controls' main threads on a CPU while they answered the same
   * request (NaN without them): what the hop's socket and HTTP work costs a Node process.
   */
  median: { ownCpuMicros: number; ownSystemMicros: number; rpcCpuMicros: number; facadeRunMs: number; passRunMs: number; floorRunMs: number };
  /** The CPU profile of the facade while it answered this case, when asked for. */
  profile?: string;
  /**
   * The slowest 2 % by added time (at least one request), each taken apart (see Split).
   */
  slowest: Split[];
  /**
   * The added p99 with each request's facade CPU waits and collector pauses taken out: what the
   * facade's own work and the rest add when the machine takes nothing from it. Beside the target's
   * figure, never instead of it.
   */
  addedP99WithoutWaitsMs: number;
  /**
   * The same with the simulator's and this client's measured part taken out too (slower calls or
   * CPU waits, collector pauses): what is left is the facade's own work and the hop. The parts can
   * overlap, so this errs low.
   */
  addedP99WithoutMachineMs: number;
  /** The facade's collector pauses inside its measured requests: how many requests held one, and their total (ms). */
  pausedRequests: number;
  pausedMs: number;
  /** The control, when measured: the pass-through's time and its added time over the same raw replays. */
  passThrough?: { p50Ms: number; p99Ms: number; addedP50Ms: number; addedP99Ms: number; facadeOverP50Ms: number };
  /** The floor control, when measured: its added time over the same raw replays, and the facade's over it. */
  floor?: { addedP50Ms: number; addedP99Ms: number; facadeOverP50Ms: number };
}

/**
 * One request's added time taken apart (ms). `facadeWaitMs`: the facade's main thread runnable but
 * waiting for a CPU during the request (the machine's load, not the request's work; NaN where the
 * kernel does not say, lib/sched.ts). `gcMs`: the facade's collector pauses during the request (its
 * `gc` rpc: PerformanceObserver entries on the clock the processes share, so a pause after the
 * answer was out does not count; a pause may overlap a wait), `gcKinds` their kinds. `simMs`: the simulator's time
 * for the facade's calls less its time for the raw replay's (each: the length of the union of the
 * calls' arrived → answered spans, on the simulator's clock). `simWaitMs`: the simulator's main
 * thread waiting for a CPU during the facade's request less during the replay (a wait before a
 * call is read is in no span). `clientWaitMs`: the same for this process's main thread. `otherGcMs`: the
 * collector pauses of the simulator and of this process during the facade's request less during
 * the replay (neither is the facade's). `restMs`: what remains — the facade's own work, and the
 * hop the replay does not make; the simulator counted once, by the larger of `simMs` and
 * `simWaitMs` (parts still overlap, so it can be negative). `facadeRunMs`: the facade's main thread on a CPU during the
 * request (not taken out: the facade's own work, e.g. a change-feed poll's answer read meanwhile).
 */
export interface Split { addedMs: number; facadeWaitMs: number; gcMs: number; gcKinds: string; simMs: number; simWaitMs: number; clientWaitMs: number; otherGcMs: number; restMs: number; facadeRunMs: number }

type SimChild = Child<{ url: string }>;
type Cpu = { cpuMicros: number; threadMicros: number; systemMicros: number };
type Gc = { ms: number; count: number; byKind: Record<string, number>; recent: { at: number; ms: number; kind: string }[] };
// PerformanceObserver's gc kinds (perf_hooks constants NODE_PERFORMANCE_GC_*).
const GC_KINDS: Record<string, string> = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weak callbacks' };
/** The facade's collector pauses inside [from, to] (ms on the shared clock): their time there, and their kinds ('' when none). */
function pausesIn(g: Gc, from: number, to: number): { ms: number; kinds: string } {
  const inside = g.recent.filter((p) => p.at < to && p.at + p.ms > from);
  return { ms: inside.reduce((a, p) => a + Math.min(to, p.at + p.ms) - Math.max(from, p.at), 0), kinds: [...new Set(inside.map((p) => GC_KINDS[p.kind] ?? p.kind))].join('+') };
}

// The change feed's polls (src/cache/change-feed.ts) run on their own clock: one that lands during
// a request is not that request's call, and is not replayed.
const FEED_CALL = /<(?:[\w-]+:)?(?:getActiveDemographicsAfter|get\w*UpdatedAfterDate|get\w*UpdateAfterDate)[\s/>]/;

const at = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** How long the simulator spent on `calls` (ms): the union of their arrived → answered spans. */
export function simulatorMs(calls: readonly CapturedCall[]): number {
  let total = 0;
  let end = -Infinity;
  for (const c of [...calls].sort((a, b) => a.arrived - b.arrived)) {
    const to = Number.isFinite(c.answered) ? c.answered : c.arrived;
    if (to <= end) continue;
    total += to - Math.max(c.arrived, end);
    end = to;
  }
  return total;
}

// This process's collector pauses (performance.now() spans): the client's own pauses land in the
// facade's request or in the replay by chance, and are neither's.
const clientPauses: { from: number; to: number }[] = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) clientPauses.push({ from: e.startTime, to: e.startTime + e.duration }); }).observe({ entryTypes: ['gc'] });
/** This process's collector pauses inside [from, to] (ms); entries arrive a turn late, so ask after the window. */
const clientGcIn = (from: number, to: number): number => clientPauses.reduce((a, p) => a + Math.max(0, Math.min(to, p.to) - Math.max(from, p.from)), 0);

/** The calls the simulator saw for one facade request, change-feed polls left out. */
async function answered(o: Setup, path: string, keep = false): Promise<{ status: number; bytes: number; body?: Buffer; ms: number; calls: CapturedCall[]; waitMs: number; runMs: number; clientWaitMs: number; simWaitMs: number; window: [number, number]; simGcMs: number; monoMicros: [number, number] }> {
  await o.sim.rpc('capture', true);
  const simGc0 = await o.sim.rpc<number>('gc');
  const s0 = schedOf(o.facade.proc.pid!);
  const own0 = schedOf(process.pid);
  const sim0 = schedOf(o.sim.proc.pid!);
  const mono0 = process.hrtime.bigint();
  const t = performance.now();
  const { status, bytes, body } = await sizedExchange({ method: 'GET', url: `${o.facade.info.base}${path}`, headers: o.headers }, keep);
  const end = performance.now();
  const mono1 = process.hrtime.bigint();
  const s1 = schedOf(o.facade.proc.pid!);
  const clientWaitMs = schedMs(own0, schedOf(process.pid), 'wait');
  const simWaitMs = schedMs(sim0, schedOf(o.sim.proc.pid!), 'wait');
  const simGcMs = (await o.sim.rpc<number>('gc')) - simGc0;
  const calls = (await o.sim.rpc<CapturedCall[]>('captured')).filter((call) => !(call.body && FEED_CALL.test(call.body)));
  await o.sim.rpc('capture', false);
  return { status, bytes, ...(body && { body }), ms: end - t, calls, waitMs: schedMs(s0, s1, 'wait'), runMs: schedMs(s0, s1, 'run'), clientWaitMs, simWaitMs, window: [t, end], simGcMs, monoMicros: [Number(mono0 / 1000n), Number(mono1 / 1000n)] };
}

/**
 * The raw replay of `calls`, recorded by the simulator as the facade's calls are (the same work on
 * its side): the replay's time and statuses, the simulator's time for it, this process's CPU wait.
 */
async function replayed(o: Setup, origin: string, calls: CapturedCall[]): Promise<Awaited<ReturnType<typeof replay>> & { simMs: number; clientWaitMs: number; simWaitMs: number; window: [number, number]; simGcMs: number }> {
  await o.sim.rpc('capture', true);
  const simGc0 = await o.sim.rpc<number>('gc');
  const own0 = schedOf(process.pid);
  const sim0 = schedOf(o.sim.proc.pid!);
  const t = performance.now();
  const raw = await replay(origin, calls);
  const end = performance.now();
  const clientWaitMs = schedMs(own0, schedOf(process.pid), 'wait');
  const simWaitMs = schedMs(sim0, schedOf(o.sim.proc.pid!), 'wait');
  const simGcMs = (await o.sim.rpc<number>('gc')) - simGc0;
  const seen = (await o.sim.rpc<CapturedCall[]>('captured')).filter((call) => !(call.body && FEED_CALL.test(call.body)));
  await o.sim.rpc('capture', false);
  return { ...raw, simMs: simulatorMs(seen), clientWaitMs, simWaitMs, window: [t, end], simGcMs };
}

/** The warm-up pass: each case's warm-up paths, one of each case in turn, each replayed too; then an empty cache. */
async function warmUp(o: Setup & { cases: MissCase[] }): Promise<number> {
  const origin = new URL(o.sim.info.url).origin;
  const queues = o.cases.map((c) => Array.from({ length: c.warm }, (_, k) => ({ path: c.paths[c.paths.length - 1 - (k % c.paths.length)]!, floor: c.floor === true })));
  let n = 0;
  // A case with fewer paths than warm-up requests goes round them again: the cache is emptied
  // first, so that every warm-up request is a miss, as every measured one is.
  const done = new Set<string>();
  for (let k = 0; queues.some((q) => k < q.length); k++) {
    for (const q of queues) {
      if (k >= q.length) continue;
      const { path, floor } = q[k]!;
      if (done.has(path)) { await o.facade.rpc('clear'); done.clear(); }
      done.add(path);
      const { calls, bytes, body } = await answered(o, path, floor);
      await replay(origin, calls);
      if (o.passThrough) await passedThrough(o, calls, bytes);
      if (o.passThrough && body) await passedThrough(o, calls, bytes, body.toString('utf8'));
      n++;
    }
  }
  await o.facade.rpc('clear');
  return n;
}

interface Setup { facade: Child<{ base: string }>; sim: SimChild; headers: Record<string, string>; profileDir?: string; passThrough?: Child<{ base: string }> }

/**
 * The same calls through the pass-through process, answered with a body as long as the facade's
 * answer (`bytes`): its time (ms), and whether every call was answered 200. Recorded by the
 * simulator like the raw replay, so both make it do the same work.
 */
async function passedThrough(o: Setup, calls: CapturedCall[], bytes: number, floor?: string): Promise<{ ms: number; ok: boolean; runMs: number }> {
  const pass = o.passThrough!;
  await pass.rpc('calls', { calls, bytes, ...(floor !== undefined && { floor }) });
  await o.sim.rpc('capture', true);
  const s0 = schedOf(pass.proc.pid!);
  const t = performance.now();
  const status = await exchange({ method: 'GET', url: `${pass.info.base}/read` });
  const ms = performance.now() - t;
  const runMs = schedMs(s0, schedOf(pass.proc.pid!), 'run');
  await o.sim.rpc('capture', false);
  return { ms, ok: status === 200, runMs };
}

async function measureCase(c: MissCase, o: Setup): Promise<MissCaseReport> {
  const origin = new URL(o.sim.info.url).origin;
  await o.facade.rpc('clear');
  const facadeMs: number[] = [];
  const rawMs: number[] = [];
  const passMs: number[] = [];
  const floorMs: number[] = [];
  const windows: { split: Omit<Split, 'otherGcMs' | 'restMs'>; simGcMs: number; facade: [number, number]; raw: [number, number] }[] = [];
  let calls = 0;
  let skipped = 0;
  let cpuMicros = 0;
  let threadMicros = 0;
  /** Per request: the facade's CPU in the window less an empty window's (µs), and the empty window's. */
  const ownCpu: number[] = [];
  const rpcCpu: number[] = [];
  const ownSys: number[] = [];
  /** Per request: the controls' main threads on a CPU while they answered it (ms). */
  const passRun: number[] = [];
  const floorRun: number[] = [];
  const profileFile = o.profileDir && join(o.profileDir, `facade-miss-${c.name.replace(/\W+/g, '-')}.cpuprofile`);
  let profiling = false;
  /** The measured requests' windows on CLOCK_MONOTONIC (µs), the clock of the profile's samples. */
  const profiled: [number, number][] = [];
  for (const [i, path] of c.paths.entries()) {
    if (facadeMs.length >= c.want) break;
    if (i === 1 && profileFile) profiling = Boolean(await o.facade.rpc('profile-start'));
    // The facade is idle between its requests (the replay does not reach it), so the CPU it spent
    // while answering is this request's, change-feed polls aside.
    // Only the two 'cpu' rpcs in the window: the 'gc' rpc (its list of pauses serialised over IPC)
    // comes after it. A third 'cpu' rpc right after the second measures what such a pair of rpcs
    // costs the facade with no request between (an empty window), taken out per request.
    const cpu0 = await o.facade.rpc<Cpu>('cpu');
    const { status, bytes, body, ms, calls: seen, waitMs: waited, runMs, clientWaitMs, simWaitMs, window, simGcMs, monoMicros } = await answered(o, path, c.floor === true && o.passThrough !== undefined);
    const cpu1 = await o.facade.rpc<Cpu>('cpu');
    const cpu2 = await o.facade.rpc<Cpu>('cpu');
    const paused = pausesIn(await o.facade.rpc<Gc>('gc'), performance.timeOrigin + window[0], performance.timeOrigin + window[1]);
    // The first request of a case after the cache was cleared also loads what every request shares
    // (the provider list for reference names): a warm-up, not measured.
    if (i === 0) continue;
    let raw: Awaited<ReturnType<typeof replayed>>;
    let pass: { ms: number; ok: boolean; runMs: number } | undefined;
    let floor: { ms: number; ok: boolean; runMs: number } | undefined;
    if (o.passThrough && i % 2 === 1) {
      pass = await passedThrough(o, seen, bytes);
      if (body) floor = await passedThrough(o, seen, bytes, body.toString('utf8'));
      raw = await replayed(o, origin, seen);
    } else {
      raw = await replayed(o, origin, seen);
      if (body) floor = await passedThrough(o, seen, bytes, body.toString('utf8'));
      if (o.passThrough) pass = await passedThrough(o, seen, bytes);
    }
    if (status !== 200 || raw.statuses.some((s) => s !== 200) || pass?.ok === false || floor?.ok === false) { skipped++; continue; }
    facadeMs.push(ms);
    rawMs.push(raw.ms);
    if (profiling) profiled.push(monoMicros);
    const addedMs = ms - raw.ms;
    const split = {
      addedMs, facadeWaitMs: waited, gcMs: paused.ms, gcKinds: paused.kinds, simMs: simulatorMs(seen) - raw.simMs, simWaitMs: simWaitMs - raw.simWaitMs,
      clientWaitMs: clientWaitMs - raw.clientWaitMs, facadeRunMs: runMs,
    };
    // This process's pauses are known a turn later (below); the simulator's already.
    windows.push({ split, simGcMs: simGcMs - raw.simGcMs, facade: window, raw: raw.window });
    if (pass) { passMs.push(pass.ms); passRun.push(pass.runMs); }
    if (floor) { floorMs.push(floor.ms); floorRun.push(floor.runMs); }
    cpuMicros += cpu1.cpuMicros - cpu0.cpuMicros;
    threadMicros += cpu1.threadMicros - cpu0.threadMicros;
    ownCpu.push(cpu1.cpuMicros - cpu0.cpuMicros - (cpu2.cpuMicros - cpu1.cpuMicros));
    rpcCpu.push(cpu2.cpuMicros - cpu1.cpuMicros);
    ownSys.push(cpu1.systemMicros - cpu0.systemMicros - (cpu2.systemMicros - cpu1.systemMicros));
    calls += seen.length;
  }
  if (profiling) {
    await o.facade.rpc('profile-stop', profileFile);
    writeFileSync(`${profileFile!}.windows.json`, JSON.stringify(profiled));
  }
  await new Promise((resolve) => setImmediate(resolve));
  const nan0 = (x: number): number => (Number.isNaN(x) ? 0 : x);
  const splits: Split[] = windows.map(({ split, simGcMs, facade, raw }) => {
    const otherGcMs = simGcMs + clientGcIn(...facade) - clientGcIn(...raw);
    // The simulator's wait for a CPU mostly falls inside its calls' spans: the larger of the two is its part.
    const simulator = Math.max(split.simMs, nan0(split.simWaitMs));
    return { ...split, otherGcMs, restMs: split.addedMs - nan0(split.facadeWaitMs) - split.gcMs - simulator - nan0(split.clientWaitMs) - otherGcMs };
  });
  clientPauses.length = 0;
  const facade = { p50Ms: at(facadeMs, 50), p99Ms: at(facadeMs, 99) };
  const raw = { p50Ms: at(rawMs, 50), p99Ms: at(rawMs, 99) };
  // Each request and its replay form a pair: the added time is taken per pair, then its percentiles.
  const added = facadeMs.map((ms, i) => ms - rawMs[i]!);
  const passAdded = passMs.map((ms, i) => ms - rawMs[i]!);
  // The facade against the control in the same pair: the facade's own work, the hop left out.
  const facadeOver = passMs.map((ms, i) => facadeMs[i]! - ms);
  const floorAdded = floorMs.map((ms, i) => ms - rawMs[i]!);
  const facadeOverFloor = floorMs.map((ms, i) => facadeMs[i]! - ms);
  const slowest = [...splits].sort((a, b) => b.addedMs - a.addedMs).slice(0, Math.max(1, Math.ceil(added.length / 50)));
  const withoutWaits = splits.map((x) => x.addedMs - nan0(x.facadeWaitMs) - x.gcMs);
  const withoutMachine = splits.map((x) => x.addedMs - nan0(x.facadeWaitMs) - x.gcMs - Math.max(0, x.simMs, nan0(x.simWaitMs)) - Math.max(0, nan0(x.clientWaitMs)) - Math.max(0, x.otherGcMs));
  return {
    name: c.name, targetP50Ms: c.targetP50Ms, ...(c.targetP99Ms !== undefined && { targetP99Ms: c.targetP99Ms }), requests: facadeMs.length, callsPerRequest: calls / Math.max(1, facadeMs.length), facade, raw,
    addedP50Ms: at(added, 50), addedP99Ms: at(added, 99), slowest, addedP99WithoutWaitsMs: at(withoutWaits, 99), addedP99WithoutMachineMs: at(withoutMachine, 99),
    pausedRequests: splits.filter((x) => x.gcMs > 0).length, pausedMs: splits.reduce((a, x) => a + x.gcMs, 0), skipped, facadeCpuMicros: cpuMicros / Math.max(1, facadeMs.length), facadeThreadMicros: threadMicros / Math.max(1, facadeMs.length),
    median: { ownCpuMicros: at(ownCpu, 50), ownSystemMicros: ownSys.reduce((a, x) => a + x, 0) / Math.max(1, ownSys.length), rpcCpuMicros: at(rpcCpu, 50), facadeRunMs: at(splits.map((x) => x.facadeRunMs), 50), passRunMs: at(passRun, 50), floorRunMs: at(floorRun, 50) },
    ...(profiling && { profile: profileFile }),
    ...(passMs.length > 0 && { passThrough: { p50Ms: at(passMs, 50), p99Ms: at(passMs, 99), addedP50Ms: at(passAdded, 50), addedP99Ms: at(passAdded, 99), facadeOverP50Ms: at(facadeOver, 50) } }),
    ...(floorMs.length > 0 && { floor: { addedP50Ms: at(floorAdded, 50), addedP99Ms: at(floorAdded, 99), facadeOverP50Ms: at(facadeOverFloor, 50) } }),
  };
}

/**
 * Warms the facade up (see the top of this file), then measures each case in turn; with
 * `profileDir`, also writes a CPU profile of the facade per case there.
 */
export async function missByType(o: Setup & { cases: MissCase[] }): Promise<{ warmedWith: number; cases: MissCaseReport[] }> {
  const warmedWith = await warmUp(o);
  const cases: MissCaseReport[] = [];
  for (const c of o.cases) cases.push(await measureCase(c, o));
  return { warmedWith, cases };
}
