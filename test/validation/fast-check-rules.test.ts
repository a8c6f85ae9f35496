// The fast check's plans for profile rules (src/validation/fast-check.ts) with rules the shipped
// files do not have: a required element with a condition is asked only when the condition holds,
// and one without a condition is asked always (the shipped conditional rules, JHN's, are also
// required without one, so they cannot tell the two apart). Expected answers are the rules' own
// meaning; the full walk is asked the same, as the judge the fast check stands in for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlans, FastCheck } from '../../src/validation/fast-check.js';
import { loadRuntime } from '../../src/validation/loader.js';
import type { Rule } from '../../src/validation/profile-rules.js';
import { readSchema } from '../../src/validation/schema-file.js';
import { collectFindings, type Runtime } from '../../src/validation/walker.js';
import { changedPatient } from './fixtures.js';

const { runtime } = loadRuntime();

/** The shipped runtime with `extra` rules added to Patient.telecom. */
function withTelecomRules(extra: Rule[]): { fast: FastCheck; rt: Runtime } {
  const rules = new Map(runtime.rules);
  rules.set('Patient.telecom', [...(rules.get('Patient.telecom') ?? []), ...extra]);
  const rt: Runtime = { ...runtime, rules };
  return { fast: new FastCheck(buildPlans(rt, readSchema().definitions)), rt };
}

const phoneNeedsUse: Rule = {
  id: 'test-phone-use', type: 'required', context: 'Patient.telecom', element: 'use',
  where: { path: 'system', equals: 'phone' }, source: 'test',
};
const rankAlways: Rule = { id: 'test-rank', type: 'required', context: 'Patient.telecom', element: 'rank', source: 'test' };

/** The fixture Patient with one telecom, `telecom`. */
const withTelecom = (telecom: Record<string, unknown>) => changedPatient((p) => { p.telecom = [telecom]; });

describe('profile rules in the fast check plans', () => {
  it('a required element with a condition is asked only where the condition holds', () => {
    const { fast, rt } = withTelecomRules([phoneNeedsUse]);
    const cases: [Record<string, unknown>, boolean][] = [
      [{ system: 'email', value: 'a@example.org' }, true],
      [{ system: 'phone', value: '416-555-0100', use: 'home' }, true],
      [{ system: 'phone', value: '416-555-0100' }, false],
    ];
    for (const [telecom, clean] of cases) {
      const p = withTelecom(telecom);
      assert.equal(fast.clean(p), clean, JSON.stringify(telecom));
      assert.equal(collectFindings(rt, p).length === 0, clean, `full walk: ${JSON.stringify(telecom)}`);
    }
  });

  it('a required element without a condition is asked always, its _ twin meeting it too', () => {
    const { fast, rt } = withTelecomRules([rankAlways]);
    const cases: [Record<string, unknown>, boolean][] = [
      [{ system: 'email', value: 'a@example.org' }, false],
      [{ system: 'email', value: 'a@example.org', rank: 1 }, true],
      [{ system: 'email', value: 'a@example.org', _rank: { extension: [{ url: 'http://example.org/x', valueString: 'y' }] } }, true],
    ];
    for (const [telecom, clean] of cases) {
      const p = withTelecom(telecom);
      assert.equal(fast.clean(p), clean, JSON.stringify(telecom));
      assert.equal(collectFindings(rt, p).length === 0, clean, `full walk: ${JSON.stringify(telecom)}`);
    }
  });
});
