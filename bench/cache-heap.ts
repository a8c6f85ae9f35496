// What the cache's entries really hold, against what src/cache/measure.ts counts for them.
//   npx node --import tsx bench/cache-heap.ts [--reads=2000] [--dist=dist]
// Two facades from the build (one with an unbounded cache, one without) read the same distinct
// Patients from the benchmark's simulator; the live memory each gained (heap used and
// ArrayBuffers, after a full GC) is compared, and the difference divided by the bytes the cache
// counted. Heap snapshots of both facades then show whether any string the entries hold is
// a slice or a concatenation keeping a larger string alive (a V8 sliced string keeps its whole
// parent: a field cut out of a SOAP answer would keep the answer), which a walk by string length
// cannot see.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFacade } from './lib/build.js';
import { runLoad } from './lib/load-client.js';
import type { MemoryDetail } from './lib/memory-detail.js';
import { startChild, type Child } from './lib/proc.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const reads = Number(arg('reads', '2000'));
const dist = arg('dist', 'dist');
const KIB = 1024;

interface Usage { main: { bytes: number; entries: number } }
interface Live { heap: number; arrayBuffers: number }

async function live(f: Child): Promise<Live> {
  const d = await f.rpc<MemoryDetail>('memory-detail');
  return { heap: d.heap.used, arrayBuffers: d.arrayBuffers };
}

/** Strings in a snapshot that keep another string alive: sliced strings (their parent) and cons strings. */
function stringsKeepingOthers(file: string): { sliced: number; parents: number; parentBytes: number; cons: number; consBytes: number } {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[]; edges: number[]; strings: string[];
  };
  const { node_fields: nf, node_types: [types], edge_fields: ef, edge_types: [edgeTypes] } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const typeAt = nf.indexOf('type');
  const sizeAt = nf.indexOf('self_size');
  const edgeCountAt = nf.indexOf('edge_count');
  const sliced = types.indexOf('sliced string');
  const cons = types.indexOf('concatenated string');
  const edgeTypeAt = ef.indexOf('type');
  const edgeNameAt = ef.indexOf('name_or_index');
  const edgeToAt = ef.indexOf('to_node');
  const internal = edgeTypes.indexOf('internal');
  const parents = new Set<number>();
  let slices = 0;
  let conses = 0;
  let consBytes = 0;
  let edge = 0;
  for (let n = 0; n < snap.nodes.length; n += N) {
    const count = snap.nodes[n + edgeCountAt]!;
    const type = snap.nodes[n + typeAt];
    if (type === sliced) {
      slices++;
      for (let e = edge; e < edge + count * E; e += E) {
        if (snap.edges[e + edgeTypeAt] === internal && snap.strings[snap.edges[e + edgeNameAt]!] === 'parent') parents.add(snap.edges[e + edgeToAt]!);
      }
    } else if (type === cons) {
      conses++;
      consBytes += snap.nodes[n + sizeAt]!;
    }
    edge += count * E;
  }
  let parentBytes = 0;
  for (const p of parents) parentBytes += snap.nodes[p + sizeAt]!;
  return { sliced: slices, parents: parents.size, parentBytes, cons: conses, consBytes };
}

async function main(): Promise<void> {
  if (dist === 'dist') buildFacade();
  const sim = await startChild<{ url: string; ids: number[] }>('servers/sim.ts', { BENCH_EXTRA_PATIENTS: String(reads + 300) });
  const env = { BENCH_FACADE_FROM: 'dist', BENCH_FACADE_DIST: dist, OSCAR_GZIP: 'false', BENCH_SIM_URL: sim.info.url, CHANGE_POLL_SECONDS: '0', OSCAR_MAX_IN_FLIGHT: '8', OSCAR_MAX_QUEUE: '1000', CACHE_DOCUMENT_MAX_BYTES: '0' };
  const cached = await startChild<{ base: string }>('servers/facade.ts', { ...env, CACHE_MAX_BYTES: String(2 ** 30) });
  const uncached = await startChild<{ base: string }>('servers/facade.ts', { ...env, CACHE_MAX_BYTES: '0' });
  const copies = sim.info.ids.filter((id) => id >= 100_000);
  const path = new URL(cached.info.base).pathname;
  const warm = copies.slice(0, 300).map((id) => `${path}/Patient/${id}`);
  const measured = copies.slice(300, 300 + reads).map((id) => `${path}/Patient/${id}`);
  const gained: Record<'cached' | 'uncached', Live> = { cached: { heap: 0, arrayBuffers: 0 }, uncached: { heap: 0, arrayBuffers: 0 } };
  for (const [name, f] of [['cached', cached], ['uncached', uncached]] as const) {
    await runLoad({ url: f.info.base, connections: 8, amount: warm.length, paths: warm });
    await f.rpc('clear');
    const before = await live(f);
    await runLoad({ url: f.info.base, connections: 8, amount: measured.length, paths: measured });
    const after = await live(f);
    gained[name] = { heap: after.heap - before.heap, arrayBuffers: after.arrayBuffers - before.arrayBuffers };
  }
  const usage = await cached.rpc<Usage>('cache');
  const heap = gained.cached.heap - gained.uncached.heap;
  const buffers = gained.cached.arrayBuffers - gained.uncached.arrayBuffers;
  const perRead = (b: number): string => `${(b / reads).toFixed(0)} B`;
  process.stdout.write(`${reads} distinct Patient reads into an unbounded cache (${usage.main.entries} entries), against the same reads without a cache:\n`);
  process.stdout.write(`  counted by measure.ts: ${(usage.main.bytes / KIB).toFixed(0)} KiB (${perRead(usage.main.bytes)} per read)\n`);
  process.stdout.write(`  live memory the entries hold: heap ${(heap / KIB).toFixed(0)} KiB + ArrayBuffers ${(buffers / KIB).toFixed(0)} KiB (${perRead(heap + buffers)} per read): counted / live = ${(usage.main.bytes / (heap + buffers)).toFixed(2)}\n`);
  for (const [name, f] of [['cached', cached], ['no-cache', uncached]] as const) {
    const file = join(tmpdir(), `oscar-fhir-cache-heap-${process.pid}.heapsnapshot`);
    await f.rpc('heap-snapshot', file);
    const s = stringsKeepingOthers(file);
    rmSync(file, { force: true });
    process.stdout.write(`  heap snapshot of the ${name} facade: ${s.sliced} sliced strings keeping ${s.parents} parent strings (${(s.parentBytes / KIB).toFixed(0)} KiB) alive; ${s.cons} cons strings (${(s.consBytes / KIB).toFixed(0)} KiB of their own)\n`);
  }
  await cached.stop();
  await uncached.stop();
  await sim.stop();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
