// A large clinic exported whole (Patient, Immunization, AllergyIntolerance, Appointment,
// DocumentReference): the job completes, every line is a valid R4 resource, and each type's ids
// are the simulator's rows of the active patients. BULK_LARGE_PATIENTS=5000 runs it at 5,000
// patients (about 70 s of CPU: several minutes on a loaded machine); the suite runs 1,500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { validateResource } from '../../src/validation/index.js';
import { activePatients, immunizationIds, kickOff, manifestOf, resourcesOf, simIds, sortedIds } from './export-helpers.js';

const PATIENTS = Number(process.env.BULK_LARGE_PATIENTS ?? 1500);

describe(`a ${PATIENTS}-patient export`, () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: PATIENTS, seed: 21 }, env: { BULK_MIN_POLL_MS: '0', OSCAR_MAX_IN_FLIGHT: '8', OSCAR_GZIP: 'false' } }); });
  after(async () => { await stack.close(); });

  it('completes with every line valid and every record of the active patients', async () => {
    const started = Date.now();
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference'));
    const seconds = (Date.now() - started) / 1000;
    const data = stack.sim.store.data;
    const active = activePatients(data);
    const expected: Record<string, number[]> = {
      Patient: active, Immunization: immunizationIds(data, active),
      AllergyIntolerance: simIds(data, 'AllergyIntolerance', active), Appointment: simIds(data, 'Appointment', active),
      DocumentReference: simIds(data, 'DocumentReference', active),
    };
    let lines = 0;
    for (const [type, ids] of Object.entries(expected)) {
      const got = await resourcesOf(m, type);
      for (const r of got) assert.deepEqual(validateResource(r), [], `${type}/${r.id}`);
      assert.deepEqual(sortedIds(got), ids, type);
      lines += got.length;
    }
    assert.deepEqual(m.error, []);
    console.log(`# ${PATIENTS} patients: ${lines} resources in ${seconds.toFixed(1)} s`);
  });
});
