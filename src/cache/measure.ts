// Cached values are shared by every request that hits them, so they are frozen (a handler that
// mutates one fails loudly instead of corrupting the next answer), and the budgets need their
// size. One walk does both. The size is what the entry costs the process (RSS), so that
// CACHE_MAX_BYTES bounds memory growth.
//
// TO_RSS, from measurements on Node 24 (2026-12-06, bench/results.md "Memory calibration"):
//   - heap per walked byte: 0.73. Two GCs around 3,000 cold Patient reads in one process, cache
//     unbounded: the two SOAP transfers of a read walk to about 5,770 bytes and hold 4,205 bytes
//     of heap. (It was 1.6 before the facade read answers itself: records are compact objects
//     holding their own strings now.)
//   - resident bytes per live byte: about 4. Benchmark 5 (a full 64 MiB cache evicting under 16
//     connections, against a no-cache process, both settled) grew RSS by 1.17–1.35 MiB per MiB
//     the cache counts while its live heap and external memory grew by only 0.31 MiB (pages V8
//     keeps after eviction churn, most likely).
// So against live memory this count is about three times high, but against RSS, which the budget
// is for, it is still short by up to a third; 3 is kept until benchmark 5's "per MiB the cache
// counts" line, on a quiet machine, says otherwise.
const OBJECT_BYTES = 48;
const PROPERTY_BYTES = 24;
const ARRAY_BYTES = 32;
const SLOT_BYTES = 8;
const STRING_BYTES = 24;
/** Resident bytes per walked byte (see above). */
const TO_RSS = 3;

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
