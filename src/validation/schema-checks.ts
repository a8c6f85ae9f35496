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
  /** a test that says yes, without the regex, to strings the pattern surely matches (ACCEPTS; 0: none) */
  accept: number;
  /** enum or const: the value must be one of these */
  oneOf: Set<unknown> | undefined;
  /** the same values as a list when they are few (FEW_VALUES at most): compared one by one, faster than a Set's hash */
  few: unknown[] | undefined;
}

const FEW_VALUES = 8;

// Patterns asked about often whose usual strings a loop over their characters reads faster than
// the regex (which costs 30–100 ns a call, most of it the call): dates of every resource, codes
// and ids, all short. Each loop says yes only to strings its pattern surely matches; on a no, the
// regex answers, so a loop can cost time but never change an answer
// (test/validation/schema-patterns.test.ts holds each to its regex). Keyed by the pattern's text:
// another schema's pattern has no loop.
const PLAIN_CODE = 1;
const ID_CHARS = 2;
const DATE = 3;
const DATE_TIME = 4;
const INSTANT = 5;
const YEAR = String.raw`([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)`;
const TIME_ZONE = String.raw`T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))`;
const ACCEPTS: ReadonlyMap<string, number> = new Map([
  [String.raw`^[^\s]+(\s[^\s]+)*$`, PLAIN_CODE],
  [String.raw`^[A-Za-z0-9\-\.]{1,64}$`, ID_CHARS],
  [String.raw`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$`, DATE],
  [String.raw`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(${TIME_ZONE})?)?)?$`, DATE_TIME],
  [String.raw`^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])${TIME_ZONE}$`, INSTANT],
]);

/** The number of the two ASCII digits at `at`, or -1. */
function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (year 0001–9999, month 01–12, day 01–31) and, for DATE_TIME and INSTANT, a time with its zone. */
function dateAccepted(s: string, kind: number): boolean {
  const n = s.length;
  const century = twoDigits(s, 0);
  const year = twoDigits(s, 2);
  if (n < 4 || century < 0 || year < 0 || century + year === 0) return false;
  if (n === 4) return kind !== INSTANT;
  if (n < 7 || s.charCodeAt(4) !== 45 /* - */) return false;
  const month = twoDigits(s, 5);
  if (month < 1 || month > 12) return false;
  if (n === 7) return kind !== INSTANT;
  if (n < 10 || s.charCodeAt(7) !== 45) return false;
  const day = twoDigits(s, 8);
  if (day < 1 || day > 31) return false;
  if (n === 10) return kind !== INSTANT;
  // Thh:mm:ss[.fff](Z|+hh:mm|-hh:mm)
  if (kind === DATE || n < 20 || s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(13) !== 58 /* : */ || s.charCodeAt(16) !== 58) return false;
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46 /* . */) {
    const first = ++i;
    for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i));
    if (i === first) return false;
  }
  if (i === n - 1) return s.charCodeAt(i) === 90; /* Z */
  if (i !== n - 6) return false;
  const sign = s.charCodeAt(i);
  if ((sign !== 43 /* + */ && sign !== 45) || s.charCodeAt(i + 3) !== 58) return false;
  const zoneHours = twoDigits(s, i + 1);
  const zoneMinutes = twoDigits(s, i + 4);
  if (zoneHours < 0 || zoneMinutes < 0) return false;
  return (zoneHours <= 13 && zoneMinutes <= 59) || (zoneHours === 14 && zoneMinutes === 0);
}

/** Yes when `s` surely matches the pattern of `accept`; no says nothing (the regex then answers). */
function accepted(s: string, accept: number): boolean {
  const n = s.length;
  if (accept >= DATE) return dateAccepted(s, accept);
  if (n === 0 || n > 64) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (accept === PLAIN_CODE) {
      // visible ASCII: no ECMAScript white space, so `[^\s]+` matches it whole
      if (c < 33 || c > 126) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46)) {
      return false; // not [A-Za-z0-9\-\.]
    }
  }
  return true;
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

export const NEVER_VALUE: ValueCheck = { type: NEVER, nonEmpty: false, pattern: undefined, accept: 0, oneOf: undefined, few: undefined };
const ANY_VALUE: ValueCheck = { type: ANY, nonEmpty: false, pattern: undefined, accept: 0, oneOf: undefined, few: undefined };
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
  // JSON values, neither objects nor NaN: === is the Set's SameValueZero here (and ajv's equality)
  const few = oneOf && oneOf.size <= FEW_VALUES ? [...oneOf] : undefined;
  if (s.pattern === ANY_TEXT) return { type, nonEmpty: true, pattern: undefined, accept: 0, oneOf, few };
  if (typeof s.pattern !== 'string') return { type, nonEmpty: false, pattern: undefined, accept: 0, oneOf, few };
  return { type, nonEmpty: false, pattern: new RegExp(s.pattern, 'u'), accept: ACCEPTS.get(s.pattern) ?? 0, oneOf, few };
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

/** Whether every value passes `check` (no type, pattern, enum or const, not even non-empty). */
export function passesAll(check: ValueCheck): boolean {
  return check.type === ANY && !check.nonEmpty && check.pattern === undefined && check.oneOf === undefined;
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
    if (check.pattern !== undefined && (check.accept === 0 || !accepted(value, check.accept)) && !check.pattern.test(value)) return false;
  }
  const few = check.few;
  if (few !== undefined) {
    for (let i = 0; i < few.length; i++) if (few[i] === value) return true;
    return false;
  }
  return check.oneOf === undefined || check.oneOf.has(value);
}
