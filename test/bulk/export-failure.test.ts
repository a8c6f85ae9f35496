// An export whose OSCAR goes down under it: the job rides out a few refusals, then fails. Its
// status answers 500 with an OperationOutcome (Bulk Data: a failed job is a 5xx with an
// OperationOutcome, never a manifest), and the files it had written are neither served nor kept.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { CUT_KINDS } from '../../src/sim/faults.js';
import { activePatients, kickOff, manifestOf, resourcesOf, waitFor } from './export-helpers.js';

describe('an export while OSCAR is down', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ sim: { patients: 30, seed: 5 }, env: { BULK_MIN_POLL_MS: '0' }, facade: { exportRetries: 2 } });
  });
  after(async () => { await stack.close(); });

  it('fails with status 500 and an OperationOutcome, no manifest, and its partial files are gone', async () => {
    // Patients and immunizations come through; then every allergy read finds the connection dropped.
    const down = stack.sim.faults.add({ match: { operation: 'getAllergiesByProgramProviderDemographicDate' }, mode: 'reset' });
    try {
      const status = await kickOff(stack, '/Patient/$export?_type=Patient,Immunization,AllergyIntolerance');
      const id = status.split('/').pop()!;
      const res = await waitFor(status);
      assert.equal(res.status, 500);
      assert.match(res.headers.get('content-type') ?? '', /^application\/fhir\+json/);
      const body = await res.json() as Record<string, unknown> & { issue: { severity: string; code: string; diagnostics: string }[] };
      assert.equal(body.resourceType, 'OperationOutcome');
      assert.equal(body.issue[0]!.severity, 'error');
      assert.equal(body.issue[0]!.code, 'exception');
      assert.match(body.issue[0]!.diagnostics, /OSCAR stayed unavailable during the export; start it again later/);
      for (const k of ['output', 'transactionTime', 'request', 'error']) assert.equal(body[k], undefined, `no half manifest (${k})`);
      assert.equal((await fetch(`${stack.base}/$export-file/${id}/Patient-1.ndjson`)).status, 404, 'the Patient file written before OSCAR went down is not served');
      const folder = join(stack.config.bulk.dir, id);
      assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], [], 'nor kept');
      assert.equal((await fetch(status)).status, 500, 'the status keeps saying so until the job expires');
    } finally {
      stack.sim.faults.remove(down);
    }
  });
});

// An answer cut short by its connection is the connection's failure, not OSCAR's answer about the
// patient (sources/source.ts aboutThePatient): the batch is waited out and read again. The client
// does not retry here (OSCAR_RETRIES=0), so every cut reaches the export engine.
describe('an export whose OSCAR answers are cut short by the connection', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ sim: { patients: 12, seed: 7 }, env: { BULK_MIN_POLL_MS: '0', OSCAR_RETRIES: '0' }, facade: { exportRetries: 2 } });
  });
  after(async () => { await stack.close(); });

  for (const cut of CUT_KINDS) {
    it(`cut as '${cut}' on the patient reads twice: waited out, every patient exported, none named as left out`, async () => {
      const before = stack.sim.stats.snapshot().faults.cut ?? 0;
      const rule = stack.sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'cut', cut, times: 2 });
      try {
        const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient'));
        assert.equal(stack.sim.stats.snapshot().faults.cut, before + 2, 'two answers cut');
        assert.deepEqual(m.error, [], 'no patient left out');
        const ids = (await resourcesOf(m, 'Patient')).map((p: { id: string }) => Number(p.id)).sort((a, b) => a - b);
        assert.deepEqual(ids, activePatients(stack.sim.store.data));
      } finally {
        stack.sim.faults.remove(rule);
      }
    });
  }
});
