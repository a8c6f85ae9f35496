// Result parameters that need more than a scalar check: _elements, _include, and the `_summary` /
// `_elements` pair of a read.
import { badRequest, invalidValue } from '../errors.js';
import type { IncludeDef, SearchSpec, SummaryMode } from './types.js';

export const SUMMARY_MODES = new Set<string>(['true', 'false', 'count', 'data', 'text']);
export const TOTAL_MODES = new Set<string>(['none', 'estimate', 'accurate']);

/** Reports an unknown/unsupported parameter (400, or a warning under lenient handling). */
export type Unsupported = (message: string, key: string) => void;

export function parseElements(type: string, value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  return names.map((n) => {
    const dot = n.indexOf('.');
    let el = n;
    if (dot >= 0 && /^[A-Z]/.test(n)) {
      if (n.slice(0, dot) !== type) throw invalidValue(`'_elements': '${n}' is not an element of ${type}`, ['_elements']);
      el = n.slice(dot + 1);
    }
    if (!/^[a-z][A-Za-z0-9]*$/.test(el)) throw invalidValue(`'_elements': '${n}' is not a top-level element name`, ['_elements']);
    return el;
  });
}

export function parseInclude(spec: SearchSpec, value: string, unsupported: Unsupported): IncludeDef[] {
  const [source, param, target, ...rest] = value.split(':');
  const found = source === spec.type && rest.length === 0
    ? (spec.includes ?? []).filter((i) => i.param === param && (target === undefined || i.targetType === target))
    : [];
  if (found.length === 0) {
    const known = (spec.includes ?? []).map((i) => `${spec.type}:${i.param}:${i.targetType}`);
    unsupported(`'_include=${value}' is not supported for ${spec.type} (supported: ${known.join(', ') || 'none'})`, '_include');
  }
  return found;
}

/** `_summary` / `_elements` of a read (other parameters of a read are ignored, as servers commonly do). */
export function parseSubsetParams(type: string, pairs: readonly (readonly [string, string])[]): { summary?: SummaryMode; elements?: string[] } {
  const out: { summary?: SummaryMode; elements?: string[] } = {};
  for (const [key, value] of pairs) {
    if (value === '') continue;
    if (key === '_summary') {
      if (!SUMMARY_MODES.has(value) || value === 'count') throw invalidValue(`'_summary' must be one of true, false, data, text on a read (got '${value}')`, ['_summary']);
      out.summary = value as SummaryMode;
    } else if (key === '_elements') {
      out.elements = parseElements(type, value);
    }
  }
  if (out.summary !== undefined && out.elements !== undefined) {
    throw badRequest(`'_summary' and '_elements' cannot be combined`, ['_summary', '_elements']);
  }
  return out;
}
