// Benchmark 5: memory under a read load much larger than the cache. 100,000 reads over 20,000
// distinct patients (skewed: a few are hot, most are read once or twice) go to a facade with a
// cache budget; the same sequence goes to a facade without a cache, whose RSS is the fixed
// overhead (code, validators, sockets, the garbage the load makes). Without a cache nothing grows
// with the number of reads, so that one stops after the first `uncachedReads` of the sequence.
import { runLoad, type LoadResult } from './lib/load-client.js';
import type { Child } from './lib/proc.js';

interface ProcStats { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number }
interface Usage { main: { bytes: number; entries: number; maxBytes: number }; documents: { bytes: number; entries: number; maxBytes: number } }
export interface MemoryRun { load: LoadResult; before: ProcStats; after: ProcStats; cache: Usage }
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

/**
 * RSS once the process has settled: right after a load, V8 still holds the pages of the garbage
 * the load made (its heap grows well past the live set between major GCs) and gives them back
 * within seconds of idling. Both facades are measured the same way.
 */
async function settled(facade: Child): Promise<ProcStats> {
  let last = await facade.rpc<ProcStats>('process');
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 2_000));
    const now = await facade.rpc<ProcStats>('process');
    if (Math.abs(now.rssBytes - last.rssBytes) < 256 * 1024) return now;
    last = now;
  }
  return last;
}

async function run(facade: Child<{ base: string }>, paths: string[], connections: number): Promise<MemoryRun> {
  await runLoad({ url: facade.info.base, connections, amount: 500, paths: paths.slice(-500) }); // warm-up
  const before = await settled(facade);
  const load = await runLoad({ url: facade.info.base, connections, amount: paths.length, paths });
  const after = await settled(facade);
  const cache = await facade.rpc<Usage>('cache');
  return { load, before, after, cache };
}

export async function memory(o: { cached: Child<{ base: string }>; uncached: Child<{ base: string }>; ids: number[]; reads: number; uncachedReads: number; budgetBytes: number; connections: number }): Promise<MemoryReport> {
  const path = new URL(o.cached.info.base).pathname;
  const paths = skewed(o.reads, o.ids.length).map((i) => `${path}/Patient/${o.ids[i]}`);
  const uncached = await run(o.uncached, paths.slice(0, o.uncachedReads), o.connections);
  const cached = await run(o.cached, paths, o.connections);
  return { reads: o.reads, distinct: o.ids.length, budgetBytes: o.budgetBytes, cached, uncached };
}
