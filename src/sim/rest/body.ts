// Reading JSON request entities the way OSCAR's Jackson provider does (contract 1.3 "Input"):
// FAIL_ON_UNKNOWN_PROPERTIES, scalar coercions, dates as epoch ms or ISO-8601 strings parsed in UTC.
// Anything Jackson cannot bind makes CXF answer 400.

import { utcMs } from '../wall-clock.js';

export type FieldType =
  | 'String' | 'Integer' | 'int' | 'Long' | 'Boolean' | 'boolean' | 'Date' | 'char' | 'bytes' | 'any'
  | { readonly object: Schema }
  | { readonly list: FieldType }
  | { readonly enumOf: readonly string[] };
export type Schema = Readonly<Record<string, FieldType>>;

/** The entity could not be read (→ HTTP 400). */
export class BodyUnreadable extends Error {}

export type JsonEntity = Record<string, unknown>;

const RFC_RE = /^([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} )(\d{4})( .*)$/;
const YEARS_2000_MS = 5 * 146_097 * 86_400_000;
const ISO_RE = /^([+-]?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Jackson's StdDateFormat: digits = epoch ms; ISO-8601 date or date-time, UTC unless an offset is
 * given. contract 7.25: so a date-only "2020-08-08" is UTC midnight, a day early in Toronto.
 */
export function parseJacksonDate(s: string): number {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = ISO_RE.exec(t);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '0', zone] = m;
    let ms = utcMs(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number(frac.slice(0, 3).padEnd(3, '0')));
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const off = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
      ms -= sign * off * 60_000;
    }
    if (Number.isNaN(ms)) throw new BodyUnreadable(`Cannot parse date "${s}"`);
    return ms;
  }
  // RFC 1123 form. Date.parse reads its year 0-49 as 2000-2049 and 50-99 as 1950-1999, so it parses
  // the year 2000 years on (five 400-year Gregorian cycles: same weekdays) and comes back.
  const rfc = RFC_RE.exec(t);
  if (rfc) {
    const shifted = Date.parse(`${rfc[1]}${Number(rfc[2]) + 2000}${rfc[3]}`);
    if (!Number.isNaN(shifted)) return shifted - YEARS_2000_MS;
  }
  throw new BodyUnreadable(`Cannot parse date "${s}"`);
}

const fail = (path: string, why: string): never => { throw new BodyUnreadable(`${path}: ${why}`); };

function toInteger(v: unknown, path: string, bits32: boolean): number | null {
  let n: number;
  if (typeof v === 'number') n = Math.trunc(v);
  else if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    if (!/^[+-]?\d+$/.test(t)) return fail(path, 'not an integer');
    n = Number(t);
  } else return fail(path, 'not an integer');
  if (bits32 && (n > 2147483647 || n < -2147483648)) return fail(path, 'out of range');
  return n;
}

function convert(type: FieldType, v: unknown, path: string): unknown {
  if (typeof type === 'object') {
    if (v === null) return null;
    if ('object' in type) {
      if (typeof v !== 'object' || Array.isArray(v)) return fail(path, 'expected an object');
      return bind(type.object, v as Record<string, unknown>, path);
    }
    if ('list' in type) {
      if (!Array.isArray(v)) return fail(path, 'expected an array');
      return v.map((item, i) => convert(type.list, item, `${path}[${i}]`));
    }
    if (typeof v !== 'string' || !type.enumOf.includes(v)) return fail(path, 'not an enum constant');
    return v;
  }
  switch (type) {
    case 'any': return v;
    case 'String':
      if (v === null) return null;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return fail(path, 'expected a string');
    case 'Integer': case 'int': case 'Long': {
      if (v === null) return type === 'int' ? 0 : null;
      const n = toInteger(v, path, type !== 'Long');
      return n === null && type === 'int' ? 0 : n;
    }
    case 'Boolean': case 'boolean':
      if (v === null) return type === 'boolean' ? false : null;
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
      if (typeof v === 'number' && Number.isInteger(v)) return v !== 0;
      return fail(path, 'expected a boolean');
    case 'Date':
      if (v === null) return null;
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string') return v.trim() === '' ? null : parseJacksonDate(v);
      return fail(path, 'expected a date');
    case 'char':
      if (v === null) return null;
      if (typeof v === 'string' && v.length <= 1) return v === '' ? null : v;
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return String.fromCharCode(v);
      return fail(path, 'expected a single character');
    case 'bytes':
      if (v === null) return null;
      if (typeof v !== 'string') return fail(path, 'expected base64 text');
      if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(v)) return fail(path, 'illegal base64 character');
      return Buffer.from(v, 'base64');
  }
}

function bind(schema: Schema, obj: Record<string, unknown>, path: string): JsonEntity {
  const out: JsonEntity = {};
  for (const [k, v] of Object.entries(obj)) {
    const type = schema[k];
    if (type === undefined) fail(`${path}.${k}`, 'Unrecognized field'); // FAIL_ON_UNKNOWN_PROPERTIES
    out[k] = convert(type as FieldType, v, `${path}.${k}`);
  }
  return out;
}

function parseJson(buf: Buffer): unknown {
  try { return JSON.parse(buf.toString('utf8')); } catch { throw new BodyUnreadable('Malformed JSON'); }
}

/** A bean entity: an empty body reads as null (Jackson's ALLOW_EMPTY_INPUT). */
export function readBean(buf: Buffer, schema: Schema): JsonEntity | null {
  if (buf.toString('utf8').trim() === '') return null;
  const v = parseJson(buf);
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BodyUnreadable('Cannot deserialize bean from non-object');
  return bind(schema, v as Record<string, unknown>, '$');
}

/** A free-form JSON object entity (ObjectNode / json-lib JSONObject). */
export function readObjectNode(buf: Buffer): Record<string, unknown> | null {
  if (buf.toString('utf8').trim() === '') return null;
  const v = parseJson(buf);
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BodyUnreadable('Expected a JSON object');
  return v as Record<string, unknown>;
}
