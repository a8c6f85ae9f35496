// Turns query pairs into a typed, validated ParsedSearch for one resource type (R4 search §3.1.1).
// Repeated parameters are ANDed, comma-separated values ORed. Unknown or unsupported parameters,
// modifiers, includes, `_sort` and `_revinclude` are a 400 naming them — or, under `Prefer: handling=lenient`, a
// warning issue, and they are left out of `applied` (so self links show only what was applied).
// Invalid VALUES are a 400 in both modes: guessing what a malformed value meant is never lenient.
import { badRequest, invalidValue, notSupported, type Issue } from '../errors.js';
import { FHIR_ID_RE } from '../ids.js';
import { ownEntry, unavailableText } from '../unavailable.js';
import { parseClause } from './clause.js';
import { decodeCursor, searchFingerprint } from './cursor.js';
import { SUMMARY_MODES, TOTAL_MODES, parseElements, parseInclude } from './result-params.js';
import type { ParsedSearch, SearchClause, SearchModifier, SearchSpec, SummaryMode, TotalMode } from './types.js';

export { parseSubsetParams } from './result-params.js';

export interface SearchParseOptions {
  /** `Prefer: handling=lenient`: ignore unknown/unsupported parameters with a warning. */
  lenient?: boolean;
  /** Page size when `_count` is absent (default 20). */
  defaultCount?: number;
  /** Largest page size; a larger `_count` is lowered to it (default 200). */
  maxCount?: number;
  /** IANA zone for date-only values and date-times without an offset (default 'UTC'). */
  timezone?: string;
  /** Public FHIR base URL: absolute reference values must be under it. */
  baseUrl?: string;
  /** Id pattern of another type (for reference values); undefined = any FHIR id. */
  idPatternFor?: (type: string) => RegExp | undefined;
  /** The system a token value's system stands for (an older spelling of one of ours → ours). */
  canonicalSystem?: (system: string) => string;
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 200;

const RESULT_PARAMS = new Set(['_count', '_summary', '_elements', '_sort', '_include', '_revinclude', '_format', '_pretty', '_total', '_cursor']);
const REPEATABLE_RESULT_PARAMS = new Set(['_include', '_revinclude']);
const KNOWN_MODIFIERS = new Set<string>(['missing', 'exact', 'contains', 'text', 'not', 'above', 'below', 'in', 'not-in', 'of-type', 'identifier']);

export function parseSearch(spec: SearchSpec, pairs: readonly (readonly [string, string])[], opts: SearchParseOptions = {}): ParsedSearch {
  const maxCount = opts.maxCount ?? MAX_COUNT;
  const issues: Issue[] = [];
  const applied: [string, string][] = [];
  const clauses: SearchClause[] = [];
  const seen = new Map<string, number>();
  const result: ParsedSearch = {
    type: spec.type, clauses, count: Math.min(opts.defaultCount ?? DEFAULT_COUNT, maxCount), offset: 0,
    include: [], applied, issues, impossible: false,
  };
  let cursorToken: string | undefined;

  /** Unknown/unsupported: 400 in strict mode, a warning (and not applied) in lenient mode. */
  const unsupported = (message: string, key: string): void => {
    if (!opts.lenient) throw notSupported(message, [key]);
    issues.push({ severity: 'warning', code: 'not-supported', diagnostics: `${message} (ignored)`, expression: [key] });
  };

  for (const [key, value] of pairs) {
    if (value === '') continue; // R4 search §3.1.1.3: parameters with empty values are ignored
    const colon = key.indexOf(':');
    const name = colon < 0 ? key : key.slice(0, colon);
    const modifier = colon < 0 ? undefined : key.slice(colon + 1);
    const times = (seen.get(name) ?? 0) + 1;
    seen.set(name, times);

    if (RESULT_PARAMS.has(name)) {
      if (times > 1 && !REPEATABLE_RESULT_PARAMS.has(name)) throw badRequest(`'${name}' may be given only once`, [name]);
      if (modifier !== undefined) { unsupported(`'${key}': modifiers are not supported on '${name}'`, key); continue; }
      switch (name) {
        case '_count': {
          if (!/^\d{1,9}$/.test(value)) throw invalidValue(`'_count' must be a whole number of 0 or more (got '${value}')`, ['_count']);
          result.count = Math.min(Number(value), maxCount);
          applied.push(['_count', String(result.count)]);
          break;
        }
        case '_summary':
          if (!SUMMARY_MODES.has(value)) throw invalidValue(`'_summary' must be one of true, false, count, data, text (got '${value}')`, ['_summary']);
          result.summary = value as SummaryMode;
          applied.push([key, value]);
          break;
        case '_elements':
          result.elements = parseElements(spec.type, value);
          applied.push([key, value]);
          break;
        case '_sort':
          // A sort the handlers cannot hand to OSCAR would mean fetching every match before
          // answering the first page (design principle 5).
          unsupported(`'_sort' is not supported: matches come in the order OSCAR lists them`, '_sort');
          break;
        case '_include': {
          const found = parseInclude(spec, value, unsupported);
          if (found.length > 0) {
            for (const inc of found) if (!result.include.includes(inc)) result.include.push(inc);
            applied.push([key, value]);
          }
          break;
        }
        case '_revinclude':
          unsupported(`'_revinclude=${value}' is not supported for ${spec.type} (no type declares a reverse include)`, '_revinclude');
          break;
        case '_format':
          result.format = value; // checked by content negotiation (406)
          applied.push([key, value]);
          break;
        case '_pretty':
          if (value !== 'true' && value !== 'false') throw invalidValue(`'_pretty' must be true or false (got '${value}')`, ['_pretty']);
          result.pretty = value === 'true';
          applied.push([key, value]);
          break;
        case '_total':
          if (!TOTAL_MODES.has(value)) throw invalidValue(`'_total' must be one of none, estimate, accurate (got '${value}')`, ['_total']);
          result.total = value as TotalMode;
          applied.push([key, value]);
          break;
        case '_cursor':
          cursorToken = value;
          break;
      }
      continue;
    }

    const def = spec.searchParams.find((p) => p.name === name);
    const unavailable = def ? undefined : ownEntry(spec.unavailableParams, name);
    if (unavailable) {
      unsupported(unavailableText(`Search parameter '${name}' of ${spec.type}`, unavailable), key);
      continue;
    }
    if (!def) {
      const what = name.includes('.') ? `Chained search parameter '${key}' is not supported` : `Unknown search parameter '${key}'`;
      unsupported(`${what} for ${spec.type}. Supported: ${spec.searchParams.map((p) => p.name).join(', ') || '(none)'}`, key);
      continue;
    }
    if (times > 1 && def.multipleAnd === false) {
      throw notSupported(`Search parameter '${name}' may be given only once`, [name]);
    }
    let typeModifier: string | undefined;
    let mod: SearchModifier | undefined;
    if (modifier !== undefined) {
      if (def.type === 'reference' && /^[A-Z][A-Za-z]+$/.test(modifier)) {
        if (def.target && !def.target.includes(modifier)) {
          unsupported(`'${key}': '${modifier}' is not a target of '${name}' (targets: ${def.target.join(', ')})`, key);
          continue;
        }
        typeModifier = modifier;
      } else if (!KNOWN_MODIFIERS.has(modifier) || modifier === 'identifier' || !def.modifiers?.includes(modifier as SearchModifier)) {
        unsupported(`Modifier ':${modifier}' is not supported for search parameter '${name}'`, key);
        continue;
      } else {
        mod = modifier as SearchModifier;
      }
    }
    clauses.push(parseClause(def, mod, typeModifier, value, opts));
    applied.push([key, value]);
  }

  if (result.summary !== undefined && result.elements !== undefined) {
    throw badRequest(`'_summary' and '_elements' cannot be combined`, ['_summary', '_elements']);
  }
  if (cursorToken !== undefined) {
    const cursor = decodeCursor(cursorToken);
    if (cursor.search !== searchFingerprint(spec.type, applied, opts.baseUrl)) {
      throw invalidValue(`'_cursor' belongs to a different search; follow the Bundle's links with the same parameters`, ['_cursor']);
    }
    result.offset = cursor.offset;
  }
  const canonical = opts.canonicalSystem;
  if (canonical) {
    for (const c of clauses) if (c.type === 'token') c.values = c.values.map((v) => (v.system === undefined ? v : { ...v, system: canonical(v.system) }));
  }
  result.impossible = dropImpossibleValues(spec, clauses, opts);
  return result;
}

/**
 * Drops `_id` and reference values that can never match (an id outside the target type's id
 * pattern: OSCAR ids are numeric, so '_id=abc' must not reach OSCAR). Returns true when a clause
 * is left with no value at all, i.e. the whole search matches nothing.
 */
function dropImpossibleValues(spec: SearchSpec, clauses: SearchClause[], opts: SearchParseOptions): boolean {
  let impossible = false;
  for (const clause of clauses) {
    if (clause.modifier !== undefined || clause.missing !== undefined) continue;
    if (clause.type === 'token' && clause.name === '_id') {
      clause.values = clause.values.filter((v) => v.code !== undefined && FHIR_ID_RE.test(v.code) && (spec.idPattern?.test(v.code) ?? true));
      if (clause.values.length === 0) impossible = true;
    } else if (clause.type === 'reference') {
      clause.values = clause.values.filter((v) => {
        const types = v.type !== undefined ? [v.type] : (clause.def.target ?? []);
        if (types.length === 0) return true;
        return types.some((t) => opts.idPatternFor?.(t)?.test(v.id) ?? true);
      });
      if (clause.values.length === 0) impossible = true;
    }
  }
  return impossible;
}
