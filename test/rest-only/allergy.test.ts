// AllergyIntolerance over OSCAR REST alone (variants §6 B5): a patient's active allergies from
// GET /allergies/active (contract 3.3), said to be active-only in each resource and in the Bundle;
// what REST cannot answer (another clinical status, no patient, a read by id) is refused before
// calling OSCAR. Expected values are the simulator's stored rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AllergyIntolerance, Bundle } from 'fhir/r4.js';
import type { Stack } from '../helpers/stack.js';
import { callsSince, restOnlyStack, type Seen } from './setup.js';

describe('AllergyIntolerance over OSCAR REST when SOAP is behind a WAF', () => {
  let stack: Stack;
  let seen: Seen[];
  before(async () => { ({ stack, seen } = await restOnlyStack()); });
  after(() => stack.close());

  const matches = (b: Bundle): AllergyIntolerance[] => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as AllergyIntolerance);

  /** A patient with both archived and active allergies, one of them without a reaction. */
  function patientWithMixedAllergies(): number {
    const rows = stack.sim.store.data.allergies;
    const patients = [...new Set(rows.map((a) => a.demographicNo))];
    return patients.find((d) => rows.some((a) => a.demographicNo === d && a.archived) && rows.some((a) => a.demographicNo === d && !a.archived))
      ?? patients.find((d) => rows.some((a) => a.demographicNo === d && !a.archived))!;
  }

  it("lists a patient's non-archived allergies, each tagged active-only, with the Bundle saying archived ones are missing", async () => {
    const patient = patientWithMixedAllergies();
    const rows = stack.sim.store.data.allergies.filter((a) => a.demographicNo === patient && !a.archived).sort((a, b) => a.allergyId - b.allergyId);
    const from = seen.length;
    const res = await stack.fhir(`/AllergyIntolerance?patient=${patient}`);
    assert.equal(res.status, 200, res.text);
    const found = matches(res.body as Bundle);
    assert.deepEqual(found.map((a) => Number(a.id)), rows.map((a) => a.allergyId));
    for (const [i, a] of found.entries()) {
      const row = rows[i]!;
      assert.equal(a.clinicalStatus?.coding?.[0]?.code, 'active');
      assert.deepEqual(a.meta?.tag?.map((t) => t.code), ['active-allergies-only']);
      assert.equal(a.code?.text, row.description);
      // contract 3.3: REST fills an empty reaction with 'No reaction noted'; no such reaction was recorded.
      assert.equal(a.reaction?.[0]?.manifestation[0]?.text === 'No reaction noted', false);
      // The JVM's midnight in Vancouver is 03:00 in Toronto: the clinic's day.
      assert.equal(a.recordedDate, row.entryDate?.slice(0, 10));
    }
    const outcome = (res.body as Bundle).entry?.find((e) => e.search?.mode === 'outcome');
    assert.match(JSON.stringify(outcome), /archived \(inactive\) allergies are not in this result/);
    assert.deepEqual(callsSince(seen, from), ['GET /ws/services/allergies/active']);
  });

  it('searches clinical-status=active, and refuses any other status 400 without calling OSCAR', async () => {
    const patient = patientWithMixedAllergies();
    assert.equal((await stack.fhir(`/AllergyIntolerance?patient=${patient}&clinical-status=active`)).status, 200);
    const from = seen.length;
    for (const q of [`patient=${patient}&clinical-status=inactive`, `patient=${patient}&clinical-status=active,resolved`, `patient=${patient}&clinical-status:not=active`]) {
      const res = await stack.fhir(`/AllergyIntolerance?${q}`);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.equal(res.body.resourceType, 'OperationOutcome');
    }
    assert.deepEqual(callsSince(seen, from), []);
  });

  it('refuses a search without a patient 400 and a read by id 501, without calling OSCAR', async () => {
    const from = seen.length;
    const anyId = stack.sim.store.data.allergies[0]!.allergyId;
    const search = await stack.fhir(`/AllergyIntolerance?_id=${anyId}`);
    assert.equal(search.status, 400, search.text);
    assert.equal(search.body.issue[0].code, 'too-costly');
    const read = await stack.fhir(`/AllergyIntolerance/${anyId}`);
    assert.equal(read.status, 501, read.text);
    assert.equal(read.body.resourceType, 'OperationOutcome');
    assert.deepEqual(callsSince(seen, from), []);
  });
});
