// A small namespace-aware XML parser for SOAP requests. CXF reads requests with Woodstox and
// resolves every prefix, so the simulator must too: the same envelope may use `soapenv:`, `S:` or
// a default namespace, and WS-Security rules depend on whether an attribute is qualified (4.2).
// fast-xml-parser does not resolve namespaces, hence this parser (elements, attributes, text,
// CDATA, comments, PIs, the five predefined entities and character references; no DTDs).

export interface XmlAttr { prefix: string; local: string; ns: string; value: string }

export interface XmlElement {
  prefix: string;
  local: string;
  /** Resolved namespace URI ('' = no namespace). */
  ns: string;
  attrs: XmlAttr[];
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** Not well-formed input; the message imitates Woodstox ("… at [row,col]: [r,c]"). */
export class XmlSyntaxError extends Error {}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface RawElement { qname: string; rawAttrs: [string, string][]; children: (RawElement | string)[] }

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    const before = this.s.slice(0, this.pos);
    const row = before.split('\n').length;
    const col = this.pos - before.lastIndexOf('\n');
    throw new XmlSyntaxError(`${msg}\n at [row,col {unknown-source}]: [${row},${col}]`);
  }

  startsWith(t: string): boolean { return this.s.startsWith(t, this.pos); }
  eof(): boolean { return this.pos >= this.s.length; }

  skipSpace(): void { while (!this.eof() && /\s/.test(this.s[this.pos] ?? '')) this.pos++; }

  name(): string {
    const start = this.pos;
    if (!NAME_START.test(this.s[this.pos] ?? '')) this.fail(`Unexpected character '${this.s[this.pos] ?? 'EOF'}' (expected a name start character)`);
    while (!this.eof() && NAME_CHAR.test(this.s[this.pos] ?? '')) this.pos++;
    return this.s.slice(start, this.pos);
  }

  until(end: string, what: string): string {
    const i = this.s.indexOf(end, this.pos);
    if (i < 0) this.fail(`Unexpected EOF in ${what}`);
    const out = this.s.slice(this.pos, i);
    this.pos = i + end.length;
    return out;
  }

  /** Text with entity and character references replaced. */
  decode(raw: string): string {
    return raw.replace(/&([^;&<]*);?/g, (m, ref: string) => {
      if (!m.endsWith(';')) this.fail(`Unexpected character in entity reference '${m}'`);
      const pre = PREDEFINED[ref];
      if (pre !== undefined) return pre;
      const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
      if (num) {
        const cp = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2] ?? '', 10);
        if (cp === 0 || cp > 0x10ffff) this.fail(`Illegal character entity: expansion character (code 0x${cp.toString(16)})`);
        return String.fromCodePoint(cp);
      }
      return this.fail(`Undeclared general entity "${ref}"`);
    });
  }
}

function parseRaw(sc: Scanner): RawElement {
  // Prolog: optional BOM, XML declaration, comments, PIs, whitespace. DTDs are refused, as CXF does.
  if (sc.s.charCodeAt(0) === 0xfeff) sc.pos = 1;
  for (;;) {
    sc.skipSpace();
    if (sc.eof()) sc.fail('Unexpected EOF in prolog');
    if (sc.startsWith('<?')) { sc.until('?>', 'processing instruction'); continue; }
    if (sc.startsWith('<!--')) { sc.pos += 4; sc.until('-->', 'comment'); continue; }
    if (sc.startsWith('<!DOCTYPE')) sc.fail('Received a DTD, which is not allowed');
    if (sc.startsWith('<')) break;
    sc.fail(`Unexpected character '${sc.s[sc.pos] ?? ''}' (code ${sc.s.charCodeAt(sc.pos)}) in prolog; expected '<'`);
  }
  const root = parseElement(sc);
  for (;;) {
    sc.skipSpace();
    if (sc.eof()) return root;
    if (sc.startsWith('<?')) { sc.until('?>', 'processing instruction'); continue; }
    if (sc.startsWith('<!--')) { sc.pos += 4; sc.until('-->', 'comment'); continue; }
    sc.fail('Unexpected character in epilog; expected only comments, PIs or white space after the root element');
  }
}

function parseElement(sc: Scanner): RawElement {
  sc.pos++; // '<'
  const qname = sc.name();
  const rawAttrs: [string, string][] = [];
  for (;;) {
    const hadSpace = /\s/.test(sc.s[sc.pos] ?? '');
    sc.skipSpace();
    if (sc.startsWith('/>')) { sc.pos += 2; return { qname, rawAttrs, children: [] }; }
    if (sc.startsWith('>')) { sc.pos++; break; }
    if (sc.eof()) sc.fail('Unexpected EOF in start tag');
    if (!hadSpace) sc.fail(`Unexpected character '${sc.s[sc.pos] ?? ''}' in start tag; expected white space, '>' or '/>'`);
    const an = sc.name();
    sc.skipSpace();
    if (!sc.startsWith('=')) sc.fail(`Unexpected character '${sc.s[sc.pos] ?? ''}' in attribute '${an}'; expected '='`);
    sc.pos++;
    sc.skipSpace();
    const q = sc.s[sc.pos];
    if (q !== '"' && q !== "'") sc.fail(`Unexpected character '${q ?? 'EOF'}'; expected a quote character enclosing value for '${an}'`);
    sc.pos++;
    const raw = sc.until(q, 'attribute value');
    if (raw.includes('<')) sc.fail(`Unexpected '<' character in attribute value of '${an}'`);
    if (rawAttrs.some(([n]) => n === an)) sc.fail(`Duplicate attribute '${an}'`);
    rawAttrs.push([an, sc.decode(raw.replace(/\r\n|[\t\n\r]/g, ' '))]); // literal white space is normalised, &#10; is not
  }
  const children: (RawElement | string)[] = [];
  for (;;) {
    if (sc.eof()) sc.fail(`Unexpected EOF; was expecting a close tag for element <${qname}>`);
    if (sc.startsWith('</')) {
      sc.pos += 2;
      const end = sc.name();
      sc.skipSpace();
      if (!sc.startsWith('>')) sc.fail(`Unexpected character in end tag </${end}>`);
      sc.pos++;
      if (end !== qname) sc.fail(`Unexpected close tag </${end}>; expected </${qname}>.`);
      return { qname, rawAttrs, children };
    }
    if (sc.startsWith('<!--')) { sc.pos += 4; sc.until('-->', 'comment'); continue; }
    if (sc.startsWith('<![CDATA[')) { sc.pos += 9; children.push(sc.until(']]>', 'CDATA section')); continue; }
    if (sc.startsWith('<?')) { sc.until('?>', 'processing instruction'); continue; }
    if (sc.startsWith('<!')) sc.fail('Unexpected markup declaration in element content');
    if (sc.startsWith('<')) { children.push(parseElement(sc)); continue; }
    const next = sc.s.indexOf('<', sc.pos);
    const raw = sc.s.slice(sc.pos, next < 0 ? sc.s.length : next);
    sc.pos += raw.length;
    children.push(sc.decode(raw.replace(/\r\n?/g, '\n')));
  }
}

function split(qname: string): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

function resolve(raw: RawElement, scope: Map<string, string>, sc: Scanner): XmlElement {
  let local = scope;
  for (const [name, value] of raw.rawAttrs) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (local === scope) local = new Map(scope);
      local.set(name === 'xmlns' ? '' : name.slice(6), value);
    }
  }
  const lookup = (prefix: string): string => {
    if (prefix === 'xml') return XML_NS;
    const ns = local.get(prefix);
    if (ns === undefined) return sc.fail(`Undeclared namespace prefix "${prefix}"`);
    return ns;
  };
  const [prefix, name] = split(raw.qname);
  const attrs: XmlAttr[] = [];
  for (const [qn, value] of raw.rawAttrs) {
    if (qn === 'xmlns' || qn.startsWith('xmlns:')) continue;
    const [ap, al] = split(qn);
    attrs.push({ prefix: ap, local: al, ns: ap ? lookup(ap) : '', value });
  }
  return {
    prefix, local: name, ns: prefix ? lookup(prefix) : (local.get('') ?? ''), attrs,
    children: raw.children.map((c) => (typeof c === 'string' ? c : resolve(c, local, sc))),
  };
}

/** Parses a whole document; throws XmlSyntaxError when it is not well-formed. */
export function parseXml(text: string): XmlElement {
  const sc = new Scanner(text);
  return resolve(parseRaw(sc), new Map(), sc);
}

export const elementsOf = (el: XmlElement): XmlElement[] => el.children.filter((c): c is XmlElement => typeof c !== 'string');

/** The concatenated character data directly inside the element. */
export const textOf = (el: XmlElement): string => el.children.filter((c): c is string => typeof c === 'string').join('');

export function attrOf(el: XmlElement, ns: string, local: string): string | undefined {
  return el.attrs.find((a) => a.ns === ns && a.local === local)?.value;
}
