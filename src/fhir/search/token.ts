// Token search values: `code`, `system|code`, `|code` (no system), `system|` (any code of system),
// and `:text` / `:not` / `:missing` where the parameter declares them (R4 search §3.1.1.5.7).
import { invalidValue } from '../errors.js';
import { splitUnescaped, unescapeValue } from './escape.js';
import { matchesText } from './string.js';
import type { SearchParamDef, TokenClause, TokenValue } from './types.js';

export function parseTokenValue(raw: string, def: SearchParamDef): TokenValue {
  // A plain code (every id of an `_id` list) needs no splitting.
  const parts = raw.includes('|') ? splitUnescaped(raw, '|') : [raw];
  if (parts.length > 2) {
    throw invalidValue(`Search parameter '${def.name}': '${raw}' has more than one '|'; a token is 'code', 'system|code', '|code' or 'system|'`, [def.name]);
  }
  if (parts.length === 1) {
    const code = unescapeValue(parts[0]!);
    checkCode(code, def);
    return { code };
  }
  const system = unescapeValue(parts[0]!);
  const code = unescapeValue(parts[1]!);
  if (system === '' && code === '') throw invalidValue(`Search parameter '${def.name}': '|' alone is not a token`, [def.name]);
  if (code !== '' && (def.system === undefined || system === '' || system === def.system)) checkCode(code, def);
  return code === '' ? { system } : { system, code };
}

function checkCode(code: string, def: SearchParamDef): void {
  if (def.codes && !def.codes.includes(code)) {
    throw invalidValue(`Search parameter '${def.name}': unknown code '${code}'; expected one of ${def.codes.join(', ')}`, [def.name]);
  }
}

/** A coded value of a resource: a Coding, an Identifier (system + value), or a plain code. */
export interface TokenCandidate {
  system?: string | undefined;
  code?: string | undefined;
  /** Identifier.value (treated as the code). */
  value?: string | undefined;
  display?: string | undefined;
  /** CodeableConcept.text or Identifier.type.text, for `:text`. */
  text?: string | undefined;
}

function matchesOne(v: TokenValue, c: TokenCandidate): boolean {
  const code = c.code ?? c.value;
  if (v.system !== undefined) {
    if (v.system === '' ? c.system !== undefined && c.system !== '' : c.system !== v.system) return false;
  }
  return v.code === undefined || code === v.code;
}

/** Clauses shorter than this are matched value by value: a set costs more than it saves. */
const CODE_SET_FROM = 4;
/**
 * The codes of a clause whose values are all plain codes (no system, as in `_id=1,2,…,50`), as a
 * set, or null when a value names a system. A page checks each resource against the same clause,
 * so a 50-value clause would otherwise cost 50 × 50 comparisons. Keyed by the values array: the
 * parser replaces it whenever it changes the values (parse.ts).
 */
const codeSets = new WeakMap<readonly TokenValue[], ReadonlySet<string> | null>();
function codeSetOf(values: readonly TokenValue[]): ReadonlySet<string> | null {
  let set = codeSets.get(values);
  if (set === undefined) {
    set = values.every((v) => v.system === undefined && v.code !== undefined) ? new Set(values.map((v) => v.code!)) : null;
    codeSets.set(values, set);
  }
  return set;
}

function matchesAny(values: readonly TokenValue[], candidates: readonly TokenCandidate[]): boolean {
  const codes = values.length >= CODE_SET_FROM ? codeSetOf(values) : null;
  if (codes === null) return values.some((v) => candidates.some((c) => matchesOne(v, c)));
  // A value without a system matches a candidate's code (or identifier value), whatever its system.
  for (const c of candidates) {
    const code = c.code ?? c.value;
    if (code !== undefined && codes.has(code)) return true;
  }
  return false;
}

/** Does a resource whose coded values are `candidates` satisfy the clause (values ORed)? */
export function matchesToken(clause: TokenClause, candidates: readonly TokenCandidate[]): boolean {
  if (clause.missing !== undefined) return clause.missing === (candidates.length === 0);
  if (clause.modifier === 'text') {
    const texts = candidates.flatMap((c) => [c.text, c.display]);
    return clause.values.some((v) => v.text !== undefined && matchesText(v.text, texts));
  }
  const any = matchesAny(clause.values, candidates);
  return clause.modifier === 'not' ? !any : any;
}
