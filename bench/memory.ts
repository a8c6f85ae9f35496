// Benchmark 5: memory under a read load much larger than the cache. 100,000 reads over 20,000
// distinct patients (skewed: a few are hot, most are read once or twice) go to a facade with a
// cache budget; the same sequence goes to a facade without a cache, whose RSS is the fixed
// overhead (code, validators, sockets, the garbage the load makes). Without a cache nothing grows
// with the number of reads, so that one stops after the first `uncachedReads` of the sequence.
import { runLoad, type LoadResult } from './lib/load-client.js';
import type { MemoryDetail } from './lib/memory-detail.js';
import type { Child } from './lib/proc.js';

interface ProcStats { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number }
interface Usage { main: { bytes: number; entries: number; maxBytes: number }; documents: { bytes: number; entries: number; maxBytes: number } }
/** Settled memory: `samples` readings after a full GC each, the median and the spread of their RSS. */
export interface Settled { median: ProcStats; rss: { min: number; max: number }; samples: number; detail: MemoryDetail; peakRssBytes: number }
/** `released`: read last, after a last-resort GC (not what the OS sees of a running server: a diagnosis). */
export interface MemoryRun { load: LoadResult; before: Settled; after: Settled; cache: Usage; released: MemoryDetail }
export interface MemoryReport { reads: number; distinct: number; budgetBytes: number; cached: MemoryRun; uncached: MemoryRun }

/** Deterministic skewed sequence of indexes in [0, n): index = n·u² with u from a small LCG. */
function skewed(count: number, n: number): number[] {
  let x = 12345;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const u = x / 2 ** 32;
    out.push(Math.floor(n * u * u));
  }
  // every patient at least once
  for (let i = 0; i < n; i++) out[(i * 7919) % count] = i;
  return out;
}

const SAMPLES = 5;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * RSS once the process has settled: right after a load, V8 still holds the pages of the garbage
 * the load made (its heap grows well past the live set between major GCs) and gives them back
 * within seconds of idling. So: wait until two readings 2 s apart (each after a full GC) differ by
 * less than 256 KiB, then take SAMPLES more, 1 s apart, and keep their median and spread. RSS is
 * what the OS counts (what an operator pays); nothing is subtracted from it. Both facades are
 * measured the same way.
 */
async function settled(facade: Child): Promise<Settled> {
  let last = await facade.rpc<ProcStats>('process');
  for (let i = 0; i < 15; i++) {
    await pause(2_000);
    const now = await facade.rpc<ProcStats>('process');
    if (Math.abs(now.rssBytes - last.rssBytes) < 256 * 1024) break;
    last = now;
  }
  const samples: ProcStats[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await pause(1_000);
    samples.push(await facade.rpc<ProcStats>('process'));
  }
  const byRss = samples.slice().sort((a, b) => a.rssBytes - b.rssBytes);
  const detail = await facade.rpc<MemoryDetail>('memory-detail');
  const peakRssBytes = await facade.rpc<number>('peakRss');
  return { median: byRss[SAMPLES >> 1]!, rss: { min: byRss[0]!.rssBytes, max: byRss[SAMPLES - 1]!.rssBytes }, samples: SAMPLES, detail, peakRssBytes };
}

async function run(facade: Child<{ base: string }>, paths: string[], connections: number): Promise<MemoryRun> {
  await runLoad({ url: facade.info.base, connections, amount: 500, paths: paths.slice(-500) }); // warm-up
  const before = await settled(facade);
  const load = await runLoad({ url: facade.info.base, connections, amount: paths.length, paths });
  const after = await settled(facade);
  const cache = await facade.rpc<Usage>('cache');
  const released = await facade.rpc<MemoryDetail>('memory-released');
  return { load, before, after, cache, released };
}

export async function memory(o: { cached: Child<{ base: string }>; uncached: Child<{ base: string }>; ids: number[]; reads: number; uncachedReads: number; budgetBytes: number; connections: number }): Promise<MemoryReport> {
  const path = new URL(o.cached.info.base).pathname;
  const paths = skewed(o.reads, o.ids.length).map((i) => `${path}/Patient/${o.ids[i]}`);
  const uncached = await run(o.uncached, paths.slice(0, o.uncachedReads), o.connections);
  const cached = await run(o.cached, paths, o.connections);
  return { reads: o.reads, distinct: o.ids.length, budgetBytes: o.budgetBytes, cached, uncached };
}
