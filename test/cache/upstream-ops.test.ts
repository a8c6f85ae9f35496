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

test('every list read tags each row by its OSCAR id field, and its patient list by the argument that names the patient', () => {
  // [operation, arguments, the rows OSCAR answers (id field as the transfer object names it), expected tags]
  const cases: [string, unknown[], unknown, string[]][] = [
    ['restSearchDemographics', [], [{ demographicNo: 1 }, { demographicNo: 2 }], ['demographic-lists', 'demographic:1', 'demographic:2']],
    ['soapSearchDemographicsByAttributes', [], [{ demographicNo: 3 }], ['demographic-lists', 'demographic:3']],
    ['soapGetActiveDemographicsAfter', [], [{ demographicNo: 4 }], ['demographic-lists', 'demographic:4']],
    ['soapGetDemographicByHealthNumber', [], [{ demographicNo: 5 }], ['demographic-lists', 'demographic:5']],
    ['restV1SearchDemographics', [], { rows: [{ demographicNo: 6 }] }, ['demographic-lists', 'demographic:6']],
    ['soapGetAppointmentsForPatient2', [1001], [{ id: 7 }], ['appointments:1001', 'appointment:7']],
    ['soapGetAppointmentsForDateRangeAndProvider2', [], [{ id: 8 }], ['appointment-lists', 'appointment:8']],
    ['soapGetAppointmentsUpdatedAfterDate', [], [{ id: 9 }], ['appointment-lists', 'appointment:9']],
    ['restAppointmentHistory', [1001], [{ id: 10 }], ['appointments:1001', 'appointment:10']],
    ['restProviderDay', [], [{ appointmentNo: 11 }], ['appointment-lists', 'appointment:11']],
    ['restActiveAllergies', [1001], [{ id: 12 }], ['allergys:1001', 'allergy:12']],
    ['soapGetAllergiesByProgramProviderDemographicDate', [1001], [{ id: 13 }], ['allergys:1001', 'allergy:13']],
    ['soapGetAllergiesUpdatedAfterDate', [], [{ id: 14 }], ['allergy-lists', 'allergy:14']],
    ['soapGetPreventionsByDemographicIdAfter', [1001], [{ id: 15 }], ['preventions:1001', 'prevention:15']],
    ['soapGetPreventionsUpdatedAfterDate', [], [{ id: 16 }], ['prevention-lists', 'prevention:16']],
    ['soapGetPreventionsByProgramProviderDemographicDate', [0, 1001], [{ id: 17 }], ['preventions:1001', 'prevention:17']],
    ['restImmunizations', [1001], [{ id: 18 }], ['preventions:1001', 'prevention:18']],
    ['restActivePreventions', [1001], [{ id: 19 }], ['preventions:1001', 'prevention:19']],
    ['soapGetDocumentsByDemographicIdAfter', [1001], [{ documentNo: 20 }], ['documents:1001', 'document:20']],
    ['soapGetDocumentsByProgramProviderDemographicDate', [0, '999998', 1001], [{ documentNo: 21 }], ['documents:1001', 'document:21']],
    ['soapGetDocumentsUpdateAfterDate', [], [{ documentNo: 22 }], ['document-lists', 'document:22']],
    ['soapGetProviders2', [], [{ providerNo: '999998' }], ['provider-lists', 'provider:999998']],
    ['soapGetLoggedInProviderTransfer', [], { providerNo: '999998' }, ['provider:999998']],
  ];
  for (const [op, args, result, expected] of cases) {
    const rule = UPSTREAM_OPS[op as keyof typeof UPSTREAM_OPS];
    assert.equal(rule?.kind, 'read', op);
    if (rule?.kind !== 'read') continue;
    assert.deepEqual(rule.tags(args, result).sort(), [...expected].sort(), op);
  }
});

test('a row without a usable id adds no record tag', () => {
  const rule = UPSTREAM_OPS.soapGetAppointmentsUpdatedAfterDate;
  if (rule?.kind !== 'read') return assert.fail('a read');
  assert.deepEqual(rule.tags([], [{ id: '' }, { id: null }, {}, { id: 'x7' }, { id: 0 }]).sort(), ['appointment-lists', 'appointment:0', 'appointment:x7']);
  assert.deepEqual(rule.tags([], { content: [{ id: 3 }] }).sort(), ['appointment-lists', 'appointment:3'], 'a search response: its content rows');
  assert.deepEqual(rule.tags([], undefined), ['appointment-lists']);
});

test('every operation: its kind, its cache budget, its defaulted trailing arguments, and what it tags or changes', () => {
  const LIVE = ['breakerState', 'load', 'login2Count', 'close', 'options', 'restOauthInfo', 'probe', 'probeChannel', 'forgetWsdls', 'setMaxInFlight'];
  for (const op of LIVE) assert.deepEqual(UPSTREAM_OPS[op], { kind: 'live' }, op);

  // [operation, cache, defaults, arguments, answer, expected tags]
  const reads: [string, string, unknown[] | undefined, unknown[], unknown, string[]][] = [
    ['restGetDemographicBasic', 'main', [undefined, undefined], ['1001'], null, ['demographic:1001']],
    ['soapGetDemographic', 'main', undefined, ['1001'], null, ['demographic:1001']],
    ['soapGetDemographic2', 'main', undefined, [1002], null, ['demographic:1002']],
    ['soapGetDemographics', 'main', undefined, [[1, 2]], [{ demographicNo: 3 }], ['demographic:1', 'demographic:2', 'demographic:3']],
    ['soapGetDemographics', 'main', undefined, [undefined], [{ demographicNo: 3 }], ['demographic:3']],
    ['restV1GetDemographic', 'main', undefined, ['7'], null, ['demographic:7']],
    ['soapGetActiveDemographicsAfter', 'main', [undefined, undefined], [], null, ['demographic-lists']],
    ['soapGetDemographicByHealthNumber', 'main', [undefined, undefined], [], null, ['demographic-lists']],
    ['restV1SearchDemographics', 'main', undefined, [], null, ['demographic-lists']],
    ['soapGetAppointment2', 'main', undefined, [555], null, ['appointment:555']],
    ['restGetAppointment', 'main', undefined, [556], null, ['appointment:556']],
    ['soapGetAppointmentArchivesUpdatedAfterDate', 'main', undefined, [], [{ id: 1 }], ['appointment-lists']],
    ['soapGetDayWorkSchedule', 'main', undefined, [], [{ id: 1 }], ['provider-lists']],
    ['soapGetScheduleTemplateCodes', 'main', undefined, [], [{ id: 1 }], ['provider-lists']],
    ['soapGetAllergy', 'main', undefined, [7], null, ['allergy:7']],
    ['soapGetPrevention', 'main', undefined, [42], null, ['prevention:42']],
    ['soapGetPreventionsByDemographicIdAfter', 'main', [undefined, 0], [1001], [], ['preventions:1001']],
    ['soapGetDocument', 'documents', undefined, [300], null, ['document:300']],
    ['soapGetDocumentsByDemographicIdAfter', 'documents', [undefined, 0], [1001], [], ['documents:1001']],
    ['soapGetDocumentsByProgramProviderDemographicDate', 'documents', undefined, [0, '1', 1001], [], ['documents:1001']],
    ['soapGetDocumentsUpdateAfterDate', 'documents', undefined, [], [], ['document-lists']],
    ['soapGetLoggedInProviderTransfer', 'main', undefined, [], { providerNo: '' }, []],
  ];
  for (const [op, cache, defaults, args, result, expected] of reads) {
    const rule = UPSTREAM_OPS[op];
    assert.ok(rule?.kind === 'read', op);
    assert.equal(rule.cache, cache, op);
    assert.deepEqual(rule.defaults, defaults, op);
    assert.deepEqual(rule.tags(args, result).sort(), [...expected].sort(), op);
  }

  // [operation, arguments, answer, expected changes]
  const writes: [string, unknown[], unknown, unknown[]][] = [
    ['restCreateDemographic', [{}], { demographicNo: 1003 }, [{ kind: 'demographic', id: 1003 }]],
    ['restCreateDemographic', [{}], null, [{ kind: 'demographic', id: undefined }]],
    ['restUpdateDemographic', [{ demographicNo: 1001 }], null, [{ kind: 'demographic', id: 1001 }]],
    ['soapAddDemographic', [{}], 1004, [{ kind: 'demographic', id: 1004 }]],
    ['soapAddDemographic', [{}], '1004', [{ kind: 'demographic', id: undefined }]],
    ['soapUpdateDemographic', [{ demographicNo: 1001 }], null, [{ kind: 'demographic', id: 1001 }]],
    ['restV1CreateDemographic', [{}], 1005, [{ kind: 'demographic', id: 1005 }]],
    ['soapAddAppointment', [{ demographicNo: 1001 }], 557, [{ kind: 'appointment', id: 557, patient: 1001 }]],
    ['soapUpdateAppointment', [{ id: 555, demographicNo: 1001 }], null, [{ kind: 'appointment', id: 555, patient: 1001 }]],
    ['restAddAppointment', [{ demographicNo: 1001 }], { id: 558 }, [{ kind: 'appointment', id: 558, patient: 1001 }]],
    ['restUpdateAppointmentStatus', [555, 'H'], { demographicNo: 1001 }, [{ kind: 'appointment', id: 555, patient: 1001 }]],
    ['restUpdateAppointmentType', [555, 'Phone'], { demographicNo: 1001 }, [{ kind: 'appointment', id: 555, patient: 1001 }]],
    ['soapCancelAppointment', [555], null, [{ kind: 'appointment', id: 555 }]],
    ['restSaveDocumentToDemographic', [{ demographicNo: 1001 }], { id: 301 }, [{ kind: 'document', id: 301, patient: 1001 }]],
    ['restV1PostDocument', [{}], 302, [{ kind: 'document', id: 302 }]],
    ['restV1AssignDocument', [1001, 302], null, [{ kind: 'document', id: 302, patient: 1001 }]],
  ];
  for (const [op, args, result, expected] of writes) {
    const rule = UPSTREAM_OPS[op];
    assert.ok(rule?.kind === 'write', op);
    assert.deepEqual(rule.changes(args, result), expected, op);
  }
});
