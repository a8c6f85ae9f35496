// Cached values are shared by every request that hits them, so they are frozen (a handler that
// mutates one fails loudly instead of corrupting the next answer), and the budgets need their
// size. One walk does both. The size is what the entry costs the process (RSS), so that
// CACHE_MAX_BYTES bounds memory growth.
//
// TO_RSS, from measurements on Node 24 (bench/results.md "Benchmark 5: where the RSS goes"):
//   - what an entry holds: 0.73 bytes of heap per walked byte of a Patient read's two OSCAR
//     answers (2026-12-06, two GCs around 3,000 cold reads; records are compact objects holding
//     their own strings). bench/cache-heap.ts (2,000 cold Patient reads into an unbounded cache
//     against the same reads without one, live heap and ArrayBuffers after a full GC) found the
//     whole read, answers and rendered bytes, counted at 5.5 times what it holds with 3 here, and
//     in heap snapshots no field keeping an OSCAR answer alive.
//   - what it costs the process: V8 keeps the pages its heap grew into, so RSS follows the heap's
//     peak, a multiple of the live data that GC timing moves from one process to the next.
//     Benchmark 5 (a full 64 MiB cache evicting under 16 connections against a no-cache process)
//     grew RSS by 0.24–2.05 MiB per MiB counted with 3 here, about 1.0 at the median of the runs.
// 4 keeps the median a quarter under the budget: the count is meant never to be short of what
// the cache costs in RSS, and the high end of that spread is GC timing in both processes.
const OBJECT_BYTES = 48;
const PROPERTY_BYTES = 24;
const ARRAY_BYTES = 32;
const SLOT_BYTES = 8;
const STRING_BYTES = 24;
/** Resident bytes per walked byte (see above). */
const TO_RSS = 4;

function walk(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
      return STRING_BYTES + v.length * 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return SLOT_BYTES;
    case 'object': {
      if (v === null) return SLOT_BYTES;
      if (depth > 64) throw new Error('cached value nested too deeply');
      if (Buffer.isBuffer(v)) return OBJECT_BYTES + v.length;
      let size: number;
      if (Array.isArray(v)) {
        size = ARRAY_BYTES + v.length * SLOT_BYTES;
        for (const x of v) size += walk(x, depth + 1);
      } else {
        size = OBJECT_BYTES;
        for (const k in v) size += PROPERTY_BYTES + walk((v as Record<string, unknown>)[k], depth + 1);
      }
      Object.freeze(v);
      return size;
    }
    default:
      return SLOT_BYTES;
  }
}

/** Freezes `value` deeply and returns the memory (RSS) it is estimated to hold, in bytes. */
export function freezeAndMeasure(value: unknown): number {
  return Math.ceil(walk(value, 0) * TO_RSS);
}
