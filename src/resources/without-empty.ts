// mapping §1.7: OSCAR sends "" for unset text, and FHIR forbids empty strings,
// arrays and objects. Mappers build resources freely with possibly-empty parts and pass the
// result through withoutEmpty() once, instead of guarding every element.

/** The trimmed string, or undefined when the value is not a string or is blank. */
export function nonBlank(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

function prune(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const kept = value.map(prune).filter((v) => v !== undefined);
    return kept.length ? kept : undefined;
  }
  if (typeof value === 'object') {
    if (Buffer.isBuffer(value) || value instanceof Date) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

/**
 * Recursively drops undefined, null, blank strings, non-finite numbers, empty arrays and empty
 * objects. `false` and `0` are kept. Returns a new value; the input is not changed.
 */
export function withoutEmpty<T>(value: T): T {
  const p = prune(value);
  return (p === undefined ? (Array.isArray(value) ? [] : {}) : p) as T;
}
