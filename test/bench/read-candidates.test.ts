// Benchmark 6 times cache-miss reads: every DocumentReference it reads must be one the facade
// answers 200, and the documents it passes over must be the ones no read can answer 200 — a file
// gone from OSCAR's document store (getDocument faults, contract 4.10: 502) or a provider document
// (docs/mapping.md §6.1: 404).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readCandidates } from '../../bench/lib/read-candidates.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
// The benchmark's own clinic: the simulator's default seed and size.
before(async () => { stack = await startStack(); });
after(async () => { await stack.close(); });

describe('DocumentReference read candidates', () => {
  test('the first 100 candidates all read 200 through the facade', async () => {
    const chosen = readCandidates(stack.sim.store.data).DocumentReference.slice(0, 100);
    assert.equal(chosen.length, 100);
    const failed: string[] = [];
    for (const id of chosen) {
      const r = await stack.fhir(`/DocumentReference/${id}`);
      if (r.status !== 200) failed.push(`${id}: ${r.status}`);
    }
    assert.deepEqual(failed, []);
  });

  test('the documents passed over are those with no file and those not filed under a patient, and they do not read 200', async () => {
    const { documents, ctlDocuments } = stack.sim.store.data;
    const chosen = new Set(readCandidates(stack.sim.store.data).DocumentReference);
    const left = documents.filter((d) => !chosen.has(d.documentNo));
    const moduleOf = (no: number): string | undefined => ctlDocuments.find((c) => c.documentNo === no)?.module;
    assert.ok(left.some((d) => d.file === null), 'precondition: the clinic holds documents whose file is gone');
    for (const d of left) assert.ok(d.file === null || moduleOf(d.documentNo) !== 'demographic', `document ${d.documentNo} is readable but left out`);
    for (const d of left.slice(0, 10)) {
      const r = await stack.fhir(`/DocumentReference/${d.documentNo}`);
      assert.equal(r.status, d.file === null && moduleOf(d.documentNo) === 'demographic' ? 502 : 404, `document ${d.documentNo}`);
    }
  });
});
