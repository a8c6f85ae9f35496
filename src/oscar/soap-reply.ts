// Reads one SOAP 1.1 answer of OSCAR (contract 4.1) into plain values by the rules its WSDL gives
// (soap-schema.ts): the wrapper `{ns}opResponse`'s `return`, typed — integers and numbers as
// numbers, booleans as booleans, dates and everything else as the wire text, repeated fields as
// arrays — or the fault it carries (contract 4.12).
//
// A reader of its own rather than a general XML library: answers are read on every cache miss,
// and building the typed values while scanning costs a fraction of parsing into a generic tree
// first (bench/results.md, "OSCAR client"). It is strict where that matters: an answer that is not
// well-formed (cut off, tags crossed, an undefined reference, a DTD) throws instead of yielding
// part of a record. Text comes back exactly as OSCAR escaped it — XML's five names and numeric
// references only, each decoded once — with XML whitespace trimmed at either end, as JAXB readers do.

import type { FieldRule, SoapSchema, TypeRules } from './soap-schema.js';

export interface SoapFaultParts {
  /** faultcode (SOAP 1.1) or Code/Value + Subcode/Value (SOAP 1.2-style servers). */
  code: string;
  text: string;
}

export type SoapReply =
  | { kind: 'fault'; fault: SoapFaultParts }
  | { kind: 'return'; value: unknown };

/** The answer is not well-formed XML. */
export class MalformedXmlError extends Error {
  override readonly name = 'MalformedXmlError';
}

type Tree = Record<string, unknown>;

const NO_RULES: TypeRules = new Map();
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

// One token at a time from the current position (sticky): text, a start or empty-element tag
// (attributes quoted), an end tag, CDATA, a comment, a processing instruction. Anything else
// (a DOCTYPE, a stray '<') matches nothing, which is an error.
const TOKEN = /([^<]+)|<([^\s/<>!?="']+)((?:\s+[^\s=/<>"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<\/([^\s<>]+)\s*>|<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/y;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));|&/g;
const XML_NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const LEADING_SPACE = /^[ \t\r\n]+/;
const TRAILING_SPACE = /[ \t\r\n]+$/;

/** Character and entity references, decoded in one pass (so `&amp;lt;` stays the literal `&lt;`). */
function decode(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (_whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return XML_NAMED[named]!;
    if (hex === undefined && dec === undefined) throw new MalformedXmlError('an undefined reference or a bare "&"');
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec!, 10);
    if (!(code === 0x9 || code === 0xa || code === 0xd || code >= 0x20 && code <= 0xd7ff || code >= 0xe000 && code <= 0xfffd || code >= 0x10000 && code <= 0x10ffff)) {
      throw new MalformedXmlError('a reference to a character XML cannot hold');
    }
    return String.fromCodePoint(code);
  });
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** Whether the attributes carry xsi:nil="true" (JAXB's explicit null; contract 4.1 says CXF omits nulls instead). */
function isNil(attributes: string): boolean {
  if (!attributes.includes('nil')) return false;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attributes); m; m = ATTRIBUTE.exec(attributes)) {
    if (localName(m[1]!) === 'nil') { const v = m[2] ?? m[3]; return v === 'true' || v === '1'; }
  }
  return false;
}

interface Frame {
  qname: string;
  name: string;
  /** How the parent's type reads this element (undefined: not in the WSDL). */
  rule: FieldRule | undefined;
  /** Rules for this element's children. */
  rules: TypeRules;
  children: Tree | undefined;
  text: string;
  /** Literal whitespace at the end of `text` (trimmed at the end; decoded references are kept). */
  trailing: number;
  nil: boolean;
}

/**
 * A copy of `s` that holds only its own characters. A substring of the answer can be a view into
 * the whole answer text, which would keep every answer a cached record came from alive: about
 * twice the memory the cache counts for it (measured: 5.4 KB against 2.6 KB of heap per cached
 * 40-field record).
 */
const own = (s: string): string => (s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8'));

function valueOf(f: Frame): unknown {
  // Built one field at a time, a record with many fields ends up a hash table in V8; a spread copy
  // is compact again (measured: the same 40-field records take half the heap).
  if (f.children) return { ...f.children };
  const text = own(f.trailing ? f.text.slice(0, f.text.length - f.trailing) : f.text);
  const rule = f.rule;
  if (rule === undefined) return text;
  if (rule.complex !== undefined) return text === '' ? null : text; // JAXB's empty object
  if (text === '') return rule.scalar === 'text' ? '' : null;
  switch (rule.scalar) {
    case 'integer': return parseInt(text, 10);
    case 'number': return Number(text);
    case 'boolean': return text.toLowerCase() === 'true' || text === '1';
    default: return text;
  }
}

function addChild(parent: Frame, f: Frame, value: unknown): void {
  const into = parent.children ??= {};
  const had = into[f.name];
  if (f.rule?.many) {
    if (Array.isArray(had)) had.push(value);
    else into[f.name] = [value];
  } else if (had === undefined) {
    into[f.name] = value;
  } else {
    into[f.name] = Array.isArray(had) ? [...had, value] : [had, value]; // repeated though the WSDL says once
  }
}

/**
 * The answer in `text`; undefined when it is well-formed XML but no SOAP envelope. Throws
 * MalformedXmlError when it is not well-formed.
 */
export function readSoapReply(text: string, schema: SoapSchema, operation: string): SoapReply | undefined {
  const root: Frame = { qname: '', name: '', rule: undefined, rules: NO_RULES, children: undefined, text: '', trailing: 0, nil: false };
  const stack: Frame[] = [root];
  let roots = 0;
  let pos = 0;
  TOKEN.lastIndex = 0;
  while (pos < text.length) {
    const m = TOKEN.exec(text);
    if (!m) throw new MalformedXmlError(`unexpected markup at offset ${pos}`);
    pos = TOKEN.lastIndex;
    const top = stack[stack.length - 1]!;
    const raw = m[1];
    if (raw !== undefined || m[6] !== undefined) {
      if (top === root) {
        if (raw === undefined || TRAILING_SPACE.exec(raw)?.[0].length !== raw.length) throw new MalformedXmlError('text outside the root element');
        continue;
      }
      if (top.children) continue; // whitespace between child elements
      if (raw === undefined) { top.text += m[6]; top.trailing = 0; continue; }
      const piece = decode(top.text === '' ? raw.replace(LEADING_SPACE, '') : raw);
      top.text += piece;
      const tail = TRAILING_SPACE.exec(raw);
      top.trailing = tail ? (tail[0].length === raw.length ? top.trailing + piece.length : tail[0].length) : 0;
      continue;
    }
    const open = m[2];
    if (open !== undefined) {
      if (top === root && roots++ > 0) throw new MalformedXmlError('more than one root element');
      const name = localName(open);
      const rule = top.rules.get(name);
      // The wrapper under Body takes the rules of its global element (`opResponse`).
      const wrapperType = top.name === 'Body' && stack.length === 3 ? schema.elements.get(name) : undefined;
      const rules = rule?.complex !== undefined ? schema.types.get(rule.complex) ?? NO_RULES : wrapperType !== undefined ? schema.types.get(wrapperType) ?? NO_RULES : NO_RULES;
      const f: Frame = { qname: open, name, rule, rules, children: undefined, text: '', trailing: 0, nil: m[3] !== '' && isNil(m[3]!) };
      if (m[4] === '/') { if (!f.nil) addChild(top, f, valueOf(f)); } else stack.push(f);
      continue;
    }
    const close = m[5];
    if (close !== undefined) {
      if (top === root || close !== top.qname) throw new MalformedXmlError(`end tag ${close} does not match`);
      stack.pop();
      const parent = stack[stack.length - 1]!;
      if (!top.nil) addChild(parent, top, valueOf(top));
    }
    // Comments and processing instructions carry nothing.
  }
  if (stack.length !== 1 || roots !== 1) throw new MalformedXmlError('the document ends inside an element');

  const envelope = root.children?.Envelope;
  const body = isTree(envelope) ? envelope.Body : undefined;
  if (!isTree(body)) return isTree(envelope) && 'Body' in envelope ? { kind: 'return', value: undefined } : undefined;
  const fault = body.Fault;
  if (isTree(fault)) return { kind: 'fault', fault: faultParts(fault) };
  const name = `${operation}Response`;
  const wrapper = name in body ? body[name] : Object.values(body)[0];
  // contract 4.1: an empty wrapper is OSCAR's null return.
  if (!isTree(wrapper)) return { kind: 'return', value: undefined };
  return { kind: 'return', value: wrapper.return ?? undefined };
}

const textOf = (v: unknown): string => (v === null || v === undefined || isTree(v) ? '' : String(v));

function faultParts(fault: Tree): SoapFaultParts {
  if (fault.faultcode !== undefined || fault.faultstring !== undefined) {
    return { code: textOf(fault.faultcode), text: textOf(fault.faultstring) };
  }
  const code = isTree(fault.Code) ? fault.Code : {};
  const sub = isTree(code.Subcode) ? code.Subcode : {};
  const reason = isTree(fault.Reason) ? fault.Reason : {};
  return { code: [textOf(code.Value), textOf(sub.Value)].filter(Boolean).join(' '), text: textOf(reason.Text) };
}
