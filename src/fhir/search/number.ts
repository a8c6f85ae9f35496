// Number search values (R4 search §3.1.1.5.2): a value carries an implicit precision, so '100'
// means [99.5, 100.5) and '100.00' means [99.995, 100.005); eq matches within that range.
import type { NumberClause, NumberValue, Prefix } from './types.js';

/** Prefixes a number parameter accepts unless it declares its own (sa/eb only make sense for ranges). */
export const NUMBER_PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'ap'];

const NUMBER_RE = /^[+-]?(?:\d+(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

/** The number and its implicit precision range, or undefined when `raw` is not a decimal. */
export function parseNumber(raw: string, prefix: Prefix): NumberValue | undefined {
  const m = NUMBER_RE.exec(raw);
  if (!m) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  const decimals = (m[1] ?? m[2] ?? '').length;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  const half = 0.5 * 10 ** (exponent - decimals);
  return { prefix, raw, value, range: { low: value - half, high: value + half } };
}

/**
 * Does a resource's number satisfy the search value? The target is a point; the search value is
 * its implicit range, so gt100 means ≥ 100.5 and ge100 means ≥ 99.5 (R4 prefix definitions).
 */
export function matchesNumber(search: NumberValue, target: number): boolean {
  const { low, high } = search.range;
  switch (search.prefix) {
    case 'eq': return target >= low && target < high;
    case 'ne': return !(target >= low && target < high);
    case 'gt': case 'sa': return target >= high;
    case 'lt': case 'eb': return target < low;
    case 'ge': return target >= low;
    case 'le': return target < high;
    case 'ap': return Math.abs(target - search.value) <= Math.max(Math.abs(search.value) * 0.1, high - low);
  }
}

/** Does a resource whose numbers are `targets` satisfy the clause (values ORed, any target)? */
export function matchesNumberClause(clause: NumberClause, targets: readonly (number | undefined)[]): boolean {
  const present = targets.filter((t): t is number => t !== undefined);
  if (clause.missing !== undefined) return clause.missing === (present.length === 0);
  return clause.values.some((v) => present.some((t) => matchesNumber(v, t)));
}
