// String search semantics (R4 search §3.1.1.5.5). Default: the resource value STARTS WITH the
// search value, ignoring case and accents ('mu' matches 'Müller'); `:exact` is a case- and
// accent-sensitive whole-value match; `:contains` matches anywhere (case/accent-insensitive).
import type { StringClause } from './types.js';

/** Case- and accent-folded form used for default and :contains matching. */
export function normalizeForSearch(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** `:text` matching: the text, or any word in it, starts with the value (case/accent-insensitive). */
export function matchesText(value: string, texts: readonly (string | undefined)[]): boolean {
  const v = normalizeForSearch(value);
  return texts.some((t) => {
    if (t === undefined) return false;
    const n = normalizeForSearch(t);
    return n.startsWith(v) || n.split(/\s+/).some((w) => w.startsWith(v));
  });
}

/** Does a resource whose string values are `candidates` (e.g. every name part) satisfy the clause? */
export function matchesString(clause: StringClause, candidates: readonly (string | undefined)[]): boolean {
  const present = candidates.filter((c): c is string => c !== undefined && c !== '');
  if (clause.missing !== undefined) return clause.missing === (present.length === 0);
  return clause.values.some(({ value }) => {
    if (clause.modifier === 'exact') return present.some((c) => c === value);
    const v = normalizeForSearch(value);
    if (clause.modifier === 'contains') return present.some((c) => normalizeForSearch(c).includes(v));
    return present.some((c) => normalizeForSearch(c).startsWith(v));
  });
}
