// The fast check's reading of the schema's patterns (src/validation/schema-checks.ts), where
// loops over the characters answer yes before the regex for dates, codes and ids: over valid
// values and many one-change copies of them, valueHolds answers exactly what the schema's
// regex (compiled here from the schema file, with the `u` flag as ajv does) answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSchema } from '../../src/validation/schema-file.js';
import { SchemaChecks, valueHolds } from '../../src/validation/schema-checks.js';

const definitions = readSchema().definitions;

const SEEDS: Record<string, string[]> = {
  date: ['2024-03-08', '2024-03-08T10:00:00Z', '1980-02-29', '0001-01-01', '9999-12-31', '1980', '1980-02', '2000-10-31'],
  dateTime: ['2024-03-08T10:00:00-05:00', '2024-03-08T10:00:00Z', '2024-03-08T23:59:60.123456+14:00', '2024-03-08T00:00:00+13:59', '1980-02', '1980', '2024-03-08'],
  instant: ['2024-03-08T10:00:00-05:00', '2024-03-08T10:00:00.5Z', '1000-10-10T20:09:59-00:00', '2024-12-31T23:59:60+14:00'],
  code: ['MR', 'JHN', 'home', 'entered-in-error', 'a b', 'x', 'application/fhir+json', '!~'],
  id: ['102200', '8aa303cda9f8368e', 'a.b-C', 'x', '0123456789012345678901234567890123456789012345678901234567890123'],
  uri: ['http://terminology.hl7.org/CodeSystem/v2-0203', 'urn:ietf:bcp:47', ''],
};
const ALPHABET = ['0', '1', '2', '3', '4', '5', '6', '9', '-', ':', 'T', 't', 'Z', '+', '.', ' ', '\u00a0', '\t', '\n', 'x', '/', '_', '~', '\u00e9', '\ud83d', '\u3000'];

/** The seed, and copies of it with one character replaced, removed or added, cut short or doubled. */
function copies(seed: string): string[] {
  const out = new Set([seed, `${seed}${seed}`, ` ${seed}`, `${seed} `]);
  for (let i = 0; i <= seed.length; i++) {
    out.add(seed.slice(0, i));
    if (i < seed.length) out.add(seed.slice(0, i) + seed.slice(i + 1));
    for (const c of ALPHABET) {
      out.add(seed.slice(0, i) + c + seed.slice(i));
      if (i < seed.length) out.add(seed.slice(0, i) + c + seed.slice(i + 1));
    }
  }
  return [...out];
}

describe('valueHolds reads each pattern as its regex does', () => {
  for (const [type, seeds] of Object.entries(SEEDS)) {
    it(type, () => {
      const pattern: unknown = definitions[type]?.pattern;
      assert.ok(typeof pattern === 'string', `the schema's ${type} has a pattern`);
      const regex = new RegExp(pattern, 'u');
      const holder = { ...definitions, Holder: { properties: { value: { $ref: `#/definitions/${type}` } } } };
      const check = new SchemaChecks(holder).prop('Holder', 'value').item;
      assert.ok(check.pattern, 'the check has the pattern');
      // dates, codes and ids are first read by a loop; uri is left to the regex
      assert.equal(check.accept !== 0, type !== 'uri', `${type}: read by a loop first`);
      let matched = 0;
      let refused = 0;
      for (const seed of seeds) {
        for (const s of copies(seed)) {
          const expected = regex.test(s);
          assert.equal(valueHolds(s, check), expected, `${type} ${JSON.stringify(s)}`);
          if (expected) matched++;
          else refused++;
        }
      }
      assert.ok(matched > 10 && refused > 100, `${type}: ${matched} matched, ${refused} refused`);
    });
  }
});
