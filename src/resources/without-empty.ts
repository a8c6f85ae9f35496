// mapping §1.7: OSCAR sends "" for unset text, and FHIR forbids empty strings,
// arrays and objects. Mappers build resources freely with possibly-empty parts and pass the
// result through withoutEmpty() once, instead of guarding every element.
import { sortedKeys } from '../fhir/canonical-order.js';

/** The trimmed string, or undefined when the value is not a string or is blank. */
export function nonBlank(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

/**
 * `s.trim() === ''` without making the trimmed copy: a string that starts with a visible ASCII
 * character is not blank (trim only removes white space and line terminators), and that is
 * nearly every string a mapper hands over.
 */
function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  return c > 32 && c < 127 ? false : s.trim() === '';
}

// Plain loops: this runs over every resource a mapper builds (each cache miss), and the
// map/filter/entries chains it replaced allocated an array per node.
function prune(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return isBlank(value) ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const v of value) {
      const p = prune(v);
      if (p !== undefined) kept.push(p);
    }
    return kept.length ? kept : undefined;
  }
  if (typeof value === 'object') {
    if (Buffer.isBuffer(value) || value instanceof Date) return value;
    const out: Record<string, unknown> = {};
    let kept = 0;
    // Members in canonical order (src/fhir/canonical-order.ts): a resource built here is written
    // as it is, with no sorted copy, when its version id is made (src/fhir/version.ts).
    const keys = sortedKeys(value, true);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const p = prune((value as Record<string, unknown>)[k]);
      if (p !== undefined) { out[k] = p; kept++; }
    }
    return kept ? out : undefined;
  }
  return value;
}

/**
 * Recursively drops undefined, null, blank strings, non-finite numbers, empty arrays and empty
 * objects. `false` and `0` are kept. Returns a new value, its objects' members in canonical order
 * (resourceType, id, meta, then by UTF-16 code units); the input is not changed.
 */
export function withoutEmpty<T>(value: T): T {
  const p = prune(value);
  return (p === undefined ? (Array.isArray(value) ? [] : {}) : p) as T;
}
