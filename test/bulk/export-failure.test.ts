// An export whose OSCAR goes down under it: the job rides out a few refusals, then fails. Its
// status answers 500 with an OperationOutcome (Bulk Data: a failed job is a 5xx with an
// OperationOutcome, never a manifest), and the files it had written are neither served nor kept.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { kickOff, waitFor } from './export-helpers.js';

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
