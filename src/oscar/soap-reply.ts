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

import { isAscii } from 'node:buffer';
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

// Markup, one construct at a time from the current position: text runs and comments, CDATA and
// processing instructions are found with indexOf; start (or empty-element, attributes quoted) and
// end tags with sticky patterns. Anything else (a DOCTYPE, a stray '<') is an error. (One
// alternation over all of them cost three times as much per answer.)
const START_TAG = /<([^\s/<>!?="']+)((?:\s+[^\s=/<>"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const END_TAG = /<\/([^\s<>]+)\s*>/y;
const LT = 60;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const XML_NAMED: ReadonlyMap<string, string> = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);
const HEX_DIGITS = /^[0-9A-Fa-f]+$/;
const DECIMAL_DIGITS = /^[0-9]+$/;
const LEADING_SPACE = /^[ \t\r\n]+/;
const TRAILING_SPACE = /[ \t\r\n]+$/;

/**
 * Character and entity references, decoded in one pass (so `&amp;lt;` stays the literal `&lt;`):
 * XML's five names and numeric references; anything else after an `&` is not well-formed. Read
 * with indexOf rather than a replace pattern with a callback (a tenth of the time to read a page
 * of demographics, whose familyDoctor field holds escaped markup in every record).
 */
function decode(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0) throw new MalformedXmlError('an undefined reference or a bare "&"');
    out += raw.slice(from, amp) + referenced(raw, amp + 1, semi);
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

const HASH = 35;
const LOWER_X = 120;

/** What the reference `&` raw[from, semi) `;` stands for. */
function referenced(raw: string, from: number, semi: number): string {
  if (raw.charCodeAt(from) !== HASH) {
    const named = XML_NAMED.get(raw.slice(from, semi));
    if (named === undefined) throw new MalformedXmlError('an undefined reference or a bare "&"');
    return named;
  }
  const hex = raw.charCodeAt(from + 1) === LOWER_X;
  const digits = raw.slice(from + (hex ? 2 : 1), semi);
  if (!(hex ? HEX_DIGITS : DECIMAL_DIGITS).test(digits)) throw new MalformedXmlError('an undefined reference or a bare "&"');
  const code = parseInt(digits, hex ? 16 : 10);
  if (!(code === 0x9 || code === 0xa || code === 0xd || code >= 0x20 && code <= 0xd7ff || code >= 0xe000 && code <= 0xfffd || code >= 0x10000 && code <= 0x10ffff)) {
    throw new MalformedXmlError('a reference to a character XML cannot hold');
  }
  return String.fromCodePoint(code);
}

/** XML white space (space, tab, CR, LF); NaN, past either end of a string, is not. */
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

const unexpected = (pos: number): MalformedXmlError => new MalformedXmlError(`unexpected markup at offset ${pos}`);

/** ASCII letters, digits and `:_.-`: a tag name read without the pattern (anything else goes to START_TAG). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45;
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

/**
 * A type's fields in the WSDL's order, those whose element name is read as it is spelled, and how
 * a record of them is made: each field's value is kept in its slot while the record is read, and
 * `build` makes the record from the slots, its fields in this order, those without a value left out.
 */
interface Layout {
  readonly fields: readonly FieldRule[];
  /** Each field's name as bytes (plain names are ASCII), compared with the answer's bytes (`bytesAt`). */
  readonly codes: readonly Uint8Array[];
  readonly build: (slots: readonly unknown[]) => Tree;
}

const NO_LAYOUT: Layout = { fields: [], codes: [], build: () => ({}) };
const LAYOUTS = new WeakMap<TypeRules, Layout>();
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function layoutOf(rules: TypeRules): Layout {
  let layout = LAYOUTS.get(rules);
  if (!layout) {
    const fields = [...rules].filter(([key, rule]) => key === rule.name && key !== '__proto__' && PLAIN_NAME.test(key)).map(([, rule]) => rule);
    layout = { fields, codes: fields.map((f) => Buffer.from(f.name, 'latin1')), build: builderOf(fields) };
    LAYOUTS.set(rules, layout);
  }
  return layout;
}

/**
 * A function that makes a record of `fields` from its slots, written out field by field: V8 gives
 * an object built by stores to named properties a compact layout shared by every record of the
 * same fields, where one built by stores to computed names turns into a hash table past 16 fields
 * (and then had to be copied compact). A third of the time it took to make the records of a page.
 * The stores are those of a constructor (`this[name] = …`) whose prototype is Object.prototype, so
 * the record is a plain object as before: V8 sizes a constructed object for the stores it counts
 * in the constructor's body, where an object literal `{}` starts with room for four and grows its
 * store of further fields as they come (the read of the 50-result page 5-20 µs less,
 * bench/reply-cpu.ts; the same heap per record).
 * The names are plain XML names (PLAIN_NAME: letters, digits, `_.-`) and each is written as a JSON
 * string literal, so the WSDL's text can never be more than a property name here.
 */
function builderOf(fields: readonly FieldRule[]): (slots: readonly unknown[]) => Tree {
  const stores = fields.map((f, i) => `if (v[${i}] !== undefined) this[${JSON.stringify(f.name)}] = v[${i}];`);
  try {
    const MakeRecord = new Function('v', stores.join('\n')) as unknown as new (slots: readonly unknown[]) => Tree;
    MakeRecord.prototype = Object.prototype;
    return (v) => new MakeRecord(v);
  } catch {
    // A runtime that makes no code from strings (node --disallow-code-generation-from-strings): the
    // same record by computed names, copied compact.
    return (v) => {
      const o: Tree = {};
      for (let i = 0; i < fields.length; i++) if (v[i] !== undefined) o[fields[i]!.name] = v[i];
      return { ...o };
    };
  }
}

/**
 * Whether `text` holds `name` at `pos`: startsWith, compared a character at a time, which the
 * compiler inlines (a tag name is a few characters; the call was a quarter of the time to read a page).
 */
function spellsAt(text: string, pos: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) if (text.charCodeAt(pos + k) !== name.charCodeAt(k)) return false;
  return true;
}

/**
 * The field whose start tag `<name>` is at `pos`, when it is one of the fields the WSDL lists from
 * where the last one was found: JAXB writes a record's fields in the WSDL's order, leaving out
 * nulls, so this usually is the next one or a few further. The tag is then known without cutting
 * its name out of the answer and looking it up: an eighth of the time to read an answer. Anything
 * else (an attribute, `<name/>`, a prefix, an unexpected order) is read by the general path.
 * Returns the field's slot (its place in the layout), or -1.
 */
function expectedField(top: Frame, text: string, pos: number, source: Buffer | undefined): number {
  const { fields, codes } = top.layout;
  for (let i = top.next; i < fields.length; i++) {
    const rule = fields[i]!;
    const name = rule.name;
    if (text.charCodeAt(pos + 1 + name.length) === GT && (source ? bytesAt(source, pos + 1, codes[i]!) : spellsAt(text, pos + 1, name))) {
      top.next = rule.many ? i : i + 1;
      return i;
    }
  }
  return -1;
}

/**
 * Whether `source` holds the bytes `codes` at `pos`: spellsAt over the answer's bytes. A byte of a
 * Buffer is read without asking what kind of string holds it; a quarter of the time to read the
 * 50-result page's answer went to spellsAt, and reading it takes a seventh less this way
 * (bench/reply-cpu.ts, read 503 against 430 µs).
 */
function bytesAt(source: Buffer, pos: number, codes: Uint8Array): boolean {
  for (let k = 0; k < codes.length; k++) if (source[pos + k] !== codes[k]) return false;
  return true;
}

interface Frame {
  qname: string;
  name: string;
  /** How the parent's type reads this element (undefined: not in the WSDL). */
  rule: FieldRule | undefined;
  /** Rules for this element's children. */
  rules: TypeRules;
  /** The same rules in the WSDL's order, and where in it the next child is looked for (`expectedField`). */
  layout: Layout;
  next: number;
  /** This element's place in its parent's layout (-1: none). */
  slot: number;
  /** Children read so far: those of the layout by slot, any other by name. */
  slots: unknown[] | undefined;
  others: Tree | undefined;
  text: string;
  /** Literal whitespace at the end of `text` (trimmed at the end; decoded references are kept). */
  trailing: number;
  nil: boolean;
}

/** V8 copies a shorter substring rather than making a view (SlicedString::kMinLength). */
const OWN_LENGTH = 13;

/**
 * A copy of `s` that holds only its own characters. A substring of the answer can be a view into
 * the whole answer text, which would keep every answer a cached record came from alive: about
 * twice the memory the cache counts for it (measured: 5.4 KB against 2.6 KB of heap per cached
 * 40-field record).
 */
const own = (s: string): string => (s.length < OWN_LENGTH ? s : Buffer.from(s, 'utf8').toString('utf8'));

const HIGH_BYTE = /[\x80-\xff]/;

/**
 * Text read from an answer's bytes one per character (Latin-1, readSoapBytes) as the characters
 * its UTF-8 spells. Text runs and names are cut at markup, which is ASCII, so no UTF-8 sequence is
 * ever split; bytes that are not UTF-8 become U+FFFD, as decoding the whole answer would make them.
 */
const spelled = (s: string, bytes: boolean): string => (bytes && HIGH_BYTE.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s);

function valueOf(f: Frame): unknown {
  // Built one field at a time, a record with many fields ends up a hash table in V8; a spread copy
  // is compact again (measured: the same 40-field records take half the heap).
  if (f.slots && !f.others) return f.layout.build(f.slots);
  if (f.others) return { ...(f.slots ? f.layout.build(f.slots) : undefined), ...f.others };
  return typed(f.rule, own(f.trailing ? f.text.slice(0, f.text.length - f.trailing) : f.text));
}

/**
 * The value of a leaf element whose only content is the text between `from` and `to` (no markup),
 * as the frames would make it. Text fields are decoded from the answer's bytes (`source`) as
 * UTF-8 in one step, which gives the string `spelled` and `own` make, without a slice, a pattern
 * test and two copies; numbers and booleans are parsed from the text as `valueOf` does.
 * `references`: whether the text holds an `&` (else there is nothing to decode).
 */
function leafValue(
  text: string, from: number, to: number, rule: FieldRule | undefined, bytes: boolean, source: Buffer | undefined, references: boolean,
): unknown {
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  if (source && to - from >= OWN_LENGTH && (rule === undefined || rule.scalar === 'text')) {
    const s = utf8Of(source, from, to);
    return references ? decode(s) : s;
  }
  if (to - from < OWN_LENGTH) {
    // A short text is a copy anyway (no own() needed); only one with a byte past ASCII is decoded.
    const s = bytes && source && beyondAscii(text, from, to) ? utf8Of(source, from, to) : text.slice(from, to);
    return typed(rule, references ? decode(s) : s);
  }
  return typed(rule, own(decode(spelled(text.slice(from, to), bytes))));
}

/** Whether text[from, to) holds a character past ASCII (what `spelled`'s pattern asks, without a call). */
function beyondAscii(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 127) return true;
  return false;
}

/** Buffer's own decoder of a range, which Buffer#toString calls after handling its arguments. */
interface Utf8Slicing { utf8Slice(start: number, end: number): string }

/**
 * Whether this Node's Buffers have it (every Node this runs on: it is how toString decodes UTF-8,
 * but not documented). Called directly, a field's string costs a quarter less (76 against 102 ns
 * each over the 50-result page's 459 long fields).
 */
const DIRECT_UTF8 = typeof (Buffer.prototype as Partial<Utf8Slicing>).utf8Slice === 'function';
const utf8Of = (b: Buffer, from: number, to: number): string => (DIRECT_UTF8 ? (b as unknown as Utf8Slicing).utf8Slice(from, to) : b.toString('utf8', from, to));

/** `text` read by `rule`. */
function typed(rule: FieldRule | undefined, text: string): unknown {
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

/** Adds a child's value to what `parent` holds: in slot `slot` of its layout, or by `name` when -1. */
function addChild(parent: Frame, slot: number, name: string, rule: FieldRule | undefined, value: unknown): void {
  if (slot >= 0) {
    const slots = parent.slots ??= new Array<unknown>(parent.layout.fields.length);
    slots[slot] = withValue(slots[slot], rule, value);
  } else if (name !== '__proto__') { // never a field: it would set the record's prototype
    // Without a prototype, so that a field named like one of Object.prototype's starts out absent.
    const others = parent.others ??= Object.create(null) as Tree;
    others[name] = withValue(others[name], rule, value);
  }
}

/** What a field holds (`had`, undefined at first) with `value` read once more. */
function withValue(had: unknown, rule: FieldRule | undefined, value: unknown): unknown {
  if (rule?.many) {
    if (!Array.isArray(had)) return [value];
    had.push(value);
    return had;
  }
  if (had === undefined) return value;
  return Array.isArray(had) ? [...had, value] : [had, value]; // repeated though the WSDL says once
}

/**
 * The answer in `text`; undefined when it is well-formed XML but no SOAP envelope. Throws
 * MalformedXmlError when it is not well-formed.
 */
export function readSoapReply(text: string, schema: SoapSchema, operation: string): SoapReply | undefined {
  return read(text, schema, operation, false, undefined);
}

/**
 * readSoapReply for the answer's bytes (UTF-8). Decoding a whole answer that holds one character
 * beyond Latin-1 (a name in Vietnamese, a typographic quote) is slow in V8 — measured 0.76 ms
 * for a 70 KB page of 50 patients, against 9 µs for the same bytes with Latin-1 names only — so
 * the markup is scanned over the bytes as Latin-1 text and only the text it holds is decoded.
 * An answer longer than `wholeLength` is scanned a piece of about half that at a time
 * (WHOLE_LENGTH says why); tests pass a small `wholeLength` to read answers in many pieces.
 */
export function readSoapBytes(body: Buffer, schema: SoapSchema, operation: string, wholeLength = WHOLE_LENGTH): SoapReply | undefined {
  const bytes = !isAscii(body);
  if (body.length <= wholeLength || hasMarkupDeclarations(body)) return read(body.toString('latin1'), schema, operation, bytes, body);
  const pieceLength = Math.floor(wholeLength / 2);
  const reading = startReading();
  for (let start = 0; start < body.length;) {
    const end = pieceEnd(body, start, pieceLength);
    readPiece(reading, body.toString('latin1', start, end), start, schema, bytes, body.subarray(start, end));
    start = end;
  }
  return ending(reading, operation);
}

/**
 * How long an answer may be to be read as one string; a longer one is read in pieces of about half
 * that. V8 places an object larger than kMaxRegularHeapObjectSize (128 KiB; for a Latin-1 string,
 * 16 bytes of header and its characters) in its large-object space, where each one gets pages of
 * its own, freshly mapped: measured on the 2-core bench host, making the string of 131,060 bytes
 * or more cost ~540 µs (page faults) against 7-9 µs up to 131,056, while the same bytes as 64 KiB
 * pieces cost 7-18 µs whatever the total. A family name many patients share gives a 168 KB answer,
 * an appointment range 151 KB (bench/results.md, "SOAP answers in pieces"). Below the boundary,
 * with room to spare, answers are read whole as before: the 50-result page's 71 KB answer too.
 */
const WHOLE_LENGTH = 120 * 1024;

const BANG_BYTE = 33;
const QUESTION_BYTE = 63;

/**
 * Whether the answer holds `<!` or `<?` (a CDATA section, a comment, a processing instruction, a
 * declaration or a DTD): inside those a '<' need not start markup, so such an answer is read
 * whole. Found as the rare byte and the '<' before it: Buffer#indexOf of the two-byte string
 * scanned every '<' (measured 87 µs for a 169 KB answer, against 3 µs). OSCAR writes none of them
 * (docs/oscar-contract.md: no XML declaration).
 */
function hasMarkupDeclarations(body: Buffer): boolean {
  for (const c of [BANG_BYTE, QUESTION_BYTE]) {
    for (let i = body.indexOf(c, 1); i >= 0; i = body.indexOf(c, i + 1)) if (body[i - 1] === LT) return true;
  }
  return false;
}

/**
 * Where the piece of the answer that starts at `start` ends: just before a '<' that follows a '>'
 * (between two tags), the last such place at most `length` bytes on, else the first one after that;
 * the end of the answer when no more than `length` bytes are left or there is no such place. In
 * well-formed XML without `<!` and `<?` (hasMarkupDeclarations) a '<' only ever starts a tag, so
 * every tag and every text run lies whole in one piece; the only element split is an empty one,
 * `<a></a>`, between its tags, which the reader gives the same value either way.
 */
function pieceEnd(body: Buffer, start: number, length: number): number {
  if (body.length - start <= length) return body.length;
  const before = body.lastIndexOf('><', start + length - 1);
  if (before >= start) return before + 1;
  const after = body.indexOf('><', start + length);
  return after < 0 ? body.length : after + 1;
}

/** `bytes`: `text` holds UTF-8 bytes, one per character (see `spelled`); `source`: the answer's bytes. */
function read(text: string, schema: SoapSchema, operation: string, bytes: boolean, source: Buffer | undefined): SoapReply | undefined {
  const reading = startReading();
  readPiece(reading, text, 0, schema, bytes, source);
  return ending(reading, operation);
}

/** What is read of an answer so far: the elements open (the root frame first) and how many root elements there were. */
interface Reading {
  readonly stack: Frame[];
  roots: number;
}

function startReading(): Reading {
  const root: Frame = {
    qname: '', name: '', rule: undefined, rules: NO_RULES, layout: NO_LAYOUT, next: 0, slot: -1, slots: undefined, others: undefined, text: '', trailing: 0, nil: false,
  };
  return { stack: [root], roots: 0 };
}

/**
 * Reads `text`, the answer from offset `base` on (all of it, or one piece: pieceEnd), into
 * `reading`. A piece may end after the start tag of an empty element: the element is then read by
 * its frame, which gives the value the direct read of a field gives. `source`: the same part of
 * the answer's bytes, so that the offsets in `text` are offsets in it too.
 */
function readPiece(reading: Reading, text: string, base: number, schema: SoapSchema, bytes: boolean, source: Buffer | undefined): void {
  const stack = reading.stack;
  const root = stack[0]!;
  let roots = reading.roots;
  let pos = 0;
  // Where the next '&' is, at or after a field's text (-1: none left): found once per reference,
  // not looked for in every field.
  let amp = text.indexOf('&');
  while (pos < text.length) {
    const top = stack[stack.length - 1]!;
    let raw: string | undefined;
    let cdata: string | undefined;
    if (text.charCodeAt(pos) !== LT) {
      const lt = text.indexOf('<', pos);
      const end = lt < 0 ? text.length : lt;
      raw = text.slice(pos, end);
      pos = end;
    } else {
      const next = text.charCodeAt(pos + 1);
      if (next === SLASH) {
        const q = top.qname;
        if (q !== '' && text.charCodeAt(pos + 2 + q.length) === GT && spellsAt(text, pos + 2, q)) {
          pos += 3 + q.length; // `</name>`, the usual spelling
        } else {
          END_TAG.lastIndex = pos;
          const tag = END_TAG.exec(text)?.[1];
          if (tag === undefined) throw unexpected(base + pos);
          const close = spelled(tag, bytes);
          pos = END_TAG.lastIndex;
          if (top === root || close !== q) throw new MalformedXmlError(`end tag ${close} does not match`);
        }
        stack.pop();
        const parent = stack[stack.length - 1]!;
        if (!top.nil) addChild(parent, top.slot, top.name, top.rule, valueOf(top));
        continue;
      }
      if (next === BANG || next === QUESTION) {
        if (text.startsWith('<![CDATA[', pos)) {
          const end = text.indexOf(']]>', pos + 9);
          if (end < 0) throw unexpected(base + pos);
          cdata = spelled(text.slice(pos + 9, end), bytes);
          pos = end + 3;
        } else {
          // Comments and processing instructions carry nothing.
          const [open, close] = next === QUESTION ? ['<?', '?>'] : ['<!--', '-->'];
          const end = text.startsWith(open, pos) ? text.indexOf(close, pos + open.length) : -1;
          if (end < 0) throw unexpected(base + pos);
          pos = end + close.length;
          continue;
        }
      } else {
        // `<name>` and `<name/>` read directly; a tag with attributes or white space by START_TAG.
        let open: string;
        let attributes = '';
        let empty = false;
        let rule: FieldRule | undefined;
        let slot = expectedField(top, text, pos, source);
        const expected = slot >= 0;
        if (expected) {
          rule = top.layout.fields[slot]!;
          open = rule.name;
          pos += 2 + open.length;
        } else {
          let end = pos + 1;
          while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
          const c = text.charCodeAt(end);
          if (end > pos + 1 && (c === GT || (c === SLASH && text.charCodeAt(end + 1) === GT))) {
            open = text.slice(pos + 1, end);
            empty = c === SLASH;
            pos = end + (empty ? 2 : 1);
          } else {
            START_TAG.lastIndex = pos;
            const m = START_TAG.exec(text);
            if (!m) throw unexpected(base + pos);
            pos = START_TAG.lastIndex;
            open = spelled(m[1]!, bytes);
            attributes = m[2]!;
            empty = m[3] === '/';
          }
        }
        if (top === root && roots++ > 0) throw new MalformedXmlError('more than one root element');
        const name = expected ? open : localName(open);
        if (!expected) {
          rule = top.rules.get(name);
          slot = rule ? top.layout.fields.indexOf(rule) : -1;
          if (slot >= 0) top.next = rule!.many ? slot : slot + 1; // fields out of the WSDL's order: look on from here
        }
        if (!empty && attributes === '' && rule?.complex === undefined && top !== root) {
          // A field of a record, `<name>text</name>`: most of an answer, read without a frame (and
          // without looking up rules for children it does not have).
          const lt = text.indexOf('<', pos);
          if (lt >= 0 && text.charCodeAt(lt + 1) === SLASH && text.charCodeAt(lt + 2 + open.length) === GT
            && (expected && source ? bytesAt(source, lt + 2, top.layout.codes[slot]!) : spellsAt(text, lt + 2, open))) {
            if (amp >= 0 && amp < pos) amp = text.indexOf('&', pos);
            addChild(top, slot, rule?.name ?? name, rule, leafValue(text, pos, lt, rule, bytes, source, amp >= 0 && amp < lt));
            pos = lt + 3 + open.length;
            continue;
          }
        }
        // The wrapper under Body takes the rules of its global element (`opResponse`).
        const wrapperType = top.name === 'Body' && stack.length === 3 ? schema.elements.get(name) : undefined;
        const rules = rule?.complex !== undefined ? schema.types.get(rule.complex) ?? NO_RULES : wrapperType !== undefined ? schema.types.get(wrapperType) ?? NO_RULES : NO_RULES;
        const f: Frame = {
          qname: open, name: rule?.name ?? name, rule, rules, layout: rules === NO_RULES ? NO_LAYOUT : layoutOf(rules), next: 0,
          slot, slots: undefined, others: undefined, text: '', trailing: 0, nil: attributes !== '' && isNil(attributes),
        };
        if (empty) { if (!f.nil) addChild(top, slot, f.name, f.rule, valueOf(f)); } else stack.push(f);
        continue;
      }
    }
    // Character data: a text run or a CDATA section.
    if (top === root) {
      if (raw === undefined || TRAILING_SPACE.exec(raw)?.[0].length !== raw.length) throw new MalformedXmlError('text outside the root element');
      continue;
    }
    if (top.slots || top.others) continue; // whitespace between child elements
    if (raw === undefined) { top.text += cdata; top.trailing = 0; continue; }
    // The patterns run only on a run that starts or ends with white space: most runs do neither,
    // and two pattern calls per field were a fifth of the time to read an answer.
    const piece = decode(spelled(top.text === '' && isSpace(raw.charCodeAt(0)) ? raw.replace(LEADING_SPACE, '') : raw, bytes));
    top.text += piece;
    const tail = isSpace(raw.charCodeAt(raw.length - 1)) ? TRAILING_SPACE.exec(raw) : null;
    top.trailing = tail ? (tail[0].length === raw.length ? top.trailing + piece.length : tail[0].length) : 0;
  }
  reading.roots = roots;
}

/** The answer `reading` has read whole. */
function ending(reading: Reading, operation: string): SoapReply | undefined {
  const { stack, roots } = reading;
  if (stack.length !== 1 || roots !== 1) throw new MalformedXmlError('the document ends inside an element');

  const envelope = stack[0]!.others?.Envelope;
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
