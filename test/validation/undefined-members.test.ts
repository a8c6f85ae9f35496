// What leaves is the JSON text of a resource, and JSON has no undefined: a member whose value is
// undefined is not written, and an undefined array item (or a hole) is written null. The outgoing
// check judges the object, so it must read undefined as the text will: an object whose members
// are all undefined is the empty object `{}`, an undefined item of an array the null `[null]`,
// each invalid FHIR (R4 JSON: no empty objects, no null array items but in the `_` arrays of
// primitives). Before, both the fast check and the full walk counted such members as content and
// called the object clean, so sanitizeOutgoing let `"type":{}` or `"identifier":[null]` out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeOutgoing, validateResource } from '../../src/validation/index.js';
import { jsonBytes } from '../../src/fhir/json-bytes.js';
import { buildPlans, FastCheck } from '../../src/validation/fast-check.js';
import { loadRuntime } from '../../src/validation/loader.js';
import { readSchema } from '../../src/validation/schema-file.js';

type Json = Record<string, unknown>;
const { runtime } = loadRuntime();
const fast = new FastCheck(buildPlans(runtime, readSchema().definitions));

const patient = (extra: Json): Json => ({ resourceType: 'Patient', id: 'a', name: [{ family: 'Doe' }], ...extra });

// [what, the resource, the element the text makes invalid]
const CASES: [string, Json, string][] = [
  ['a CodeableConcept whose only member is undefined', patient({ identifier: [{ type: { coding: undefined }, system: 'urn:x', value: '1' }] }), 'Patient.identifier[0].type'],
  ['meta with its only member undefined', patient({ meta: { lastUpdated: undefined } }), 'Patient.meta'],
  ['an undefined item of an array of objects', patient({ identifier: [undefined] }), 'Patient.identifier[0]'],
  ['a hole in an array of objects', patient({ address: [, { city: 'Ottawa' }] }), 'Patient.address[0]'], // eslint-disable-line no-sparse-arrays
  ['an undefined item of a primitive array', patient({ name: [{ family: 'Doe', given: [undefined] }] }), 'Patient.name[0].given[0]'],
];

describe('undefined members and items, read as their JSON text', () => {
  for (const [what, resource, expression] of CASES) {
    it(`${what}: not clean, reported at ${expression}, not sent`, () => {
      const text = jsonBytes(resource).toString();
      assert.match(text, /\{\}|\[null/, `the text is invalid FHIR: ${text}`);
      assert.equal(fast.clean(resource), false);
      const issues = validateResource(resource).filter((i) => i.severity === 'error');
      assert.ok(issues.some((i) => i.expression === expression), JSON.stringify(issues));
      const out = sanitizeOutgoing(resource);
      assert.ok(out.resource !== undefined);
      const sent = jsonBytes(out.resource).toString();
      assert.doesNotMatch(sent, /\{\}|\[null|,null|null\]/, sent);
    });
  }

  it('undefined beside something is nothing to report, as before', () => {
    const cases = [
      patient({ identifier: [{ type: { coding: [{ system: 'urn:x', code: 'a' }], text: undefined }, system: 'urn:x', value: '1' }] }),
      patient({ gender: undefined }),
      patient({ name: [{ family: 'Doe', given: ['A'], _given: [undefined] }] }),
    ];
    for (const r of cases) {
      assert.deepEqual(validateResource(r), []);
      assert.equal(fast.clean(r), true, JSON.stringify(r));
    }
  });
});
