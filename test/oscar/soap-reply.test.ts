// Answers read by the rules each service's own WSDL gives (contract 4.1): which fields repeat,
// which are numbers or booleans; dates and enumerations stay the wire text; faults both ways.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MalformedXmlError, readSoapBytes, readSoapReply } from '../../src/oscar/soap-reply.js';
import { readSoapSchema, type SoapSchema } from '../../src/oscar/soap-schema.js';

const JUNO_NS = 'http://v1.soap.external.ws.oscarehr.org/';

// A CXF java-first WSDL in miniature: a wrapper per operation, a subclass by complexContent
// extension (as JAXB writes one), an enumeration, char as unsignedShort.
const WSDL = `<?xml version="1.0"?><wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="${JUNO_NS}" targetNamespace="${JUNO_NS}">
<wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${JUNO_NS}" elementFormDefault="unqualified">
<xs:element name="getThings" type="tns:getThings"/><xs:element name="getThingsResponse" type="tns:getThingsResponse"/>
<xs:element name="getOne" type="tns:getOne"/>
<xs:element name="getOneResponse"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="return" type="tns:child"/></xs:sequence></xs:complexType></xs:element>
<xs:complexType name="getThings"><xs:sequence><xs:element name="arg0" type="xs:int"/></xs:sequence></xs:complexType>
<xs:complexType name="getThingsResponse"><xs:sequence><xs:element maxOccurs="unbounded" minOccurs="0" name="return" type="tns:child"/></xs:sequence></xs:complexType>
<xs:complexType name="getOne"><xs:sequence/></xs:complexType>
<xs:complexType name="parent"><xs:sequence><xs:element name="id" type="xs:long"/><xs:element minOccurs="0" name="updated" type="xs:dateTime"/></xs:sequence></xs:complexType>
<xs:complexType name="child"><xs:complexContent><xs:extension base="tns:parent"><xs:sequence>
  <xs:element name="active" type="xs:boolean"/><xs:element minOccurs="0" name="name" type="xs:string"/>
  <xs:element minOccurs="0" name="sex" type="tns:gender"/><xs:element name="status" type="xs:unsignedShort"/>
  <xs:element minOccurs="0" name="weight" type="xs:double"/>
  <xs:element maxOccurs="unbounded" minOccurs="0" name="exts" type="tns:ext"/><xs:element minOccurs="0" name="owner" type="tns:ext"/>
</xs:sequence></xs:extension></xs:complexContent></xs:complexType>
<xs:complexType name="ext"><xs:sequence><xs:element minOccurs="0" name="key" type="xs:string"/><xs:element name="n" type="xs:int"/></xs:sequence></xs:complexType>
<xs:simpleType name="gender"><xs:restriction base="xs:string"><xs:enumeration value="M"/><xs:enumeration value="T"/></xs:restriction></xs:simpleType>
</xs:schema></wsdl:types>
<wsdl:portType name="ThingWs"><wsdl:operation name="getThings"/><wsdl:operation name="getOne"/></wsdl:portType></wsdl:definitions>`;

const schema = readSoapSchema(WSDL)!;
const answer = (op: string, inner: string): string =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:${op}Response xmlns:ns2="${JUNO_NS}">${inner}</ns2:${op}Response></soap:Body></soap:Envelope>`;
const value = (op: string, inner: string): unknown => {
  const r = readSoapReply(answer(op, inner), schema, op);
  assert.equal(r?.kind, 'return');
  return r.kind === 'return' ? r.value : undefined;
};

describe('reading SOAP answers by the WSDL', () => {
  it('takes the namespace and the operations from the WSDL (Juno moved its namespace)', () => {
    assert.equal(schema.namespace, JUNO_NS);
    assert.deepEqual([...schema.operations].sort(), ['getOne', 'getThings']);
    assert.equal(readSoapSchema('<html><body>No service was found.</body></html>'), undefined);
  });

  it('types numbers, booleans and a subclass\'s inherited fields; dates and enumerations stay the wire text', () => {
    const rows = value('getThings', '<return><active>true</active><id>9007199254740</id><name>Ann</name><sex>T</sex><status>65</status>'
      + '<updated>2024-03-12T09:00:00-04:00</updated><weight>61.5</weight></return>');
    assert.deepEqual(rows, [{ active: true, id: 9007199254740, name: 'Ann', sex: 'T', status: 65, updated: '2024-03-12T09:00:00-04:00', weight: 61.5 }]);
  });

  it('reads a repeated field as an array whether it occurs once, twice or not at all', () => {
    assert.deepEqual(value('getThings', '<return><id>1</id><exts><n>1</n></exts></return><return><id>2</id><exts><n>2</n></exts><exts><n>3</n></exts></return><return><id>3</id></return>'),
      [{ id: 1, exts: [{ n: 1 }] }, { id: 2, exts: [{ n: 2 }, { n: 3 }] }, { id: 3 }]);
    assert.deepEqual(value('getOne', '<return><id>4</id><owner><n>5</n></owner></return>'), { id: 4, owner: { n: 5 } }, 'a single field stays single');
  });

  it('reads an empty wrapper as no value and an empty list as no rows (contract 4.1 null return)', () => {
    assert.equal(value('getOne', ''), undefined);
    assert.equal(value('getThings', ''), undefined);
  });

  it('keeps empty text as "", an empty object as null, and leaves xsi:nil fields out', () => {
    assert.deepEqual(value('getOne', '<return xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id>1</id><name></name><owner/><weight xsi:nil="true"/></return>'),
      { id: 1, name: '', owner: null });
  });

  it('decodes XML references once, so escaped references stay literal text', () => {
    assert.deepEqual(value('getOne', '<return><id>1</id><name>a &lt;b&gt; &amp;lt; &#13;&#x1D11E; &amp;#13; &quot;q&apos; ]]&gt;</name></return>'),
      { id: 1, name: 'a <b> &lt; \r𝄞 &#13; "q\' ]]>' });
  });

  it('decodes every reference spelling XML allows, wherever it stands, and refuses every other', () => {
    for (const [text, spelled] of [
      ['&#65;&#x41;&#x0041;&#x6a;', 'AAAj'], // adjacent; hex digits in either case
      ['&lt;', '<'], ['x&gt;', 'x>'], ['&amp;y', '&y'], ['&quot;&apos;', '"\''], // alone, at either end
      ['&#9;a&#10;', '\ta\n'], ['&#xFFFD;&#x10FFFF;&#55295;', '\ufffd\u{10ffff}\ud7ff'], // the edges of what XML can hold
      ['a;b&amp;;c', 'a;b&;c'], // semicolons outside a reference are text
    ] as const) {
      assert.deepEqual(value('getOne', `<return><id>1</id><name>${text}</name></return>`), { id: 1, name: spelled }, text);
      assert.deepEqual(value('getOne', `<return><id>1</id><name>long enough to be copied ${text}</name></return>`), { id: 1, name: `long enough to be copied ${spelled}` }, text);
    }
    assert.deepEqual(value('getThings', '<return><id>1</id><name>x &amp; y</name><sex>&#84;</sex></return><return><id>2</id><name>plain text, long enough</name><sex>M</sex></return>'
      + '<return><id>3</id><name>&lt;</name><exts><key>a&amp;b</key><n>1</n></exts></return><return><id>4</id><name>after the last one, long</name></return>'),
    [{ id: 1, name: 'x & y', sex: 'T' }, { id: 2, name: 'plain text, long enough', sex: 'M' }, { id: 3, name: '<', exts: [{ key: 'a&b', n: 1 }] }, { id: 4, name: 'after the last one, long' }],
    'references in some fields of some records, none in others');
    for (const bad of ['&lt', '&lt x;', '&LT;', '&;', '&#;', '&#x;', '&#X41;', '&#x-1;', '&#1a;', '&#65a;', '&#x41g;', '&#x 41;', '&#xD800;', '&#xFFFE;', '&#1114112;', '&#x110000;', '&#8;', '& amp;', 'a & b;']) {
      for (const inner of [`<name>${bad}</name>`, `<name>much longer text ${bad}</name>`, `<name> ${bad} <![CDATA[x]]></name>`]) {
        assert.throws(() => value('getOne', `<return><id>1</id>${inner}</return>`), MalformedXmlError, inner);
      }
    }
  });

  it('reads a SOAP 1.1 fault and a 1.2-style one', () => {
    const env = (inner: string): string => `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>${inner}</soap:Fault></soap:Body></soap:Envelope>`;
    assert.deepEqual(readSoapReply(env('<faultcode xmlns:ns1="http://ws.apache.org/wss4j">ns1:SecurityError</faultcode><faultstring>A security error</faultstring>'), schema, 'getOne'),
      { kind: 'fault', fault: { code: 'ns1:SecurityError', text: 'A security error' } });
    assert.deepEqual(readSoapReply(env('<soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>wsse:FailedAuthentication</soap:Value></soap:Subcode></soap:Code>'
      + '<soap:Reason><soap:Text xml:lang="en">no</soap:Text></soap:Reason>'), schema, 'getOne'),
    { kind: 'fault', fault: { code: 'soap:Sender wsse:FailedAuthentication', text: 'no' } });
  });

  it('reads a record whatever the order of its fields, skipped, repeated or unknown ones included', () => {
    // The WSDL's order: id, updated, active, name, sex, status, weight, exts (repeated), owner.
    const fields = ['<id>5</id>', '<updated>2024-01-01</updated>', '<active>1</active>', '<name>N</name>', '<sex>M</sex>',
      '<status>2</status>', '<weight>1.5</weight>', '<exts><n>1</n></exts>', '<exts><key>k</key><n>2</n></exts>', '<owner><n>3</n><key>o</key></owner>'];
    const expected = { id: 5, updated: '2024-01-01', active: true, name: 'N', sex: 'M', status: 2, weight: 1.5, exts: [{ n: 1 }, { key: 'k', n: 2 }], owner: { n: 3, key: 'o' } };
    for (const order of [fields, [...fields].reverse(), [fields[9], ...fields.slice(0, 9)], [fields[7], fields[0], fields[8], ...fields.slice(1, 7), fields[9]]]) {
      const record = value('getOne', `<return>${order.join('')}</return>`) as Record<string, unknown>;
      const exts = order.indexOf(fields[7]!) < order.indexOf(fields[8]!) ? expected.exts : [...expected.exts].reverse();
      assert.deepEqual(record, { ...expected, exts }, order.join(''));
    }
    assert.deepEqual(value('getThings', '<return><id>1</id><sex>M</sex><statusX>a</statusX><status>3</status><weight>2</weight><name>a</name><name>b</name><active>false</active></return>'),
      [{ id: 1, sex: 'M', statusX: 'a', status: 3, weight: 2, name: ['a', 'b'], active: false }], 'skipped fields, an unknown one named like the next, a single field twice, an earlier one last');
    assert.deepEqual(value('getOne', '<return><ns:id xmlns:ns="x">4</ns:id><name a="1">b</name><weight/><status >7</status></return>'), { id: 4, name: 'b', weight: null, status: 7 },
      'a prefix, an attribute, an empty element, white space in the tag');
  });

  it('refuses an answer that is not well-formed instead of reading part of it', () => {
    const whole = answer('getOne', '<return><id>1</id><name>Ann</name></return>');
    for (const bad of [
      whole.slice(0, whole.indexOf('</name>')), // cut off mid-record
      whole.replace('</name>', '</id>'), // tags crossed
      whole.replace('Ann', 'A &nbsp; B'), // an entity XML does not define
      whole.replace('Ann', 'A & B'), // a bare ampersand
      whole.replace('Ann', 'A &#0; B'), // a character XML cannot hold
      `<!DOCTYPE x [<!ENTITY e "boom">]>${whole}`, // a DTD (no SOAP message has one)
      `${whole}<extra/>`, // a second root
      `${whole} trailing`, // text after the root
    ]) {
      assert.throws(() => readSoapReply(bad, schema, 'getOne'), MalformedXmlError, bad);
    }
    assert.deepEqual(readSoapReply(`<?xml version="1.0"?><!-- c -->\n${whole}\n`, schema, 'getOne'), { kind: 'return', value: { id: 1, name: 'Ann' } }, 'declaration, comments and whitespace are fine');
  });

  it('trims XML whitespace around text but keeps what references and CDATA spell', () => {
    assert.deepEqual(value('getOne', '<return>\n  <id> 7 </id>\n  <name>\n  &#13;Ann B&#x20;\t</name>\n</return>'), { id: 7, name: '\rAnn B ' });
    assert.deepEqual(value('getOne', '<return><id>1</id><name><![CDATA[<b>&amp;</b>]]></name></return>'), { id: 1, name: '<b>&amp;</b>' });
    for (const ws of [' ', '\t', '\r', '\n', '\r\n\t ']) {
      assert.deepEqual(value('getOne', `<return><id>${ws}3</id><name>${ws}Ann${ws}</name></return>`), { id: 3, name: 'Ann' }, JSON.stringify(ws));
    }
    assert.deepEqual(value('getOne', '<return><id>3</id><name>\u00a0Ann\u3000</name></return>'), { id: 3, name: '\u00a0Ann\u3000' }, 'only XML white space is trimmed');
  });

  it('says when the text is no SOAP envelope', () => {
    assert.equal(readSoapReply('<html><body>Bad gateway</body></html>', schema, 'getOne'), undefined);
  });
});

describe('records of fields with awkward names', () => {
  it('keeps each as a field of its own (names of Object.prototype, dots and dashes, letters past ASCII), never runs a WSDL name, drops __proto__', () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'a.b-c', '_x1', 'ünï', 'q\u0022];globalThis.leaked=1;//'];
    const wsdl = WSDL.replace('<xs:element minOccurs="0" name="name" type="xs:string"/>',
      names.map((n) => `<xs:element minOccurs="0" name="${n.replace(/"/g, '&quot;')}" type="xs:string"/>`).join(''));
    const weird = readSoapSchema(wsdl)!;
    const inner = `<return><id>1</id>${names.filter((n) => !n.includes('"')).map((n, i) => `<${n}>v${i}</${n}>`).join('')}<status>2</status></return>`;
    for (const r of [readSoapReply(answer('getOne', inner), weird, 'getOne'), readSoapBytes(Buffer.from(answer('getOne', inner)), weird, 'getOne')]) {
      const record = (r as { value: Record<string, unknown> }).value;
      assert.equal(Object.getPrototypeOf(record), Object.prototype);
      assert.deepEqual(Object.entries(record).sort(), [
        ['_x1', 'v5'], ['a.b-c', 'v4'], ['constructor', 'v0'], ['hasOwnProperty', 'v3'], ['id', 1], ['status', 2], ['toString', 'v2'], ['ünï', 'v6'],
      ]);
    }
    assert.equal((globalThis as Record<string, unknown>).leaked, undefined);
    assert.deepEqual(value('getOne', '<return><id>1</id><constructor>x</constructor><toString>y</toString><__proto__>z</__proto__></return>'), { id: 1, constructor: 'x', toString: 'y' },
      'fields the WSDL does not list, named like those of Object.prototype');
  });
});

describe('records as plain objects', () => {
  it('gives each record Object.prototype, its fields own data properties in the WSDL\'s order, whichever order they came in', () => {
    const rows = value('getThings', '<return><id>1</id><name>Ann</name><active>true</active><weight>2</weight></return><return><status>4</status><id>2</id></return>') as object[];
    assert.deepEqual(rows.map((r) => Object.keys(r)), [['id', 'active', 'name', 'weight'], ['id', 'status']]);
    for (const r of rows) {
      assert.equal(Object.getPrototypeOf(r), Object.prototype);
      assert.equal(r.constructor, Object);
      assert.ok(Object.values(Object.getOwnPropertyDescriptors(r)).every((d) => d.writable && d.enumerable && d.configurable && 'value' in d));
    }
  });
});

describe('a runtime that makes no code from strings', () => {
  it('reads the same records (node --disallow-code-generation-from-strings)', () => {
    const inner = '<return><active>true</active><id>1</id><name>Ann &amp; Bo</name><exts><n>2</n></exts><exts><n>3</n></exts></return><return><id>2</id><status>4</status></return>';
    const src = (m: string): string => JSON.stringify(pathToFileURL(fileURLToPath(new URL(`../../src/oscar/${m}.ts`, import.meta.url))).href);
    const script = `import { readSoapReply } from ${src('soap-reply')}; import { readSoapSchema } from ${src('soap-schema')};
      let refused = false; try { new Function('return 1'); } catch { refused = true; }
      const r = readSoapReply(${JSON.stringify(answer('getThings', inner))}, readSoapSchema(${JSON.stringify(WSDL)}), 'getThings');
      process.stdout.write(JSON.stringify({ refused, r }));`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8' });
    const { refused, r } = JSON.parse(out) as { refused: boolean; r: unknown };
    assert.equal(refused, true, 'the child runs without code from strings');
    assert.deepEqual(r, { kind: 'return', value: [{ active: true, id: 1, name: 'Ann & Bo', exts: [{ n: 2 }, { n: 3 }] }, { id: 2, status: 4 }] });
  });
});

describe('reading the answer from its bytes', () => {
  const bytesOf = (op: string, inner: string): Buffer => Buffer.from(answer(op, inner), 'utf8');

  it('reads text beyond ASCII and Latin-1 as the characters its UTF-8 spells', () => {
    const r = readSoapBytes(bytesOf('getOne', '<return><id>1</id><name> Nguyễn “Zoë” 😀 &#233;&amp;é </name><owner><key><![CDATA[Ễ<é>]]></key><n>2</n></owner></return>'), schema, 'getOne');
    assert.deepEqual(r, { kind: 'return', value: { id: 1, name: 'Nguyễn “Zoë” 😀 é&é', owner: { key: 'Ễ<é>', n: 2 } } });
  });

  it('gives what the text of the decoded answer gives, for every spelling the reader knows', () => {
    const inners = [
      '<return><id>1</id><name>Ann</name></return>',
      '<return>\n <id> 7 </id>\n <name>\n  Ễ&#13;b&#x20;\t</name>\n</return>',
      '<return><id>1</id><name>é</name><name>Ễ</name></return>', // repeated though the WSDL says once
      '<return xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id>1</id><name  >ü</name  ><weight xsi:nil="true"/><ünknown a="ß">Ω</ünknown></return>',
      '<return><id>1</id><name>a<![CDATA[Ễ]]>b<!-- Ω -->c</name></return>',
      '<return><id>1</id><name>   </name><owner><key> \t</key><n>2</n></owner></return>', // white space only
      '<return><id>1</id><name> é&#32; \n</name><owner>ü &amp; <key>Ω&#x20;</key> <n>3</n></owner></return>', // a reference at the end; text before a child
      '<return><id> 1</id><name>plain ASCII &lt;a&gt;</name><sex>T</sex><active> 1 </active></return>',
    ];
    for (const inner of inners) {
      assert.deepEqual(readSoapBytes(bytesOf('getOne', inner), schema, 'getOne'), readSoapReply(answer('getOne', inner), schema, 'getOne'), inner);
    }
    // Bytes that are not UTF-8 become U+FFFD, as Buffer#toString('utf8') makes them.
    const broken = Buffer.concat([Buffer.from(answer('getOne', '<return><id>1</id><name>a').replace('</ns2:getOneResponse></soap:Body></soap:Envelope>', '')),
      Buffer.from([0xff, 0xc3, 0x41, 0xe1, 0xbb]), Buffer.from('</name></return></ns2:getOneResponse></soap:Body></soap:Envelope>')]);
    const fromText = readSoapReply(broken.toString('utf8'), schema, 'getOne');
    assert.deepEqual(readSoapBytes(broken, schema, 'getOne'), fromText);
    assert.deepEqual(fromText, { kind: 'return', value: { id: 1, name: 'a\ufffd\ufffdA\ufffd' } });
    // The same in a field long enough to be decoded from the bytes directly (13 bytes or more),
    // with a reference and a name past ASCII beside the broken bytes.
    const long = Buffer.concat([Buffer.from(answer('getOne', '<return><id>1</id><name> NGUYỄN &amp; a').replace('</ns2:getOneResponse></soap:Body></soap:Envelope>', '')),
      Buffer.from([0xff, 0xc3, 0x41, 0xe1, 0xbb]), Buffer.from('Åström </name></return></ns2:getOneResponse></soap:Body></soap:Envelope>')]);
    const longFromText = readSoapReply(long.toString('utf8'), schema, 'getOne');
    assert.deepEqual(readSoapBytes(long, schema, 'getOne'), longFromText);
    assert.deepEqual(longFromText, { kind: 'return', value: { id: 1, name: 'NGUYỄN & a\ufffd\ufffdA\ufffdÅström' } });
  });

  it('tells a field from a name one letter apart in its start tag, and refuses such an end tag', () => {
    for (const field of ['name', 'weight']) {
      for (let i = 0; i < field.length; i++) {
        const other = field.slice(0, i) + (field[i] === 'x' ? 'y' : 'x') + field.slice(i + 1);
        const start = `<return><id>1</id><${other}>Ann</${other}><status>2</status></return>`;
        for (const r of [readSoapBytes(bytesOf('getOne', start), schema, 'getOne'), readSoapReply(answer('getOne', start), schema, 'getOne')]) {
          assert.deepEqual(r, { kind: 'return', value: { id: 1, [other]: 'Ann', status: 2 } }, other);
        }
        const end = answer('getOne', `<return><id>1</id><${field}>Ann</${other}><status>2</status></return>`);
        assert.throws(() => readSoapBytes(Buffer.from(end), schema, 'getOne'), MalformedXmlError, end);
        assert.throws(() => readSoapReply(end, schema, 'getOne'), MalformedXmlError, end);
      }
    }
  });

  it('refuses what is not well-formed as the text reader does, and reads faults', () => {
    const whole = answer('getOne', '<return><id>1</id><name>Ễ</name></return>');
    for (const bad of [whole.replace('</name>', '</ñame>'), whole.slice(0, whole.indexOf('</name>')), whole.replace('Ễ', 'Ễ & é'),
      whole.replace('<id>', 'Ễ &bogus; <id>'), // in text before a child element, which is not kept
      whole.replace('<name>Ễ</name>', '<name xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true">&bogus;</name>'), // in a nil element
      whole.replace('Ễ', 'ascii & only')]) {
      assert.throws(() => readSoapBytes(Buffer.from(bad), schema, 'getOne'), MalformedXmlError, bad);
    }
    const fault = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Données « Ễ »</faultstring></soap:Fault></soap:Body></soap:Envelope>';
    assert.deepEqual(readSoapBytes(Buffer.from(fault), schema, 'getOne'), { kind: 'fault', fault: { code: 'soap:Server', text: 'Données « Ễ »' } });
  });
});

describe('what a read record holds in memory', () => {
  it('no more than the same record rebuilt from JSON: not the whole answer it came from, no hash-table objects', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const fields = Array.from({ length: 30 }, (_, f) => `<name>${'x'.repeat(f)}</name>`).join('');
    const wide = readSoapSchema(WSDL.replace('<xs:element minOccurs="0" name="name" type="xs:string"/>',
      Array.from({ length: 30 }, (_, f) => `<xs:element minOccurs="0" name="f${f}" type="xs:string"/>`).join('')))!;
    const record = (i: number): string => answer('getOne', `<return><id>${i}</id>${fields.replace(/<name>(x*)<\/name>/g, (_m, x: string) => `<f${x.length}>text ${i} ${x}</f${x.length}>`)}</return><pad>${'p'.repeat(4000)}</pad>`);
    const heapOf = (make: (i: number) => unknown): number => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const kept = Array.from({ length: 2000 }, (_, i) => make(i));
      gc();
      const used = process.memoryUsage().heapUsed - before;
      assert.equal(kept.length, 2000);
      return used;
    };
    const read = (i: number): unknown => (readSoapReply(Buffer.from(record(i)).toString(), wide, 'getOne') as { value: unknown }).value;
    const ours = heapOf(read);
    const rebuilt = heapOf((i) => JSON.parse(JSON.stringify(read(i))) as unknown);
    assert.ok(ours < rebuilt * 1.3, `${Math.round(ours / 2000)} B per record read, ${Math.round(rebuilt / 2000)} B rebuilt`);
    // From the bytes too, with a character beyond Latin-1 in the answer (the pad) so that they are read as such.
    const fromBytes = (i: number): unknown => (readSoapBytes(Buffer.from(record(i).replace('<pad>', '<pad>Ễ')), wide, 'getOne') as { value: unknown }).value;
    const ourBytes = heapOf(fromBytes);
    assert.ok(ourBytes < rebuilt * 1.3, `${Math.round(ourBytes / 2000)} B per record read from bytes, ${Math.round(rebuilt / 2000)} B rebuilt`);
  });
});

// Answers over PIECE_LENGTH are read a piece at a time, cut between two tags (soap-reply.ts,
// pieceEnd). Every answer the tests have is read whole and in pieces at many small lengths: the
// same value, or the same error for one that is not well-formed.
describe('reading a long answer in pieces', () => {
  const WHOLE = Number.POSITIVE_INFINITY;
  const outcome = (body: Buffer, s: SoapSchema, op: string, length: number): unknown => {
    try {
      return readSoapBytes(body, s, op, length);
    } catch (e) {
      return { threw: (e as Error).constructor.name, message: (e as Error).message };
    }
  };
  // Every length from 16 to 400 bytes, and some longer ones (fixed seed: a failure is reproducible).
  let seed = 18;
  const random = (below: number): number => { seed = (seed * 48_271) % 2_147_483_647; return seed % below; };
  const lengths = [...Array.from({ length: 385 }, (_, i) => 16 + i), ...Array.from({ length: 20 }, () => 401 + random(4000))];
  const sameInPieces = (body: Buffer, s: SoapSchema, op: string, label: string, every = 1): void => {
    const whole = outcome(body, s, op, WHOLE);
    for (const length of lengths.filter((_, i) => i % (body.length > 20_000 ? 16 : every) === 0)) {
      assert.deepStrictEqual(outcome(body, s, op, length), whole, `${label} in pieces of ${length}`);
    }
  };

  // The ways an answer can be broken: cut off (in a tag, in text, between tags), tags crossed,
  // a stray '<' (an error that names its offset), an undefined reference, text after the root.
  const broken = (text: string): string[] => {
    const mid = text.indexOf('><', text.length >> 1) + 1;
    return [
      text.slice(0, mid), text.slice(0, mid + 3), text.slice(0, text.length - 5), text.slice(0, (text.length * 2) / 3),
      text.replace(/<\/soap:Body><\/soap:Envelope>$/, '</soap:Envelope></soap:Body>'),
      `${text.slice(0, mid)}< ${text.slice(mid)}`, `${text.slice(0, mid)}<a>&bogus;</a>${text.slice(mid)}`, `${text}x`,
    ];
  };

  it('gives the same values and errors for the answers of this file', () => {
    const inners = [
      '<return><id>1</id><name>Ann</name></return>',
      '<return><active>true</active><id>9007199254740</id><name>Ann</name><sex>T</sex><status>65</status><updated>2024-03-12T09:00:00-04:00</updated><weight>61.5</weight></return>',
      '<return><id>1</id><exts><n>1</n></exts></return><return><id>2</id><exts><n>2</n></exts><exts><n>3</n></exts></return><return><id>3</id></return>',
      '<return>\n <id> 7 </id>\n <name>\n  Ễ&#13;b&#x20;\t</name>\n</return>',
      '<return><id>1</id><name>é</name><name>Ễ</name></return>',
      '<return xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id>1</id><name  >ü</name  ><weight xsi:nil="true"/><ünknown a="ß">Ω</ünknown></return>',
      '<return><id>1</id><name>   </name><owner><key> \t</key><n>2</n></owner></return>',
      '<return><id>1</id><name> é&#32; \n</name><owner>ü &amp; <key>Ω&#x20;</key> <n>3</n></owner></return>',
      '<return><id> 1</id><name>plain ASCII &lt;a&gt; and a longer text &amp; &#233; Nguyễn “Zoë” 😀</name><sex>T</sex><active> 1 </active></return>',
      '<return><id>1</id><name></name><sex></sex><weight></weight><owner></owner><exts></exts><exts/><status></status></return>', // empty elements
      '<return><id>1</id><owner><key></key><n></n></owner><name>x</name></return><return></return><return><exts></exts></return>',
      '<return><id>1</id><unknown></unknown><other a="1"></other><name b=\'>\'>a&gt;b</name></return>',
    ];
    for (const op of ['getOne', 'getThings']) {
      for (const inner of [...inners, inners.join(''), '']) {
        const text = answer(op, op === 'getOne' ? inner : inner.repeat(3));
        sameInPieces(Buffer.from(text), schema, op, text);
        for (const bad of broken(text)) sameInPieces(Buffer.from(bad), schema, op, bad, 5);
      }
    }
    const fault = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Données « Ễ »</faultstring></soap:Fault></soap:Body></soap:Envelope>';
    sameInPieces(Buffer.from(fault), schema, 'getOne', fault);
  });

  it('gives the same values and errors for what the simulator answers and the wire samples', async () => {
    const { OscarClient } = await import('../../src/oscar/client.js');
    const { HttpTransport } = await import('../../src/oscar/http-transport.js');
    const { startSimulator } = await import('../../src/sim/server.js');
    const { demoCredentials } = await import('../../src/sim/options.js');
    const samples = await import('../mappers/wire-samples.js');
    const sim = await startSimulator();
    const creds = demoCredentials({});
    const client = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone, retries: 0,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword },
    });
    const schemas = new Map<string, SoapSchema>();
    const answers: { path: string; op: string; body: Buffer }[] = [];
    const send = HttpTransport.prototype.send;
    HttpTransport.prototype.send = async function (this: InstanceType<typeof HttpTransport>, x) {
      const reply = await send.call(this, x);
      if (x.url.search === '?wsdl') schemas.set(x.url.pathname, readSoapSchema(reply.body.toString())!);
      else if (x.url.pathname.includes('/ws/') && /xml/.test(String(reply.headers['content-type']))) {
        answers.push({ path: x.url.pathname, op: /Body>\s*<(?:[\w-]+:)?(\w+)/.exec(String(x.body))![1]!, body: reply.body });
      }
      return reply;
    };
    try {
      const d = sim.store.data;
      const patient = d.demographics.find((p) => p.yearOfBirth && p.monthOfBirth && p.dateOfBirth)!;
      const appt = d.appointments[0]!;
      const calls: (() => Promise<unknown>)[] = [
        () => client.soapGetDemographic(patient.demographicNo), () => client.soapGetDemographic(999_999_999),
        () => client.soapGetDemographic2(patient.demographicNo), () => client.soapGetDemographics(d.demographics.slice(0, 60).map((p) => p.demographicNo)),
        () => client.soapSearchDemographicsByAttributes({ lastName: patient.lastName }), () => client.soapGetActiveDemographicsAfter(null, ['demographicNo']),
        () => client.soapGetAppointment2(appt.appointmentNo), () => client.soapGetAppointmentsForPatient2(appt.demographicNo, 0, 50),
        () => client.soapGetAppointmentsUpdatedAfterDate(0, 50), () => client.soapGetAllergy(d.allergies[0]!.allergyId),
        () => client.soapGetAllergiesByProgramProviderDemographicDate(d.allergies[0]!.demographicNo, 0, 50),
        () => client.soapGetPrevention(d.preventions[0]!.id), () => client.soapGetPreventionsByDemographicIdAfter(d.preventions[0]!.demographicNo),
        () => client.soapGetDocument(d.documents[0]!.documentNo), () => client.soapGetProviders2(null),
      ];
      for (const call of calls) await call();
      sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'soapFault', faultString: 'Données « Ễ » & <fault>', times: 1 });
      await assert.rejects(client.soapGetDemographic(patient.demographicNo));
    } finally {
      HttpTransport.prototype.send = send;
      client.close();
      await sim.close();
    }
    assert.ok(answers.length >= 17 && answers.some((a) => a.body.length > 20_000), `${answers.length} answers recorded`);
    assert.ok(answers.some((a) => a.body.includes('Fault>')), 'a fault among them');
    const byOperation = new Map<string, SoapSchema>();
    for (const s of schemas.values()) for (const op of s.operations) byOperation.set(op, s);
    for (const { path, op, body } of answers) {
      const s = schemas.get(path)!;
      sameInPieces(body, s, op, `${op} (${body.length} bytes)`);
      for (const bad of broken(body.toString())) sameInPieces(Buffer.from(bad), s, op, `${op} broken`, 5);
    }
    for (const [key, sample] of Object.entries(samples).filter(([k]) => k.startsWith('SOAP_'))) {
      const op = /:(\w+)Response /.exec(sample)![1]!;
      sameInPieces(Buffer.from(sample), byOperation.get(op)!, op, key);
      for (const bad of broken(sample)) sameInPieces(Buffer.from(bad), byOperation.get(op)!, op, `${key} broken`, 5);
    }
  });

  // An answer whose toString calls for its Latin-1 text are recorded (text fields are decoded as UTF-8 from the bytes).
  const spied = (text: string): { body: Buffer; calls: unknown[][] } => {
    const body = Buffer.from(text);
    const calls: unknown[][] = [];
    Object.defineProperty(body, 'toString', { value: (...a: unknown[]) => { if (a[0] === 'latin1') calls.push(a); return Buffer.prototype.toString.apply(body, a as []); } });
    return { body, calls };
  };
  const rows = Array.from({ length: 1400 }, (_, i) => `<return><active>true</active><id>${i}</id><name>Nguyễn ${i} &amp; Zoë</name><status>4</status><exts><key>k${i}</key><n>${i}</n></exts><exts></exts></return>`).join('');
  const long = answer('getThings', rows);

  it('reads an answer longer than 120 KiB a piece of about 60 KiB at a time', () => {
    assert.ok(long.length > 128 * 1024);
    const { body, calls } = spied(long);
    const r = readSoapBytes(body, schema, 'getThings');
    assert.ok(calls.length >= 2, `${calls.length} pieces`);
    let at = 0;
    for (const [encoding, start, end] of calls as [string, number, number][]) {
      assert.equal(encoding, 'latin1');
      assert.equal(start, at);
      assert.ok(end - start <= 60 * 1024 && end - start > 59 * 1024 || end === body.length, `a piece from ${start} to ${end}`);
      assert.equal(body[end - 1], 0x3e, 'a piece ends with a tag');
      at = end;
    }
    assert.equal(at, body.length);
    const rowsRead = (r as { value: { id: number; name: string; exts: unknown[] }[] }).value;
    assert.equal(rowsRead.length, 1400);
    assert.deepEqual(rowsRead[1399], { active: true, id: 1399, name: 'Nguyễn 1399 & Zoë', status: 4, exts: [{ key: 'k1399', n: 1399 }, null] });
    assert.deepStrictEqual(r, readSoapReply(long, schema, 'getThings'));
  });

  it('makes a piece longer than 60 KiB only where it holds no place between two tags', () => {
    const text = answer('getThings', `<return><id>0</id><name>${'ab'.repeat(50_000)}</name></return>${rows}`);
    const { body, calls } = spied(text);
    const r = readSoapBytes(body, schema, 'getThings') as { value: { name: string }[] };
    const pieces = (calls as [string, number, number][]).map(([, start, end]) => [start, end] as const);
    // The last place before the long field, then the first one after it; the rest as usual.
    assert.deepEqual(pieces.slice(0, 2), [[0, body.indexOf('<name>')], [body.indexOf('<name>'), body.indexOf('</name>') + 7]]);
    assert.ok(pieces.length >= 4 && pieces.slice(2).every(([start, end]) => end - start <= 60 * 1024), `${pieces.length} pieces: ${JSON.stringify(pieces)}`);
    assert.equal(r.value[0]!.name.length, 100_000);
    assert.deepStrictEqual(r, readSoapReply(text, schema, 'getThings'));
  });

  it('reads whole an answer with a comment, a CDATA section or an XML declaration, and one of up to 120 KiB', () => {
    const variants = [
      long.replace('<return>', '<!-- a comment --><return>'),
      long.replace('<name>Nguyễn 9 &amp; Zoë</name>', '<name><![CDATA[Nguyễn 9 & Zoë]]></name>'),
      `<?xml version="1.0" encoding="UTF-8"?>${long}`,
      answer('getThings', rows.slice(0, rows.indexOf('<return><active>true</active><id>400<'))),
    ];
    const upTo = (length: number): string => { const text = answer('getThings', rows.slice(0, rows.indexOf('<return><active>true</active><id>700<'))); return text + '\n'.repeat(length - Buffer.byteLength(text)); };
    variants.push(upTo(120 * 1024));
    const { body, calls } = spied(upTo(120 * 1024 + 1));
    readSoapBytes(body, schema, 'getThings');
    assert.equal(calls.length, 3, 'a byte more is read in pieces');
    for (const text of variants) {
      const { body, calls } = spied(text);
      const r = readSoapBytes(body, schema, 'getThings');
      assert.deepEqual(calls, [['latin1']], text.slice(0, 60));
      assert.deepStrictEqual(r, readSoapReply(text, schema, 'getThings'));
    }
  });
});
