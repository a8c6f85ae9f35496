// Request reading the way CXF + JAXB RI do it: the envelope must be SOAP 1.1, the body's first
// element selects the operation, and the wrapper's children are bound by the operation table —
// unqualified elements only, unknown elements rejected ("Unmarshalling Error"), lenient JAXB
// number/boolean parsing, and xs:dateTime values without an offset read in the server's zone.

import { epochOfWallMs, isCalendarDate } from '../wall-clock.js';
import { clientFault, SoapFault, unmarshallingFault } from './faults.js';
import { fieldsInWireOrder, SOAP_ENV_NS } from './render.js';
import { parseRef, XSD_SIMPLE } from './schema.js';
import type { OperationDef, SoapSchema, TypeRef } from './schema.js';
import { attrOf, elementsOf, parseXml, textOf, XmlSyntaxError } from './xml.js';
import type { XmlElement } from './xml.js';

const SOAP12_ENV_NS = 'http://www.w3.org/2003/05/soap-envelope';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export interface Envelope {
  /** Children of soap:Header (empty when there is no header). */
  headers: XmlElement[];
  /** The operation wrapper: first element child of soap:Body, if any. */
  body: XmlElement | undefined;
}

/** Parses the HTTP body as a SOAP 1.1 envelope or throws the fault CXF would send. */
export function parseEnvelope(text: string): Envelope {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw clientFault(`Error reading XMLStreamReader: ${e.message}`);
    throw e;
  }
  if (root.local === 'Envelope' && root.ns === SOAP12_ENV_NS) {
    throw new SoapFault('<faultcode>soap:VersionMismatch</faultcode>', 'A SOAP 1.2 message is not valid when sent to a SOAP 1.1 only endpoint.');
  }
  if (root.local !== 'Envelope' || root.ns !== SOAP_ENV_NS) {
    throw new SoapFault('<faultcode>soap:VersionMismatch</faultcode>', `Invalid SOAP version. Received {${root.ns}}${root.local}`);
  }
  const parts = elementsOf(root);
  const header = parts.find((e) => e.ns === SOAP_ENV_NS && e.local === 'Header');
  const bodyEl = parts.find((e) => e.ns === SOAP_ENV_NS && e.local === 'Body');
  return { headers: header ? elementsOf(header) : [], body: bodyEl ? elementsOf(bodyEl)[0] : undefined };
}

/** A Calendar parameter: the instant, plus its own fields (a Calendar keeps the sender's offset). */
export interface ParsedCalendar { epochMs: number; year: number; month: number; day: number }

type ArgValue = string | number | boolean | Buffer | ParsedCalendar | ArgObject | ArgValue[] | null;
export interface ArgObject { [field: string]: ArgValue }

/** JAXB RI `_parseInt`: skips white space, any '-' negates, other characters fail; '' is 0. */
function parseJaxbInt(text: string): number {
  let r = 0;
  let sign = 1;
  for (const ch of text) {
    if (/\s/.test(ch)) continue;
    if (ch >= '0' && ch <= '9') r = (r * 10 + (ch.charCodeAt(0) - 48)) | 0; // Java int arithmetic wraps
    else if (ch === '-') sign = -1;
    else if (ch !== '+') throw unmarshallingFault(`Not a number: ${text}`);
  }
  return (r * sign) | 0;
}

/** JAXB RI `_parseBoolean` is lenient: "true"/"1" are true, anything else is false. */
const parseJaxbBoolean = (text: string): boolean => ['true', '1'].includes(text.trim());

const CAL_RE = /^(-?\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/;

function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

/**
 * JAXB reads Calendar/Date through XMLGregorianCalendar, which also accepts a bare xs:date; a
 * value without an offset is taken in the JVM's zone (contract 4.1).
 */
export function parseCalendar(text: string, tz: string): ParsedCalendar {
  const bad = (): SoapFault => unmarshallingFault(`"${text.trim()}" is not a valid representation of an XML Gregorian Calendar value.`);
  const m = CAL_RE.exec(text.trim());
  if (!m) throw bad();
  const [, ys = '', mos = '', ds = '', hs = '0', mis = '0', ss = '0', frac = '', zone] = m;
  const [y, mo, d, h, mi, s] = [ys, mos, ds, hs, mis, ss].map(Number) as [number, number, number, number, number, number];
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) throw bad();
  const ms = Number(frac.slice(0, 3).padEnd(3, '0')); // fraction truncated to milliseconds
  let epochMs: number;
  if (zone) {
    const off = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    epochMs = utcMs(y, mo, d, h, mi, s, ms) - off * 60_000;
  } else {
    epochMs = epochOfWallMs(utcMs(y, mo, d, h, mi, s, ms), tz);
  }
  return { epochMs, year: y, month: mo, day: d };
}

function isNil(el: XmlElement): boolean {
  const v = attrOf(el, XSI_NS, 'nil');
  return v !== undefined && ['true', '1'].includes(v.trim());
}

function unexpected(el: XmlElement, expected: readonly string[]): SoapFault {
  const list = expected.length ? expected.map((n) => `<{}${n}>`).join(',') : '(none)';
  return unmarshallingFault(`unexpected element (uri:"${el.ns}", local:"${el.local}"). Expected elements are ${list}`);
}

function bindValue(el: XmlElement, base: string, tz: string, schema: SoapSchema): ArgValue {
  if (isNil(el)) return null;
  const text = textOf(el);
  if (base === 'int' || base === 'unsignedShort') return parseJaxbInt(text);
  if (base === 'boolean') return parseJaxbBoolean(text);
  if (base === 'string') return text;
  if (base === 'dateTime') return parseCalendar(text, tz);
  if (base === 'base64Binary') return Buffer.from(text.replace(/\s+/g, ''), 'base64');
  const values = schema.enums[base];
  if (values) return values.includes(text.trim()) ? text.trim() : null; // JAXB RI: an unknown enum constant binds as null, no fault
  return bindObject(el, fieldsInWireOrder(schema, base), tz, schema);
}

/** Binds children against [name, type] pairs; repeated scalars keep the last value, as JAXB does. */
function bindObject(el: XmlElement, fields: readonly (readonly [string, TypeRef])[], tz: string, schema: SoapSchema): ArgObject {
  const out: ArgObject = {};
  const names = fields.map(([n]) => n);
  for (const child of elementsOf(el)) {
    const field = child.ns === '' ? fields.find(([n]) => n === child.local) : undefined;
    if (!field) throw unexpected(child, names);
    const { base, array } = parseRef(field[1]);
    const v = bindValue(child, base, tz, schema);
    if (array) {
      const list = out[field[0]];
      if (Array.isArray(list)) list.push(v);
      else out[field[0]] = [v];
    } else {
      out[field[0]] = v;
    }
  }
  return out;
}

/** Typed access to the bound parameters of one call, with Java's defaults for absent values. */
export class Args {
  constructor(private readonly values: ArgObject) {}

  private get(name: string): ArgValue | undefined { return this.values[name]; }

  /** Integer (null when absent or nil). */
  int(name: string): number | null { const v = this.get(name); return typeof v === 'number' ? v : null; }
  /** Java int: absent → 0. */
  intP(name: string): number { return this.int(name) ?? 0; }
  /** Java boolean: absent → false. */
  bool(name: string): boolean { return this.get(name) === true; }
  /** Boolean wrapper: absent → null. */
  boolOrNull(name: string): boolean | null { const v = this.get(name); return typeof v === 'boolean' ? v : null; }
  str(name: string): string | null { const v = this.get(name); return typeof v === 'string' ? v : null; }
  cal(name: string): ParsedCalendar | null {
    const v = this.get(name);
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && typeof v.epochMs === 'number' ? (v as ParsedCalendar) : null;
  }
  /** Repeated Integer elements (absent → empty array). */
  ints(name: string): (number | null)[] {
    const v = this.get(name);
    return Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? x : null)) : [];
  }
  obj(name: string): ArgObject | null {
    const v = this.get(name);
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && !('epochMs' in v) ? (v as ArgObject) : null;
  }
}

/** Binds the operation wrapper's children to the operation's parameters. */
export function bindArgs(op: OperationDef, wrapper: XmlElement, tz: string, schema: SoapSchema): Args {
  for (const [, ref] of op.params) {
    const { base } = parseRef(ref);
    if (!XSD_SIMPLE.has(base) && !schema.enums[base]) fieldsInWireOrder(schema, base); // fail fast on a table typo
  }
  return new Args(bindObject(wrapper, op.params, tz, schema));
}

/** Field accessors for a bound transfer object (e.g. the AppointmentTransfer of addAppointment). */
export const field = {
  str: (o: ArgObject, k: string): string | null => { const v = o[k]; return typeof v === 'string' ? v : null; },
  int: (o: ArgObject, k: string): number | null => { const v = o[k]; return typeof v === 'number' ? v : null; },
  cal: (o: ArgObject, k: string): ParsedCalendar | null => {
    const v = o[k];
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && typeof v.epochMs === 'number' ? (v as ParsedCalendar) : null;
  },
};
