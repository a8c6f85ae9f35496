// mapping §1.7: OSCAR sends "" for unset text, and FHIR forbids empty strings,
// arrays and objects. Mappers build resources freely with possibly-empty parts and pass the
// result through withoutEmpty() once, instead of guarding every element.
import { precedes, sortKeys } from '../fhir/canonical-order.js';

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
// map/filter/entries chains it replaced allocated an array per node. One function: split into one
// per kind it took a fifth more time (over the 50 Patients of benchmark 6's page).
// A part with nothing to drop and already in canonical order is returned as it is, not copied.
function prune(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return isBlank(value) ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined; // made at the first element dropped or changed
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const p = pruned(v);
      if (out !== undefined) {
        if (p !== undefined) out.push(p);
      } else if (p !== v || p === undefined) { // a hole reads as undefined too: it is dropped
        out = value.slice(0, i);
        if (p !== undefined) out.push(p);
      }
    }
    const kept: unknown[] = out ?? value;
    return kept.length ? kept : undefined;
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // A plain object is neither a Buffer nor a Date (its prototype chain is Object.prototype
    // alone): asked first, it spares every object of a resource the two instanceof walks.
    const plain = Object.getPrototypeOf(o) === Object.prototype;
    if (!plain && (Buffer.isBuffer(value) || value instanceof Date)) return value;
    // Members in canonical order (src/fhir/canonical-order.ts): a resource built here is written
    // as it is, with no sorted copy, when its version id is made (src/fhir/version.ts).
    if (plain) {
      // Members already in that order, as the mappers write them: read by for-in (V8 reads each
      // member from the object's own list, where o[k] over Object.keys looks every name up), and
      // the object itself returned when nothing in it changes. At a member out of order the
      // sorted way below starts again.
      let out: Record<string, unknown> | undefined; // made at the first member dropped or changed
      let kept = 0;
      let last: string | undefined;
      let inOrder = true;
      for (const k in o) {
        if (last !== undefined && !precedes(last, k, true)) { inOrder = false; break; }
        last = k;
        const v = o[k];
        const p = pruned(v);
        if (out === undefined && (p !== v || p === undefined)) {
          out = {};
          for (const j in o) { if (j === k) break; out[j] = o[j]; } // the members before k, each kept as it is
        }
        if (p !== undefined) {
          kept++;
          if (out !== undefined) out[k] = p;
        }
      }
      if (inOrder) return kept === 0 ? undefined : out ?? o;
    }
    // Out of order, or not a plain object (made a plain one, its own members only): a sorted copy.
    const keys = sortKeys(Object.keys(o));
    const out: Record<string, unknown> = {};
    let kept = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const p = prune(o[k]);
      if (p !== undefined) { out[k] = p; kept++; }
    }
    return kept ? out : undefined;
  }
  return value;
}

/**
 * prune(v), a string asked about without the recursive call (which the compiler does not inline):
 * most of what a resource holds (the Patient mapper over the 50-result page: 263-273 against
 * 271-281 µs, bench/reply-cpu.ts).
 */
function pruned(v: unknown): unknown {
  return typeof v === 'string' ? (isBlank(v) ? undefined : v) : prune(v);
}

/**
 * Recursively drops undefined, null, blank strings, non-finite numbers, empty arrays and empty
 * objects. `false` and `0` are kept. Objects' members are in canonical order (resourceType, id,
 * meta, then by UTF-16 code units). The input is not changed; a part of it with nothing to drop
 * and already in that order (a plain object or an array) is returned as it is, not copied, so the
 * result may share such parts with the input.
 */
export function withoutEmpty<T>(value: T): T {
  const p = prune(value);
  return (p === undefined ? (Array.isArray(value) ? [] : {}) : p) as T;
}
