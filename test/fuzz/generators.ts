// Seeded generators of malformed FHIR requests for every endpoint the registry declares. Each
// case says whether it must be refused at parse time (a 4xx with no OSCAR call) or may reach
// OSCAR (odd but valid input: any answer except a 5xx).
import type { Registry, ResourceDefinition, SearchParamDef } from '../../src/fhir/index.js';

export interface FuzzCase {
  kind: string;
  method: string;
  /** Request target below the server root, e.g. '/fhir/Patient?x=1'. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Must be answered 4xx without any upstream call. */
  parseTime: boolean;
  /** Raw bytes instead of an HTTP client request (protocol-level junk). */
  raw?: Buffer;
  /** A write whose created resource must carry this text exactly (markup stored as data). */
  echo?: string;
}

export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  /** mulberry32 */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

const enc = encodeURIComponent;
const JSON_CT = { 'content-type': 'application/fhir+json' };

const BAD_IDS = [
  'abc', '-1', '+1', '1.5', '1e3', '01', '007', '2147483648', '9999999999', '99999999999999999999', 'x'.repeat(65), '%20', '%00',
  '%E2%80%AE1001', '1001%00', '%2E%2E', '%G0', '%', 'NaN', 'null', 'undefined', '0x1F', '１００１', '1001%0D%0A', '%3Cscript%3E', "1'OR'1", '[1]', '%7B%7D',
];
const BAD_DATES = ['notadate', '2024-13-01', '2024-00-10', '2024-02-30', '20240101', 'ge', 'gt', 'xx2020', '2020-01-01T25:00', '２０２０', '2020-1-1', '-2020', 'eq', '2020-01-01T10:00+25:00', 'tomorrow'];
const CONTROL = ['%00', '%01', '%07', '%08', '%0B', '%0C', '%0E', '%1B', '%1F', '%EF%BF%BE', '%EF%BF%BF'];
const ODD_TEXT = [
  'DOE', 'ÉLODIE', 'Zoë', 'Ｄｏｅ', '\u202Eeod', 'e\u0301\u0301\u0301', '😀😀', '李', 'ДОЕ', '<b>x</b>', ']]>', '&amp;', "O'Brien", '"q"', '\r\nX: y',
  "' OR 1=1 --", '%', '_', '*', '\\', '\t', '\u00A0', '\uFFFD', 'A'.repeat(200), '\u0085', '\u2028',
];
/** Markup aimed at the SOAP envelope: CDATA sections that close the element they sit in and open others. */
const MARKUP = [
  '<![CDATA[x]]>', '<![CDATA[]]></lastName><bogus>1</bogus><lastName><![CDATA[]]>', '<![CDATA[]]></notes><demographicNo>1002</demographicNo><notes><![CDATA[]]>',
  '<![CDATA[<id>7</id>]]>', ']]><x/><![CDATA[', '</arg0><arg1>1</arg1><arg0>', '<?xml version="1.0"?>', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
  '&lt;&#60;&#x3C;', '<x xmlns="urn:y"/>', '<!-- c -->',
];
const RESULT_PARAM_JUNK = [
  '_count=abc', '_count=-1', '_count=1e3', '_count=1&_count=2', '_summary=bogus', '_sort=-nosuchparam', '_include=Nope:x', '_include=*:*:*',
  '_revinclude=junk', '_format=xml', '_format=text%2Fhtml', '_pretty=maybe', '_total=bogus', '_cursor=not-a-cursor', '_cursor=%FF%FE',
  '_summary=true&_elements=id', '_elements=%24%24', 'zz=1', 'name.family=x', '_has:Observation:patient:code=1', '_text=x', '_content=x',
  '_query=x', '_filter=x', '_list=x', '_type=Patient', '_id:bogus=1',
];
const BAD_ACCEPT = ['application/fhir+xml', 'text/html', 'application/json; fhirVersion=3.0', 'image/png', 'application/xml;q=1, text/plain', 'nonsense'];
const BAD_CONTENT_TYPES = ['text/plain', 'application/xml', 'application/fhir+xml', 'multipart/form-data; boundary=x', 'application/fhir+json; charset=latin1', 'application/octet-stream'];

function json(rng: Rng): string {
  const valid = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'DOE', given: ['JANE'] }], birthDate: '1980-01-17' });
  switch (rng.int(9)) {
    case 0: return valid.slice(0, 1 + rng.int(valid.length - 2)); // truncated
    case 1: return valid.replace('}', ',}');
    case 2: return "{'resourceType':'Patient'}";
    case 3: return '{"resourceType":"Patient","x":NaN}';
    case 4: return Buffer.from(Array.from({ length: 40 }, () => rng.int(256))).toString('latin1');
    case 5: return '\uFEFF{"resourceType": "Patient"'; // BOM + truncated
    case 6: return '{"a":1}{"b":2}';
    case 7: return '';
    default: return `{"resourceType":"Patient","name":[{"family":"${'\\'.repeat(1 + rng.int(3))}"}`;
  }
}

function badShape(rng: Rng, type: string): string {
  return rng.pick([
    '[]', '"Patient"', '123', 'null', 'true', '{}', '{"resourceType":"Observation"}', '{"resourceType":42}', `{"resourceType":"${type}","id":"x y"}`,
    `${'['.repeat(65 + rng.int(400))}${']'.repeat(65 + rng.int(0))}`,
    `{"resourceType":"${type}","text":${'{"a":'.repeat(80)}1${'}'.repeat(80)}}`,
    `{"resourceType":"${type}","name":[{"family":"A\\u0000B"}]}`,
    `{"resourceType":"${type}","note":"\\ud800"}`,
    `{"resourceType":"${type}","\\u0001":1}`,
  ]);
}

/** An invalid (refused before any OSCAR call) value for a declared search parameter. */
function badSearchPair(rng: Rng, p: SearchParamDef): string {
  switch (rng.int(6)) {
    case 0: return `${p.name}:bogus=1`;
    case 1: return `${p.name}=${rng.pick(CONTROL)}`;
    case 2: return `${p.name}=${'A'.repeat(4097 + rng.int(2000))}`;
    case 3: return `${p.name}.nope=1`;
    case 4: return p.type === 'date' ? `${p.name}=${enc(rng.pick(BAD_DATES))}` : `${p.name}:missing=maybe`;
    default: return `${p.name}=x${rng.pick(CONTROL)}y`;
  }
}

function tooManyParams(rng: Rng, p: SearchParamDef | undefined): string {
  const name = p?.name ?? 'zz';
  return Array.from({ length: 101 + rng.int(100) }, (_, i) => `${name}=v${i}`).join('&');
}

function validId(def: ResourceDefinition, rng: Rng): string {
  return def.type === 'Practitioner' ? String(999990 + rng.int(9)) : String(1001 + rng.int(300));
}

export function parseTimeCase(rng: Rng, registry: Registry): FuzzCase {
  const types = registry.types();
  const type = rng.pick(types);
  const def = registry.get(type)!;
  const base = `/fhir/${type}`;
  const param = def.searchParams.length ? rng.pick(def.searchParams) : undefined;
  const kind = rng.int(13);
  switch (kind) {
    case 0: { // invalid ids on every instance-level interaction
      const id = rng.pick(BAD_IDS);
      const [method, suffix] = rng.pick([['GET', ''], ['HEAD', ''], ['DELETE', ''], ['GET', '/_history/1'], ['GET', '/$everything'], ['PUT', ''], ['PATCH', '']] as const);
      return { kind: 'bad-id', method, path: `${base}/${id}${suffix}`, headers: method === 'PUT' || method === 'PATCH' ? JSON_CT : {}, body: method === 'PUT' ? `{"resourceType":"${type}"}` : undefined, parseTime: true };
    }
    case 1: // invalid search values
      if (param) return { kind: 'bad-search-value', method: 'GET', path: `${base}?${badSearchPair(rng, param)}`, headers: {}, parseTime: true };
      return { kind: 'bad-search-value', method: 'GET', path: `${base}?zz=1`, headers: {}, parseTime: true };
    case 2: // junk result parameters
      return { kind: 'bad-result-param', method: 'GET', path: `${base}?${rng.pick(RESULT_PARAM_JUNK)}`, headers: {}, parseTime: true };
    case 3: // too many or too long parameters
      return { kind: 'oversized-query', method: 'GET', path: `${base}?${rng.chance(0.5) ? tooManyParams(rng, param) : `${param?.name ?? 'zz'}=${'B'.repeat(4097 + rng.int(3000))}`}`, headers: {}, parseTime: true };
    case 4: // malformed JSON bodies
      return { kind: 'malformed-json', method: 'POST', path: base, headers: JSON_CT, body: json(rng), parseTime: true };
    case 5: // wrong content types
      return { kind: 'wrong-content-type', method: rng.pick(['POST', 'PUT']), path: rng.chance(0.5) ? base : `${base}/${validId(def, rng)}`, headers: { 'content-type': rng.pick(BAD_CONTENT_TYPES) }, body: '<Patient xmlns="http://hl7.org/fhir"/>', parseTime: true };
    case 6: // bodies of the wrong shape, hostile characters, absurd nesting
      return { kind: 'bad-body-shape', method: 'POST', path: base, headers: JSON_CT, body: badShape(rng, type), parseTime: true };
    case 7: // oversized bodies (MAX_BODY_BYTES is 64 KiB in the fuzz stack)
      return { kind: 'oversized-body', method: 'POST', path: base, headers: JSON_CT, body: `{"resourceType":"${type}","text":"${'x'.repeat(65_536 + rng.int(4_000))}"}`, parseTime: true };
    case 8: // unsupported Accept / _format
      // (A Binary read may still answer raw bytes after asking OSCAR: only its type level here.)
      return { kind: 'not-acceptable', method: 'GET', path: rng.chance(0.5) && type !== 'Binary' ? `${base}/${validId(def, rng)}?_format=${enc(rng.pick(['xml', 'html', 'turtle', 'application/fhir+xml']))}` : base, headers: { accept: rng.pick(BAD_ACCEPT) }, parseTime: true };
    case 9: // paths that name no endpoint, unsupported interactions and methods
      return {
        kind: 'bad-path', parseTime: true, headers: {},
        ...rng.pick([
          { method: 'GET', path: `/fhir/${rng.pick(['Nope', 'patient', 'Observation', 'X'.repeat(100), '%24%24', 'Patient%2F1001'])}` },
          { method: 'GET', path: `${base}/1/2/3/4` },
          { method: 'GET', path: `${base}/_history` },
          { method: 'GET', path: `${base}/1001/_history` },
          { method: 'POST', path: '/fhir' },
          { method: 'DELETE', path: '/fhir/metadata' },
          { method: 'GET', path: '/fhir/$bogus' },
          { method: 'POST', path: `${base}/$nosuchop` },
          { method: 'PATCH', path: base },
          { method: 'PROPFIND', path: base },
          { method: 'GET', path: `/fhir/${type}/%2F` },
          { method: 'GET', path: `/fhir/%${rng.pick(['', 'G', 'E0%A4%A'])}` },
        ]),
      };
    case 10: // the form variant of search with bad values
      return { kind: 'bad-form-search', method: 'POST', path: `${base}/_search`, headers: { 'content-type': rng.chance(0.7) ? 'application/x-www-form-urlencoded' : 'application/fhir+json' }, body: param ? badSearchPair(rng, param) : 'zz=1', parseTime: true };
    case 11: // invalid resources (refused by validation before any write)
      return { kind: 'invalid-resource', method: 'POST', path: base, headers: JSON_CT, body: JSON.stringify({ resourceType: type, meta: 5, text: { status: 'bogus' }, [`bogus${rng.int(100)}`]: [null] }), parseTime: true };
    default: // control characters in parameter names
      return { kind: 'control-in-name', method: 'GET', path: `${base}?${rng.pick(CONTROL)}name=1`, headers: {}, parseTime: true };
  }
}

/** A create whose free text is SOAP-envelope markup; what is stored must be that text. */
function markupWrite(rng: Rng): FuzzCase {
  const text = rng.pick(MARKUP) + (rng.chance(0.5) ? rng.pick(MARKUP) : '');
  if (rng.chance(0.5)) {
    const day = String(1 + rng.int(28)).padStart(2, '0');
    const body = {
      resourceType: 'Appointment', status: 'booked', start: `2032-02-${day}T10:00:00-05:00`, end: `2032-02-${day}T10:15:00-05:00`,
      [rng.pick(['comment', 'description'])]: text.slice(0, 80).trim(),
      participant: [{ actor: { reference: `Patient/${1001 + rng.int(50)}` }, status: 'accepted' }, { actor: { reference: 'Practitioner/999998' }, status: 'accepted' }],
    };
    return { kind: 'markup-write', method: 'POST', path: '/fhir/Appointment', headers: JSON_CT, body: JSON.stringify(body), parseTime: false, echo: text.slice(0, 80).trim() };
  }
  const body = { resourceType: 'Patient', name: [{ family: text.slice(0, 30).trim(), given: ['Fuzz'] }], gender: 'other', birthDate: '1970-01-01' };
  return { kind: 'markup-write', method: 'POST', path: '/fhir/Patient', headers: JSON_CT, body: JSON.stringify(body), parseTime: false, echo: text.slice(0, 30).trim() };
}

/** Odd but valid input: it may reach OSCAR, and must never be a 5xx. */
export function upstreamCase(rng: Rng, registry: Registry): FuzzCase {
  if (rng.chance(0.1)) return markupWrite(rng);
  const type = rng.pick(registry.types());
  const def = registry.get(type)!;
  const base = `/fhir/${type}`;
  const strings = def.searchParams.filter((p) => p.type === 'string' || p.type === 'token');
  if (def.interactions.search && strings.length && rng.chance(0.7)) {
    const p = rng.pick(strings);
    const value = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(rng.chance(0.25) ? MARKUP : ODD_TEXT)).join('');
    const extra = rng.chance(0.3) ? `&_count=${rng.int(50)}` : '';
    return { kind: 'odd-search', method: 'GET', path: `${base}?${p.name}=${enc(value)}${extra}`, headers: {}, parseTime: false };
  }
  const id = rng.chance(0.5) ? validId(def, rng) : String(rng.pick([0, 1, 2147483647, 1_000_000 + rng.int(1_000_000)]));
  return { kind: 'odd-read', method: 'GET', path: `${base}/${id}${rng.chance(0.2) ? `?_summary=${rng.pick(['true', 'data', 'text'])}` : ''}`, headers: {}, parseTime: false };
}

/** Protocol-level junk on a raw socket: node's parser or our handler must answer 4xx (or hang up). */
export function rawCase(rng: Rng): FuzzCase {
  const line = rng.pick([
    'GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    'GET /fhir/metadata HTTP/9.9\r\nHost: x\r\n\r\n',
    'GARBAGE\r\n\r\n',
    'GET /fhir/Patient?family=A\u0001B HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /fhir/Patient/1001 HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n',
    `GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000 + rng.int(10_000))}\r\n\r\n`,
    `GET /fhir/${'p'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n',
    'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\nContent-Length: 999999999999\r\n\r\n{',
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
    'GET http://evil.example/fhir/metadata HTTP/1.1\r\nHost: evil.example\r\n\r\n',
    'GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
  ]);
  return { kind: 'raw-protocol', method: 'RAW', path: '', headers: {}, parseTime: true, raw: Buffer.from(line, 'latin1') };
}
