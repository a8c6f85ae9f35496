// The rendered-read cache and a capability map that changes while the facade runs (variants §7.3:
// re-discovery): bytes rendered while a route was served one way are never served after it is
// served another way — a Patient read that became degraded must carry its fidelity tag at once,
// not after the cached answer ages out. The simulator is Open-O throughout; only the map the
// facade routes by changes (Open-O's, then OSCAR 15's, which has no getDemographic2).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('rendered reads across a change of routes', () => {
  let stack: Stack;
  let map = VARIANT_MAPS.openo!;
  const soapCalls: string[] = [];
  before(async () => {
    stack = await startStack({
      sim: { patients: 3, onRequest: (r) => { if (r.path.endsWith('/ws/DemographicService')) soapCalls.push(r.body.toString('utf8')); } },
      facade: { capabilities: { current: () => map } },
    });
  });
  after(() => stack.close());

  const tags = (p: Patient): string[] => (p.meta?.tag ?? []).map((t) => t.code ?? '');

  it('serves a repeated read from the cache, then renders anew when the route changes, and again when it changes back', async () => {
    const id = stack.sim.store.data.demographics[0]!.demographicNo;
    const first = await stack.fhir(`/Patient/${id}`);
    assert.equal(first.status, 200);
    assert.deepEqual(tags(first.body), []);
    const calls = soapCalls.length;
    assert.equal((await stack.fhir(`/Patient/${id}`)).text, first.text);
    assert.equal(soapCalls.length, calls, 'the second read is a cache hit');

    map = VARIANT_MAPS.oscar15!;
    const degraded = await stack.fhir(`/Patient/${id}`);
    assert.equal(degraded.status, 200);
    // Rendered anew (from the cached getDemographic answer): the tag says what this route lacks.
    assert.deepEqual(tags(degraded.body), ['demographic-without-transfer2']);

    map = VARIANT_MAPS.openo!;
    assert.deepEqual(tags((await stack.fhir(`/Patient/${id}`)).body), []);
  });
});
