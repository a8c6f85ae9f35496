// The bytes of a response body: the same as JSON.stringify, a Bundle written entry by entry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonBytes } from '../../src/fhir/json-bytes.js';
import { stampVersion } from '../../src/fhir/version.js';

const patient = (id: string, family: string) => ({ resourceType: 'Patient', id, name: [{ family, given: ['Ana', 'Béatrice'] }] });
const page = {
  resourceType: 'Bundle', type: 'searchset', total: 3, link: [{ relation: 'self', url: 'http://x/fhir/Patient?_count=3' }],
  entry: [
    { fullUrl: 'http://x/fhir/Patient/1', resource: patient('1', 'Tremblay'), search: { mode: 'match' } },
    { fullUrl: 'http://x/fhir/Patient/2', resource: patient('2', 'Nguyễn'), search: { mode: 'match' } },
    { fullUrl: 'http://x/fhir/Patient/3', resource: patient('3', '😀 \u2028 "quoted" \\'), search: { mode: 'match' } },
  ],
};

describe('jsonBytes', () => {
  it('gives the bytes of JSON.stringify for a Bundle, whatever its characters', () => {
    assert.equal(jsonBytes(page).toString('utf8'), '{"resourceType":"Bundle","type":"searchset","total":3,"link":[{"relation":"self","url":"http://x/fhir/Patient?_count=3"}],'
      + '"entry":[{"fullUrl":"http://x/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","name":[{"family":"Tremblay","given":["Ana","Béatrice"]}]},"search":{"mode":"match"}},'
      + '{"fullUrl":"http://x/fhir/Patient/2","resource":{"resourceType":"Patient","id":"2","name":[{"family":"Nguyễn","given":["Ana","Béatrice"]}]},"search":{"mode":"match"}},'
      + '{"fullUrl":"http://x/fhir/Patient/3","resource":{"resourceType":"Patient","id":"3","name":[{"family":"😀 \u2028 \\"quoted\\" \\\\","given":["Ana","Béatrice"]}]},"search":{"mode":"match"}}]}');
  });

  it('keeps the key order and what JSON.stringify leaves out, with entry first, in the middle or last', () => {
    const cases: object[] = [
      { entry: page.entry, resourceType: 'Bundle', total: undefined },
      { resourceType: 'Bundle', skipped: undefined, entry: page.entry, fn: () => 1, type: 'collection' },
      { resourceType: 'Bundle', entry: [page.entry[0], undefined, () => 1, null, page.entry[1]] },
      { resourceType: 'Bundle', entry: page.entry, link: [] },
    ];
    for (const c of cases) assert.equal(jsonBytes(c).toString('utf8'), JSON.stringify(c));
  });

  it('answers anything else as JSON.stringify does, indented when pretty', () => {
    for (const c of [page.entry[1]!.resource, { resourceType: 'Bundle', entry: [page.entry[1]] }, { resourceType: 'Bundle', entry: [] }, { entry: 'x' }]) {
      assert.equal(jsonBytes(c).toString('utf8'), JSON.stringify(c));
    }
    assert.equal(jsonBytes(page, true).toString('utf8'), JSON.stringify(page, null, 2));
    const dated = { entry: page.entry, toJSON: () => ({ replaced: true }) };
    assert.equal(jsonBytes(dated).toString('utf8'), '{"replaced":true}');
  });

  it('writes stamped resources from the text made when they were stamped, equal as JSON to JSON.stringify', () => {
    const stamped = page.entry.map((e) => ({ ...e, resource: stampVersion({ ...e.resource, meta: { lastUpdated: '2024-01-02T03:04:05Z' } } as never) }));
    const cases: object[] = [
      { ...page, entry: stamped },
      { resourceType: 'Bundle', entry: [stamped[1]] },
      { resourceType: 'Bundle', entry: [{ search: { mode: 'match' }, skipped: undefined, resource: stamped[2]!.resource }, page.entry[0], stamped[0]] },
      stamped[1]!.resource,
    ];
    for (const c of cases) {
      const text = jsonBytes(c).toString('utf8');
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(c)));
      assert.notEqual(text, JSON.stringify(c), 'in canonical order, not the order the resource was built in');
    }
    // Entry members whose names JSON escapes, an index-like one (listed first) and one too long to
    // be remembered quoted: written as JSON.stringify writes them, before and after they were seen.
    const odd = { search: { mode: 'match' }, 'a"b\\c\n': 1, 7: 'seven', ['x'.repeat(70)]: true, resource: stamped[1]!.resource, 'Ünïcode 😀': null };
    const expected = `{"entry":[{"7":"seven","search":{"mode":"match"},"a\\"b\\\\c\\n":1,"${'x'.repeat(70)}":true,"resource":{"resourceType":"Patient","id":"2","meta":{"lastUpdated":"2024-01-02T03:04:05Z","versionId":"${(stamped[1]!.resource as { meta: { versionId: string } }).meta.versionId}"},"name":[{"family":"Nguyễn","given":["Ana","Béatrice"]}]},"Ünïcode 😀":null}]}`;
    for (let i = 0; i < 2; i++) assert.equal(jsonBytes({ entry: [odd] }).toString('utf8'), expected);
    // Indented output is JSON.stringify's own.
    assert.equal(jsonBytes(stamped[0]!.resource, true).toString('utf8'), JSON.stringify(stamped[0]!.resource, null, 2));
  });
});
