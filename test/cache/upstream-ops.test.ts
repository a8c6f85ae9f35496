// Every public OscarClient member is classified for the cache (read, write or live). The typecheck
// enforces it (UPSTREAM_OPS satisfies Record<keyof OscarClient, …>); what stays to check at run
// time is that the table names real members and that the rules say what they change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UPSTREAM_OPS } from '../../src/cache/upstream-ops.js';
import { tagsOfChange } from '../../src/cache/tags.js';
import { OscarClient } from '../../src/oscar/client.js';

test('every classified name is a member of an OscarClient, and its methods are classified', () => {
  const client = new OscarClient({
    baseUrl: 'http://oscar.invalid/oscar', timezone: 'America/Toronto',
    oauth: { consumerKey: '-', consumerSecret: '-', token: '-', tokenSecret: '-' }, soap: { userName: '-', password: '-' },
  });
  try {
    const stale = Object.keys(UPSTREAM_OPS).filter((n) => !(n in client));
    assert.deepEqual(stale, [], 'names in src/cache/upstream-ops.ts that OscarClient does not have');
    const methods = Object.getOwnPropertyNames(OscarClient.prototype).filter((n) => n !== 'constructor');
    for (const n of ['soapGetDemographic', 'restUpdateDemographic', 'soapAddAppointment', 'soapGetProviders2', 'login2Count']) {
      assert.ok(methods.includes(n) && UPSTREAM_OPS[n], `${n} is a classified OscarClient member`);
    }
  } finally {
    client.close();
  }
});

test('reads are tagged with the records they return, writes name the records they change', () => {
  const r = UPSTREAM_OPS.soapGetAppointmentsForPatient2;
  assert.equal(r?.kind, 'read');
  if (r?.kind !== 'read') return;
  assert.deepEqual(r.tags([1001, 0, 100], [{ id: 5 }, { id: 6 }]).sort(), ['appointment:5', 'appointment:6', 'appointments:1001']);
  const w = UPSTREAM_OPS.soapUpdateAppointment;
  assert.equal(w?.kind, 'write');
  if (w?.kind !== 'write') return;
  const tags = w.changes([{ id: 5, demographicNo: 1002 }], undefined).flatMap(tagsOfChange).sort();
  // the appointment's own tag reaches the lists of the patient it moved away from
  assert.deepEqual(tags, ['appointment-lists', 'appointment:5', 'appointments:1002']);
  const docs = UPSTREAM_OPS.soapGetDocument;
  assert.ok(docs?.kind === 'read' && docs.cache === 'documents', 'document bytes live in their own budget');
  assert.equal(UPSTREAM_OPS.probe?.kind, 'live');
});

test('REST schedule calls: day lists tag rows by appointmentNo, status and type updates name the appointment and its patient', () => {
  const day = UPSTREAM_OPS.restProviderDay;
  assert.ok(day?.kind === 'read');
  assert.deepEqual(day.tags(['999998', '2024-03-12'], [{ appointmentNo: 5 }, { appointmentNo: 6 }]).sort(), ['appointment-lists', 'appointment:5', 'appointment:6']);
  const history = UPSTREAM_OPS.restAppointmentHistory;
  assert.ok(history?.kind === 'read');
  assert.deepEqual(history.tags([1001], [{ id: 5 }]).sort(), ['appointment:5', 'appointments:1001']);
  for (const name of ['restUpdateAppointmentStatus', 'restUpdateAppointmentType']) {
    const w = UPSTREAM_OPS[name];
    assert.ok(w?.kind === 'write', name);
    assert.deepEqual(w.changes([5, 'C'], { id: 5, demographicNo: 1001 }).flatMap(tagsOfChange).sort(), ['appointment-lists', 'appointment:5', 'appointments:1001'], name);
  }
  const add = UPSTREAM_OPS.restAddAppointment;
  assert.ok(add?.kind === 'write');
  assert.deepEqual(add.changes([{ demographicNo: 1001 }], { id: 9 }).flatMap(tagsOfChange).sort(), ['appointment-lists', 'appointment:9', 'appointments:1001']);
  const imm = UPSTREAM_OPS.restImmunizations;
  assert.ok(imm?.kind === 'read');
  assert.deepEqual(imm.tags([1001], [{ id: 41 }]).sort(), ['prevention:41', 'preventions:1001']);
});

test('Juno calls: search pages tag their rows, a filed document reaches its patient, a cancel names the appointment', () => {
  const search = UPSTREAM_OPS.restV1SearchDemographics;
  assert.ok(search?.kind === 'read');
  assert.deepEqual(search.tags([{ lastName: 'DOE' }], { rows: [{ demographicNo: 1001 }], total: 1, page: 1, perPage: 10 }).sort(), ['demographic-lists', 'demographic:1001']);
  const assign = UPSTREAM_OPS.restV1AssignDocument;
  assert.ok(assign?.kind === 'write');
  assert.deepEqual(assign.changes([1001, 300], undefined).flatMap(tagsOfChange).sort(), ['document-lists', 'document:300', 'documents:1001']);
  const cancel = UPSTREAM_OPS.soapCancelAppointment;
  assert.ok(cancel?.kind === 'write');
  assert.deepEqual(cancel.changes([555], undefined).flatMap(tagsOfChange).sort(), ['appointment-lists', 'appointment:555']);
  const update = UPSTREAM_OPS.soapUpdateDemographic;
  assert.ok(update?.kind === 'write');
  assert.deepEqual(update.changes([{ demographicNo: 1001 }], undefined).flatMap(tagsOfChange).sort(), ['demographic-lists', 'demographic:1001']);
});
