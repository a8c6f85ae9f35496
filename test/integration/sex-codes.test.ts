// FHIR gender 'other' on each OSCAR line (variants B9): OSCAR 19 and Juno list the third sex as T,
// Open-O as X, and searchDemographicsByAttributes faults on a code its WSDL lacks. With discovery
// on, the facade reads the instance's set from its WSDL and searches with the code it has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../helpers/stack.js';

for (const [variant, third] of [['openo', 'X'], ['oscar19', 'T'], ['juno', 'T']] as const) {
  describe(`gender=other on ${variant} (third sex code ${third})`, () => {
    let stack: Stack;
    let id = 0;

    before(async () => {
      stack = await startStack({
        sim: { patients: 6, variant },
        env: { CAPABILITY_DISCOVERY: 'true', CAPABILITY_STARTUP_WAIT_MS: '60000' },
      });
      const row = stack.sim.store.data.demographics.find((d) => d.patientStatus === 'AC' && d.lastName);
      assert.ok(row);
      row.sex = third;
      id = row.demographicNo;
    });
    after(async () => { await stack.close(); });

    it('finds the patient whose sex is the instance\'s third code, and reads it as other', async () => {
      // gender alone: two attribute searches, the third code and O (family would narrow by name and filter gender in memory).
      const r = await stack.fhir('/Patient?gender=other&_count=50');
      assert.equal(r.status, 200, r.text.slice(0, 300));
      const found = (r.body.entry ?? []).map((e: { resource: { id: string; gender: string } }) => [e.resource.id, e.resource.gender]);
      assert.deepEqual(found.filter(([i]: [string]) => i === String(id)), [[String(id), 'other']]);
    });
  });
}
