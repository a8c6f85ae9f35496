// Cached values are shared by every request that hits them, so they are frozen (a handler that
// mutates one fails loudly instead of corrupting the next answer), and the budgets need their
// size. One walk does both. The size is what the entry costs the process (RSS), so that
// CACHE_MAX_BYTES bounds memory growth: the walk's object model undercounts V8's real heap cost
// of SOAP-parsed objects by about 1.6x (measured: heap growth per cached Patient read against the
// walk), and a V8 process holds about twice its live heap as resident pages once it has settled
// (bench/memory.ts: settled RSS above a no-cache process under the same load, against the
// cache's own count).

const OBJECT_BYTES = 48;
const PROPERTY_BYTES = 24;
const ARRAY_BYTES = 32;
const SLOT_BYTES = 8;
const STRING_BYTES = 24;
/** Measured heap per walked byte (1.6) × resident bytes per live heap byte (about 1.9). */
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
