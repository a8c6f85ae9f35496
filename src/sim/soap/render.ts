// The CXF/JAXB response writer (contract 4.1): no XML declaration, `soap` prefix, wrapper
// `<ns2:opResponse xmlns:ns2="http://ws.oscarehr.org/">`, unqualified `<return>` elements,
// transfer-object children in alphabetical order with nulls omitted, Woodstox text escaping.

import { formatJaxbDateTime } from '../wall-clock.js';
import { XSD_SIMPLE, parseRef } from './schema.js';
import type { OperationDef, SoapSchema, TypeRef, WireValue, XsInstant } from './schema.js';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * Woodstox escapes only `<` and `&` in text, plus `>` when it would close a `]]>` (contract 4.1),
 * and writes a carriage return as `&#13;` (its default "escape CR" output property).
 */
export function escapeText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<') out += '&lt;';
    else if (c === '&') out += '&amp;';
    else if (c === '>' && i > 0 && s[i - 1] === ']') out += '&gt;';
    else if (c === '\r') out += '&#13;';
    else out += c;
  }
  return out;
}

/** Woodstox refuses to write control characters that XML 1.0 cannot carry [U: message text]. */
export function invalidXmlChar(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 && code !== 0x9 && code !== 0xa && code !== 0xd) return code;
    if (code === 0xfffe || code === 0xffff) return code;
  }
  return undefined;
}

export class UnwritableCharError extends Error {
  constructor(code: number) {
    super(`Invalid white space character (0x${code.toString(16)}) in text to output (in xml 1.1, could output as a character entity)`);
  }
}

/** JAXB prints a Calendar/Date with its zone's offset at that instant, `Z` when the offset is 0. */
export function formatInstant(v: XsInstant, tz: string): string {
  if (v.literal !== undefined) return v.literal;
  const s = formatJaxbDateTime(v.epochMs, tz, v.gmt);
  return s.endsWith('+00:00') ? `${s.slice(0, -6)}Z` : s;
}

function isInstant(v: WireValue): v is XsInstant {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'instant';
}

/** Fields of a complex type in JAXB's default (alphabetical, Unicode code unit) order. */
const sortedFields = new WeakMap<SoapSchema, Map<string, (readonly [string, TypeRef])[]>>();
export function fieldsInWireOrder(schema: SoapSchema, typeName: string): readonly (readonly [string, TypeRef])[] {
  let bySchema = sortedFields.get(schema);
  if (!bySchema) { bySchema = new Map(); sortedFields.set(schema, bySchema); }
  let f = bySchema.get(typeName);
  if (!f) {
    const table = schema.complex[typeName];
    if (!table) throw new Error(`unknown complex type ${typeName}`);
    f = [...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    bySchema.set(typeName, f);
  }
  return f;
}

function textValue(base: string, v: WireValue, tz: string, schema: SoapSchema): string {
  if (base === 'dateTime') {
    if (!isInstant(v)) throw new Error('dateTime value must be an XsInstant');
    return formatInstant(v, tz);
  }
  if (base === 'base64Binary') {
    if (!Buffer.isBuffer(v)) throw new Error('base64Binary value must be a Buffer');
    return v.toString('base64');
  }
  if (base === 'int' || base === 'unsignedShort') {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${base} value must be an integer`);
    return String(v);
  }
  if (base === 'boolean') {
    if (typeof v !== 'boolean') throw new Error('boolean value must be a boolean');
    return v ? 'true' : 'false';
  }
  if (typeof v !== 'string') throw new Error(`${base} value must be a string`);
  const values = schema.enums[base];
  if (values && !values.includes(v)) throw new Error(`${v} is not a ${base}`);
  const bad = invalidXmlChar(v);
  if (bad !== undefined) throw new UnwritableCharError(bad);
  return escapeText(v);
}

/** One element `<name>…</name>` (or one per item for arrays); nothing for null (contract 4.1). */
export function renderElement(name: string, ref: TypeRef, v: WireValue, tz: string, schema: SoapSchema): string {
  if (v === null || v === undefined) return '';
  const { base, array } = parseRef(ref);
  if (array) {
    if (!Array.isArray(v)) throw new Error(`${name} must be an array`);
    return (v as readonly WireValue[]).map((item) => renderElement(name, base, item, tz, schema)).join('');
  }
  if (XSD_SIMPLE.has(base) || schema.enums[base]) return `<${name}>${textValue(base, v, tz, schema)}</${name}>`;
  if (typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v) || isInstant(v)) throw new Error(`${name} must be a ${base} object`);
  const obj = v as Readonly<Record<string, WireValue>>;
  let inner = '';
  for (const [field, fref] of fieldsInWireOrder(schema, base)) inner += renderElement(field, fref, obj[field], tz, schema);
  return `<${name}>${inner}</${name}>`;
}

export function envelope(bodyContent: string): string {
  return `<soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body>${bodyContent}</soap:Body></soap:Envelope>`;
}

/** The whole response document of an operation; a null return gives the empty wrapper (contract 4.1). */
export function renderResponse(op: OperationDef, value: WireValue, tz: string, schema: SoapSchema): string {
  const inner = op.returns === 'void' ? '' : renderElement('return', op.returns, value, tz, schema);
  const wrapper = `ns2:${op.name}Response`;
  const open = `<${wrapper} xmlns:ns2="${schema.ns}"`;
  return envelope(inner ? `${open}>${inner}</${wrapper}>` : `${open}/>`);
}
