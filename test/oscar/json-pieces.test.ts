// REST answers parsed in pieces (src/oscar/json-pieces.ts): random JSON texts of the shapes of
// contract 1.4 and 3.10, parsed whole and in pieces at many small lengths, must give what
// JSON.parse gives for the whole text (the oracle), or its error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonBytes, planPieces } from '../../src/oscar/json-pieces.js';

// Fixed seed: a failure is reproducible.
let seed = 7;
const random = (below: number): number => { seed = (seed * 48_271) % 2_147_483_647; return seed % below; };
const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)]!;

/** What parseJsonBytes gives, with whether it made one string of the whole answer (spied on Buffer#toString). */
type Outcome = { value: unknown } | { threw: string };
const thrown = (e: unknown): Outcome => ({ threw: `${(e as Error).constructor.name}: ${(e as Error).message}` });
function parsed(text: string | Buffer, wholeLength?: number): { outcome: Outcome; whole: boolean } {
  const body = Buffer.from(text);
  let whole = false;
  Object.defineProperty(body, 'toString', {
    value: (...a: unknown[]) => { if (a[1] === undefined) whole = true; return Buffer.prototype.toString.apply(body, a as []); },
  });
  try {
    return { outcome: { value: parseJsonBytes(body, wholeLength) }, whole };
  } catch (e) {
    return { outcome: thrown(e), whole };
  }
}

/** The oracle: JSON.parse of the whole text (undefined for blanks, as rest.ts always did), or its error. */
function oracle(text: string | Buffer): Outcome {
  try {
    const s = text.toString();
    return { value: s.trim() === '' ? undefined : JSON.parse(s) };
  } catch (e) {
    return thrown(e);
  }
}

// ---- random JSON text (not values: spellings of numbers and escapes vary as a server's could)

interface Style { blanks: boolean; cuttable: boolean }
const BLANKS = [' ', '\n', '\t', '\r\n  ', '  '];
const ws = (s: Style): string => (s.blanks && random(3) === 0 ? pick(BLANKS) : '');
const NUMBERS = ['0', '-0', '7', '-12', '3.25', '1e5', '-2.5E-3', '1E+2', '12345678901234567890', '0.1', '1796669170927', '-1280001600000'];
// Characters and escapes a string may hold: JSON's structural characters, escaped quotes and
// backslashes (also one just before the closing quote), \u escapes (a surrogate pair
// too), raw multi-byte UTF-8 (2, 3 and 4 bytes).
const CHARS = ['a', 'Z', ' ', '{', '}', '[', ']', ',', ':', '\\"', '\\\\', '\\/', '\\n', '\\t', '\\u00e9', '\\u0000', '\\uD83D\\uDE00', '\\"]', 'é', 'Ễ', '😀', 'ß', 'DESJARDINS', '"'];
function str(s: Style): string {
  let out = '';
  for (let n = random(8); n > 0; n--) {
    const c = pick(CHARS);
    out += c === '"' ? '\\"' : c;
  }
  // '},{' inside a string is cut there and the pieces fail (then parsed whole): kept out of
  // answers that must be read in pieces, put in some of the others.
  if (s.cuttable) return `"${out.replaceAll('},{', '}.{')}"`;
  return `"${out}${random(4) === 0 ? '},{' : ''}"`;
}
function scalar(s: Style): string {
  return pick([() => pick(NUMBERS), () => 'null', () => 'true', () => 'false', () => str(s)])();
}
function value(s: Style, depth: number): string {
  const r = random(depth > 2 ? 3 : 6);
  if (r < 3) return scalar(s);
  if (r === 3) return object(s, depth + 1);
  // A nested array (of objects too, whose `},{` is a wrong cut) only where pieces are not required.
  if (r === 4 && !s.cuttable) return `[${ws(s)}${Array.from({ length: random(4) }, () => value(s, depth + 1)).join(`${ws(s)},${ws(s)}`)}${ws(s)}]`;
  return object(s, depth + 1);
}
function object(s: Style, depth: number, n = random(5)): string {
  const members = Array.from({ length: n }, () => `${ws(s)}${str(s)}${ws(s)}:${ws(s)}${value(s, depth)}${ws(s)}`);
  return `{${members.join(',')}${n ? '' : ws(s)}}`;
}
/** The members of an answer's long array: objects (what OSCAR's lists hold). */
function items(s: Style, count: number): string {
  const sep = s.blanks ? () => `${ws(s)},${ws(s)}` : () => ',';
  return Array.from({ length: count }, () => object(s, 1, 1 + random(5))).join(sep());
}
/** Members before or after the long array: scalars, objects (Juno's `headers`), strings full of brackets and escapes. */
function edgeMembers(s: Style, n: number, head: boolean): string {
  const loud: Style = { ...s, cuttable: false };
  return Array.from({ length: n }, () => `${ws(s)}${str(loud)}${ws(s)}:${ws(s)}${pick([() => scalar(loud), () => object(loud, 2), () => str(loud)])()}${ws(s)}`)
    .map((m) => (head ? `${m},` : `,${m}`)).join('');
}
type Shape = 'array' | 'envelope' | 'juno';
function answer(shape: Shape, s: Style, count: number): string {
  const list = `[${ws(s)}${items(s, count)}${ws(s)}]`;
  if (shape === 'array') return `${ws(s)}${list}${ws(s)}`;
  if (shape === 'juno') return `{"headers":${object({ ...s, cuttable: false }, 2, 3)},"body":${list},"error":null,"status":"SUCCESS"}`;
  return `${ws(s)}{${edgeMembers(s, random(5), true)}${ws(s)}"content"${ws(s)}:${ws(s)}${list}${edgeMembers(s, random(3), false)}${ws(s)}}${ws(s)}`;
}

// Every length from 16 to 400 bytes, and some longer ones.
const LENGTHS = [...Array.from({ length: 385 }, (_, i) => 16 + i), ...Array.from({ length: 20 }, () => 401 + random(4000))];

describe('parsing a long REST answer in pieces', () => {
  it('gives what JSON.parse of the whole text gives, for random answers at many piece lengths', () => {
    let inPieces = 0;
    let checked = 0;
    for (let k = 0; k < 90; k++) {
      const shape = pick(['array', 'envelope', 'juno'] as const);
      const style: Style = { blanks: random(2) === 0, cuttable: random(2) === 0 };
      const text = answer(shape, style, random(12));
      const expected = oracle(text);
      assert.ok('value' in expected, `the generator writes JSON: ${text}`);
      for (const length of LENGTHS.filter((_, i) => i % 7 === k % 7)) {
        const got = parsed(text, length);
        assert.deepStrictEqual(got.outcome, expected, `${shape} in pieces of ${length}: ${text}`);
        checked++;
        if (!got.whole) inPieces++;
      }
    }
    // Not vacuous: a good part of them went through the pieces.
    assert.ok(inPieces > checked / 4, `${inPieces} of ${checked} in pieces`);
  });

  it('reads in pieces every compact answer of the three shapes, whatever the members around the array hold', () => {
    for (let k = 0; k < 150; k++) {
      const shape = pick(['array', 'envelope', 'juno'] as const);
      const text = answer(shape, { blanks: false, cuttable: true }, 4 + random(10));
      const expected = oracle(text);
      const length = Buffer.byteLength(text) >> 1;
      const got = parsed(text, length);
      assert.deepStrictEqual(got.outcome, expected, text);
      const plan = planPieces(Buffer.from(text), length >> 1);
      assert.ok(plan && plan.ends.length >= 2, `a plan for ${text}`);
      assert.equal(got.whole, false, `read in pieces: ${text}`);
    }
  });

  it('reads in pieces past escaped quotes, backslashes and brackets in the members around the array', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `{"demographicNo":${i},"lastName":"D\\u00c9SJARDINS","firstName":"Zo\u00eb ${i}","q":"a\\"],[{\\\\"}`).join(',');
    const texts = [
      `{"query":"x\\"[1,2]","offset":0,"content":[${rows}],"query2":"\\\\"}`,
      `{"a\\"b":"\\\\","c":{"d":"}]\\"{["},"content":[${rows}],"e":"]\\\\","f":{"g":"]"}}`,
      `{"headers":{"total":40,"note":"[\\"]"},"body":[${rows}],"error":null,"status":"SUCCESS"}`,
      `{"content":[${rows}],"query":"a]b"}`,
      `{"content":[${rows}],"query":"\\"],\\"k\\":1}"}`,
      // The array's own name escaped, or one JSON.parse makes an own member of.
      `{"con\\u0074ent":[${rows}],"query":null}`, `{"c\\"d":[${rows}]}`, `{"__proto__":[${rows}],"x":1}`,
    ];
    for (const text of texts) {
      const got = parsed(text, 300);
      assert.deepStrictEqual(got.outcome, { value: JSON.parse(text) }, text);
      assert.equal(got.whole, false, `read in pieces: ${text.slice(0, 80)}`);
    }
  });

  it('gives JSON.parse\'s value for members and values JavaScript treats specially, in the array\'s objects and around it', () => {
    // __proto__ and constructor as members (own members, as JSON.parse makes them), a name twice in
    // one object, lone surrogates escaped, numbers past double range or precision, -0.
    const special = (i: number): string => `{"__proto__":{"polluted":${i}},"constructor":"c","id":${i},"id":"again ${i}","s":"\\ud800\\udc00\\ud83d","t":"\\udfff${i}","big":1e400,"small":-1e-400,"n":123456789012345678901234567890,"z":-0}`;
    const rows = Array.from({ length: 30 }, (_, i) => special(i)).join(',');
    for (const text of [`[${rows}]`, `{"__proto__":{"x":1},"content":[${rows}],"total":1e999}`, `{"__proto__":null,"content":[${rows}],"__proto__":{"y":2}}`]) {
      const got = parsed(text, 200);
      assert.equal(got.whole, false, `read in pieces: ${text.slice(0, 60)}`);
      assert.deepStrictEqual(got.outcome, { value: JSON.parse(text) }, text.slice(0, 60));
      const value = (got.outcome as { value: unknown }).value;
      const first = (Array.isArray(value) ? value : (value as { content: unknown[] }).content)[0] as Record<string, unknown>;
      assert.ok(Object.hasOwn(first, '__proto__') && Object.getPrototypeOf(first) === Object.prototype, 'an own member, not the prototype');
      assert.ok(Object.is(first.z, -0) && first.big === Infinity && first.s === '\ud800\udc00\ud83d');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    }
  });

  it('keeps the later of two members of the same name, as JSON.parse does', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `{"id":${i}}`).join(',');
    for (const text of [`{"content":[${rows}],"content":[]}`, `{"content":[${rows}],"x":1,"content":null}`, `{"content":[],"content":[${rows}]}`]) {
      assert.deepStrictEqual(parsed(text, 100).outcome, { value: JSON.parse(text) }, text);
    }
  });

  it('gives JSON.parse\'s own error for a broken long answer, whatever the piece length', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `{"id":${i},"name":"N\u00e9 ${i}","tags":"[x]"}`).join(',');
    const good = `{"offset":0,"total":30,"content":[${rows}],"query":null}`;
    const mid = good.indexOf('},{', good.length >> 1);
    const broken = [
      good.slice(0, mid), good.slice(0, mid + 2), good.slice(0, good.length - 1), good.slice(0, good.length - 14), good.slice(0, 40),
      `${good.slice(0, mid)}${good.slice(mid + 1)}`, // a '}' missing
      `${good.slice(0, mid + 1)}]${good.slice(mid + 1)}`, // the array closed early
      `${good.slice(0, mid + 1)},${good.slice(mid + 1)}`, // two commas
      good.replace('}],"query"', '},],"query"'), good.replace('},{"id":3,', '},{"id":3,,'), good.replace('N\u00e9 7', 'N\u00e9\u0001 7'), good.replace('N\u00e9 9', 'N\\x 9'),
      `\ufeff${good}`, `${good}x`, `${good}}`, good.replace('"total":30', '"total":'), good.replace('{"offset"', '{offset'),
      `[${rows},]`, `[${rows}`, `[${rows}]]`, `[${rows.replace('},{"id":5', '}{"id":5')}]`,
    ];
    for (const text of broken) {
      const expected = oracle(text);
      assert.ok('threw' in expected, `broken: ${text.slice(0, 60)}`);
      for (const length of [20, 64, 100, 333, 1000]) assert.deepStrictEqual(parsed(text, length).outcome, expected, `in pieces of ${length}: ${text.slice(0, 60)}`);
    }
  });

  it('decodes UTF-8 the same in pieces: multi-byte characters next to every cut, invalid bytes replaced alike', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `{"n":"${'Ễ😀é'.repeat(1 + (i % 3))}"}`).join(',');
    const text = Buffer.concat([Buffer.from(`{"content":[${rows},{"bad":"`), Buffer.from([0xe2, 0x82]), Buffer.from(`"},{"x":"\u00e9`), Buffer.from([0xff]), Buffer.from('"}]}')]);
    const expected = oracle(text);
    for (const length of [30, 64, 128, 500]) {
      const got = parsed(text, length);
      assert.deepStrictEqual(got.outcome, expected);
      assert.equal(got.whole, false);
    }
  });
});

describe('which answers are parsed in pieces', () => {
  // A page of the REST search's rows (contract 3.7 DemographicSearchResult), as OSCAR writes it.
  const row = (i: number): string => `{"demographicNo":${100_000 + i},"lastName":"DESJARDINS","firstName":"H\u00c9L\u00c8NE","chartNo":"X${i}","sex":"F","dob":-1280001600000,"providerNo":"999998","providerName":"oscardoc,doctor","rosterStatus":"FS","patientStatus":"AC","phone":"(807) 555-0131","hin":"1926824804","remoteFacilityId":null,"formattedDOB":"1929-06-10"}`;
  const search = (n: number, pad = 0): string => `{"offset":0,"limit":0,"total":${n},"timestamp":1796669170927,"content":[${Array.from({ length: n }, (_, i) => row(i)).join(',')}],"query":null}${' '.repeat(pad)}`;

  it('parses an answer longer than 128 KiB (less a string\'s header) in pieces of at most 60 KiB, cut between members', () => {
    const text = search(1001);
    assert.ok(Buffer.byteLength(text) > 300_000);
    const body = Buffer.from(text);
    const calls: [number, number][] = [];
    Object.defineProperty(body, 'toString', { value: (...a: unknown[]) => { if (a[0] === 'utf8') calls.push([a[1] as number, a[2] as number]); return Buffer.prototype.toString.apply(body, a as []); } });
    assert.deepStrictEqual(parseJsonBytes(body), JSON.parse(text));
    const pieces = calls.filter(([start, end]) => start > 0 && end !== undefined && end < body.length);
    assert.ok(pieces.length >= 4, `${pieces.length} pieces`);
    for (const [start, end] of pieces.slice(1)) {
      assert.ok(end - start <= 60 * 1024, `a piece from ${start} to ${end}`);
      assert.equal(body.toString('latin1', start - 1, start + 1), ',{');
    }
    assert.ok(calls.every(([start, end]) => start !== undefined && (end ?? body.length) - start < 128 * 1024 - 16), 'no string of the whole answer');
  });

  it('parses whole an answer of up to 131,056 bytes, and one byte more in pieces', () => {
    const base = search(420);
    const pad = 128 * 1024 - 16 - Buffer.byteLength(base);
    assert.ok(pad > 0 && pad < 1000, `${pad}`);
    assert.equal(parsed(search(420, pad)).whole, true);
    const longer = parsed(search(420, pad + 1));
    assert.equal(longer.whole, false);
    assert.deepStrictEqual(longer.outcome, { value: JSON.parse(base) });
  });

  it('parses whole what it cannot cut: one long string, arrays of scalars, blanks between members, no array', () => {
    const long = 'QUJD'.repeat(40_000);
    const texts = [
      `{"documentNo":1,"fileContents":"${long}","status":"A"}`, // a document's base64 (contract 4.10)
      `{"content":[{"fileContents":"${long}"}]}`,
      `[${Array.from({ length: 30_000 }, (_, i) => i).join(',')}]`,
      `{"content":[${Array.from({ length: 600 }, (_, i) => row(i)).join(', ')}]}`,
      `{"a":"${long}","content":[${Array.from({ length: 600 }, (_, i) => row(i)).join(',')}]}`, // the array starts past 4 KiB
      `{"content":[${Array.from({ length: 600 }, (_, i) => row(i)).join(',')}],"tail":"${'x'.repeat(5000)}"}`, // too much after it
      `${' '.repeat(140_000)}`,
    ];
    for (const text of texts) {
      const got = parsed(text);
      assert.equal(got.whole, true, text.slice(0, 60));
      assert.deepStrictEqual(got.outcome, oracle(text));
    }
  });
});
