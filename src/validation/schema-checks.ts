// What the compiled schema validator (ajv, build.ts) checks, as data for the fast check
// (fast-check.ts), so that a valid resource is never handed to ajv: ajv's generated code passes
// an options object and a new instancePath string to every nested call and tests every property
// the schema knows (fifty value[x] of each Extension) against the node, where the fast check reads
// only the node's own keys. The reduced R4 schema (profiles/r4/) uses few keywords, and only those
// are read here, as ajv 8 applies them: type (string | number | boolean | object | array, tested
// with typeof as ajv does, so a number need not be finite), pattern (with the `u` flag, on strings
// only), enum and const (===), $ref, items, properties, additionalProperties: false and required.
// Any other keyword, or these in another form, makes a check that never passes: the full
// validation then answers, so an unread keyword can cost time but never let a problem through.
import { isObject } from './json-path.js';
import { ANY_TEXT } from './schema-file.js';
import type { JsonSchemaDef, JsonSchemaProp } from './schema-types.js';

export const ANY = 0;
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const OBJECT = 4;
export const NEVER = 5;

/** The schema's word for a value or an array item, where `type` is one JSON type or none. */
export interface ValueCheck {
  type: number;
  /** a string must not be empty: the pattern ANY_TEXT (every string and markdown), without a regex */
  nonEmpty: boolean;
  pattern: RegExp | undefined;
  /** enum or const: the value must be one of these */
  oneOf: Set<unknown> | undefined;
}

/** The schema's word for an object property. */
export interface PropCheck {
  /** the value must be an array (`type: array`) */
  array: boolean;
  /** the value, or each item of an array value (`items`) */
  item: ValueCheck;
}

/** The schema's word for an object: unknown keys refused, required keys, or none of it readable. */
export interface ObjectCheck {
  closed: boolean;
  required: string[];
  never: boolean;
}

export const NEVER_VALUE: ValueCheck = { type: NEVER, nonEmpty: false, pattern: undefined, oneOf: undefined };
const ANY_VALUE: ValueCheck = { type: ANY, nonEmpty: false, pattern: undefined, oneOf: undefined };
const TYPES: Readonly<Record<string, number>> = { string: STRING, number: NUMBER, boolean: BOOLEAN, object: OBJECT };
const DEF_KEYWORDS = new Set(['properties', 'additionalProperties', 'required', 'type', 'pattern', 'description']);

const REF_PREFIX = '#/definitions/';

function only(o: object, allowed: readonly string[]): boolean {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return false;
  return true;
}

/** type + pattern + enum/const of one schema node (a property, an item or a definition). */
function plainCheck(s: { [k: string]: unknown; enum?: unknown[] }): ValueCheck {
  let type = ANY;
  if (s.type !== undefined) {
    type = typeof s.type === 'string' && Object.hasOwn(TYPES, s.type) ? TYPES[s.type]! : NEVER;
  }
  if (s.pattern !== undefined && typeof s.pattern !== 'string') return NEVER_VALUE;
  const oneOf = s.enum !== undefined ? new Set(s.enum) : 'const' in s ? new Set([s.const]) : undefined;
  if (oneOf && [...oneOf].some((v) => typeof v === 'object' && v !== null)) return NEVER_VALUE; // compared deeply by ajv
  // ANY_TEXT with the u flag matches exactly the strings of one code unit or more
  if (s.pattern === ANY_TEXT) return { type, nonEmpty: true, pattern: undefined, oneOf };
  return { type, nonEmpty: false, pattern: typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined, oneOf };
}

/** What a `$ref` to `name` asks of the value itself (an object's own keys: objectCheck). */
function refCheck(name: string, defs: Record<string, JsonSchemaDef>, made: Map<string, ValueCheck>): ValueCheck {
  let check = made.get(name);
  if (!check) {
    const def = defs[name];
    check = !def || !only(def, [...DEF_KEYWORDS]) ? NEVER_VALUE : plainCheck(def);
    made.set(name, check);
  }
  return check;
}

function itemCheck(s: JsonSchemaProp | JsonSchemaProp['items'], defs: Record<string, JsonSchemaDef>, made: Map<string, ValueCheck>): ValueCheck {
  if (!s) return ANY_VALUE;
  if (s.$ref !== undefined) {
    if (!only(s, ['$ref']) || !s.$ref.startsWith(REF_PREFIX)) return NEVER_VALUE;
    return refCheck(s.$ref.slice(REF_PREFIX.length), defs, made);
  }
  if (!only(s, ['type', 'pattern', 'enum', 'const', 'description'])) return NEVER_VALUE;
  return plainCheck(s);
}

/** Checks made once per schema, shared by every plan. */
export class SchemaChecks {
  private readonly refs = new Map<string, ValueCheck>();

  constructor(private readonly defs: Record<string, JsonSchemaDef>) {}

  /** The property `prop` of definition `def` (an unknown one never passes). */
  prop(def: string, prop: string): PropCheck {
    const p = this.defs[def]?.properties?.[prop];
    if (!p) return { array: false, item: NEVER_VALUE };
    if (p.type === 'array') {
      if (!only(p, ['type', 'items', 'description'])) return { array: true, item: NEVER_VALUE };
      return { array: true, item: itemCheck(p.items, this.defs, this.refs) };
    }
    if (p.items !== undefined) return { array: false, item: NEVER_VALUE };
    return { array: false, item: itemCheck(p, this.defs, this.refs) };
  }

  object(def: string): ObjectCheck {
    const d = this.defs[def];
    if (!d || !only(d, [...DEF_KEYWORDS]) || (d.additionalProperties !== undefined && d.additionalProperties !== false)) {
      return { closed: true, required: [], never: true };
    }
    const required = Array.isArray(d.required) ? d.required.filter((r): r is string => typeof r === 'string') : [];
    return { closed: d.additionalProperties === false, required, never: false };
  }
}

/** The value passes `check` as ajv would judge it. */
export function valueHolds(value: unknown, check: ValueCheck): boolean {
  switch (check.type) {
    case STRING:
      if (typeof value !== 'string') return false;
      break;
    case NUMBER:
      if (typeof value !== 'number') return false;
      break;
    case BOOLEAN:
      if (typeof value !== 'boolean') return false;
      break;
    case OBJECT:
      if (!isObject(value)) return false;
      break;
    case NEVER:
      return false;
  }
  if (typeof value === 'string') {
    if (check.nonEmpty && value.length === 0) return false;
    if (check.pattern !== undefined && !check.pattern.test(value)) return false;
  }
  return check.oneOf === undefined || check.oneOf.has(value);
}
