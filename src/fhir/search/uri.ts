// Uri search semantics (R4 search §3.1.1.5.10): exact match by default; `:below` matches URIs
// under the value (path prefix), `:above` URIs the value is under.
import type { UriClause } from './types.js';

export function matchesUri(clause: UriClause, candidates: readonly (string | undefined)[]): boolean {
  const present = candidates.filter((c): c is string => c !== undefined && c !== '');
  if (clause.missing !== undefined) return clause.missing === (present.length === 0);
  return clause.values.some(({ value }) => present.some((c) => {
    if (clause.modifier === 'below') return c === value || c.startsWith(value.endsWith('/') ? value : `${value}/`);
    if (clause.modifier === 'above') return value === c || value.startsWith(c.endsWith('/') ? c : `${c}/`);
    return c === value;
  }));
}
