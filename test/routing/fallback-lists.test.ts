// The lists an older OSCAR offers instead of the *ByDemographicIdAfter calls (variants B23): a
// patient's immunizations read per recording provider on OSCAR 15 are the ones Open-O lists in one
// call, for the same clinic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ids = (b: Bundle): string[] => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!).sort();

describe('immunizations without getPreventionsByDemographicIdAfter', () => {
  let openo: Stack;
  let oscar15: Stack;
  before(async () => {
    openo = await startStack({ sim: { patients: 6 }, facade: { capabilities: { current: () => VARIANT_MAPS.openo! } } });
    oscar15 = await startStack({ sim: { patients: 6, variant: 'oscar15' }, facade: { capabilities: { current: () => VARIANT_MAPS.oscar15! } } });
  });
  after(async () => { await openo.close(); await oscar15.close(); });

  it('finds every immunization of each patient, one recording provider at a time', async () => {
    let seen = 0;
    for (const d of openo.sim.store.data.demographics) {
      const expected = ids((await openo.fhir(`/Immunization?patient=${d.demographicNo}`)).body as Bundle);
      const res = await oscar15.fhir(`/Immunization?patient=${d.demographicNo}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(ids(res.body as Bundle), expected, `patient ${d.demographicNo}`);
      seen += expected.length;
    }
    assert.ok(seen > 0, 'the clinic has immunizations');
  });
});
