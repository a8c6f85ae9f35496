// One occurrence of a filter parameter → a typed SearchClause (values split on unescaped commas,
// each parsed by the parameter's type). Invalid values are always a 400 naming the parameter.
import { invalidValue, notSupported } from '../errors.js';
import { parseDateRange } from './date.js';
import { splitUnescaped, unescapeValue } from './escape.js';
import { parseReferenceValue } from './reference.js';
import { parseTokenValue } from './token.js';
import { ALL_PREFIXES, type DateValue, type Prefix, type SearchClause, type SearchModifier, type SearchParamDef } from './types.js';

const PREFIX_RE = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=[0-9+.-])/;

export interface ClauseOptions {
  timezone?: string | undefined;
  baseUrl?: string | undefined;
}

export function parseClause(def: SearchParamDef, modifier: SearchModifier | undefined, typeModifier: string | undefined, value: string, opts: ClauseOptions): SearchClause {
  const base = { name: def.name, def, ...(modifier === undefined ? {} : { modifier }) };
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw invalidValue(`'${def.name}:missing' must be true or false (got '${value}')`, [def.name]);
    return { ...base, type: def.type, missing: value === 'true', values: [] } as SearchClause;
  }
  const parts = splitUnescaped(value, ',');
  if (parts.length > 1 && def.multipleOr === false) {
    throw notSupported(`Search parameter '${def.name}' does not accept several comma-separated values`, [def.name]);
  }
  if (parts.some((p) => p === '')) throw invalidValue(`Search parameter '${def.name}': empty value in '${value}'`, [def.name]);
  switch (def.type) {
    case 'token':
      return {
        ...base, type: 'token',
        values: parts.map((p) => (modifier === 'text' ? { text: unescapeValue(p) } : parseTokenValue(p, def))),
      };
    case 'string':
      return { ...base, type: 'string', values: parts.map((p) => ({ value: unescapeValue(p) })) };
    case 'reference':
      return { ...base, type: 'reference', values: parts.map((p) => parseReferenceValue(unescapeValue(p), def, typeModifier, opts.baseUrl)) };
    case 'date':
      return { ...base, type: 'date', values: parts.map((p) => parseDateValue(def, p, opts.timezone)) };
  }
}

function splitPrefix(def: SearchParamDef, value: string, defaults: readonly Prefix[]): [Prefix, string] {
  const m = PREFIX_RE.exec(value);
  const prefix = (m?.[1] ?? 'eq') as Prefix;
  const allowed = def.prefixes ?? defaults;
  if (!allowed.includes(prefix)) {
    throw notSupported(`Search parameter '${def.name}': prefix '${prefix}' is not supported (supported: ${allowed.join(', ')})`, [def.name]);
  }
  return [prefix, m ? value.slice(2) : value];
}

function parseDateValue(def: SearchParamDef, value: string, timezone: string | undefined): DateValue {
  const [prefix, rest] = splitPrefix(def, value, ALL_PREFIXES);
  // An unencoded '+' in an offset arrives as a space after URL decoding.
  const raw = rest.replace(/ (\d{2}:\d{2})$/, '+$1');
  const parsed = parseDateRange(raw, timezone);
  if (!parsed) {
    throw invalidValue(
      `Search parameter '${def.name}': '${value}' is not a valid date (use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][Z|±hh:mm], optionally after a prefix eq, ne, lt, gt, le, ge, sa, eb, ap)`,
      [def.name]);
  }
  return { prefix, raw, precision: parsed.precision, range: parsed.range };
}
