// Outgoing policy: a response never carries invalid FHIR. See README.md in this folder.
// Remove what is invalid (the element each error points at, or the parent of a missing required
// element, or the repair an invariant names), re-validate, repeat. When the fix would have to
// remove the resource's own root (its required core is broken), withhold the whole resource.
import { isWithin, removeAt, toExpression } from './json-path.js';
import type { Finding, JsonPath, ValidationIssue } from './types.js';

/** Enough rounds for removal to cascade up a few levels (element → parent → array → ...). */
const MAX_ROUNDS = 8;

export interface SanitizeResult<T> {
  /** the repaired copy (the input is never modified), or undefined when it cannot be repaired */
  resource: T | undefined;
  /** FHIRPath-style expressions of the removed elements (no values) */
  dropped: string[];
  /** the error issues of the original resource, for logs and metrics (no values in them) */
  issues: ValidationIssue[];
}

export function sanitizeWith<T>(
  resource: T,
  findingsOf: (r: unknown) => Finding[],
  publicIssue: (f: Finding) => ValidationIssue,
): SanitizeResult<T> {
  const first = findingsOf(resource).filter((f) => f.severity === 'error');
  const issues = first.map(publicIssue);
  if (first.length === 0) return { resource, dropped: [], issues };

  const copy = structuredClone(resource) as T;
  const root = typeof (copy as { resourceType?: unknown }).resourceType === 'string' ? String((copy as { resourceType: string }).resourceType) : 'Resource';
  const dropped: string[] = [];
  let errors = first;
  for (let round = 0; round < MAX_ROUNDS && errors.length > 0; round++) {
    if (errors.some((f) => f.drop === null)) return { resource: undefined, dropped, issues };
    const targets = outermostFirst(errors.flatMap((f) => f.drop ?? []));
    for (const path of targets) {
      if (removeAt(copy, path)) dropped.push(toExpression(root, path));
    }
    errors = findingsOf(copy).filter((f) => f.severity === 'error');
  }
  return errors.length === 0 ? { resource: copy, dropped, issues } : { resource: undefined, dropped, issues };
}

/**
 * Unique targets, without those inside another target, ordered so that removing one never
 * shifts the array index of another (higher indexes first).
 */
function outermostFirst(paths: JsonPath[]): JsonPath[] {
  const unique = new Map(paths.map((p) => [JSON.stringify(p), p]));
  const list = [...unique.values()].filter((p) => ![...unique.values()].some((q) => q !== p && q.length < p.length && isWithin(p, q)));
  return list.sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return y - x;
      return String(x) < String(y) ? -1 : 1;
    }
    return b.length - a.length;
  });
}
