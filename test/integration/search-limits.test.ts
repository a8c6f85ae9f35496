// The configured limits (LIMIT_*) hold for every type: a search whose OSCAR list would exceed
// LIMIT_UPSTREAM_ROWS is refused as too costly instead of silently cut short, id and patient lists
// are capped, and pages follow LIMIT_PAGE_SIZE / LIMIT_PAGE_MAX. The limits are set small here so
// the synthetic clinic exceeds them; the counts that prove it come from the simulator's own rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';

const ROWS = 5;

function refused(r: FhirAnswer, code: string, text: RegExp): void {
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body?.resourceType, 'OperationOutcome');
  assert.equal(r.body.issue[0].code, code, r.text);
  assert.match(r.body.issue[0].diagnostics, text);
}

/** The patient with the most rows in a simulator table, and how many. */
function busiest<R>(rows: readonly R[], patientOf: (r: R) => number): [number, number] {
  const n = new Map<number, number>();
  for (const r of rows) n.set(patientOf(r), (n.get(patientOf(r)) ?? 0) + 1);
  return [...n].filter(([p]) => p > 0).sort((a, b) => b[1] - a[1])[0]!;
}

describe('search limits from the configuration', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      env: { LIMIT_UPSTREAM_ROWS: String(ROWS), LIMIT_SEARCH_IDS: '3', LIMIT_SEARCH_PATIENTS: '2', LIMIT_STATUS_PATIENTS: '2', LIMIT_PAGE_SIZE: '2', LIMIT_PAGE_MAX: '4' },
    });
  });
  after(async () => { await stack.close(); });

  test('Patient: more matches in OSCAR than LIMIT_UPSTREAM_ROWS is too costly, not a truncated answer', async () => {
    const women = stack.sim.store.data.demographics.filter((d) => d.sex === 'F').length;
    assert.ok(women > ROWS, `the clinic has ${women} women`);
    refused(await stack.fhir('/Patient?gender=female'), 'too-costly', new RegExp(`more than ${ROWS} patients`));
  });

  test('Appointment: a patient with more bookings than the limit, and a clinic-wide _lastUpdated window', async () => {
    const [patient, n] = busiest(stack.sim.store.data.appointments, (a) => a.demographicNo);
    assert.ok(n > ROWS, `patient ${patient} has ${n} appointments`);
    refused(await stack.fhir(`/Appointment?patient=${patient}`), 'too-costly', new RegExp(`more than ${ROWS} appointments are booked for this patient`));
    refused(await stack.fhir('/Appointment?_lastUpdated=ge2000-01-01'), 'too-costly', new RegExp(`more than ${ROWS} appointments changed`));
  });

  test('AllergyIntolerance, Immunization, DocumentReference: a _lastUpdated window holding more rows than the limit', async () => {
    const { allergies, preventions, documents } = stack.sim.store.data;
    assert.ok(allergies.length > ROWS && preventions.length > ROWS && documents.length > ROWS);
    refused(await stack.fhir('/AllergyIntolerance?_lastUpdated=ge2000-01-01'), 'too-costly', new RegExp(`more than ${ROWS} allergies`));
    refused(await stack.fhir('/Immunization?_lastUpdated=ge2000-01-01'), 'too-costly', new RegExp(`more than ${ROWS} preventions`));
    refused(await stack.fhir('/DocumentReference?_lastUpdated=ge2000-01-01'), 'too-costly', new RegExp(`more than ${ROWS} documents`));
  });

  test('within the limits the same searches are answered', async () => {
    const r = await stack.fhir('/AllergyIntolerance?patient=1001');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, stack.sim.store.data.allergies.filter((a) => a.demographicNo === 1001 && !a.archived).length);
  });

  test('LIMIT_SEARCH_IDS and LIMIT_SEARCH_PATIENTS cap the lists a search may name', async () => {
    assert.equal((await stack.fhir('/Patient?_id=1001,1002,1003')).status, 200);
    refused(await stack.fhir('/Patient?_id=1001,1002,1003,1004'), 'value', /at most 3 ids/);
    refused(await stack.fhir('/Appointment?_id=1,2,3,4'), 'value', /at most 3 ids/);
    refused(await stack.fhir('/AllergyIntolerance?_id=1,2,3,4'), 'too-costly', /at most 3 allergy ids/);
    refused(await stack.fhir('/Immunization?_id=1,2,3,4'), 'too-costly', /at most 3 immunization ids/);
    refused(await stack.fhir('/DocumentReference?_id=1,2,3,4'), 'value', /at most 3 values of '_id'/);
    assert.equal((await stack.fhir('/Immunization?patient=1001,1002')).status, 200);
    refused(await stack.fhir('/Immunization?patient=1001,1002,1003'), 'too-costly', /at most 2 patients/);
    refused(await stack.fhir('/AllergyIntolerance?patient=1001,1002,1003'), 'too-costly', /at most 2 patients/);
    refused(await stack.fhir('/DocumentReference?patient=1001,1002,1003'), 'value', /at most 2 values of 'patient'/);
    refused(await stack.fhir('/Appointment?patient=1001,1002,1003'), 'value', /at most 2 references can be ORed in 'patient'/);
    refused(await stack.fhir('/Immunization?identifier=1,2,3,4'), 'too-costly', /at most 3 identifiers/);
  });

  test('LIMIT_STATUS_PATIENTS caps the REST active-allergy lists one AllergyIntolerance search fetches', async () => {
    // Three allergies of three different patients (ids from the simulator's own table).
    const byPatient = new Map<number, number>();
    for (const a of stack.sim.store.data.allergies) if (!byPatient.has(a.demographicNo)) byPatient.set(a.demographicNo, a.allergyId);
    const ids = [...byPatient.values()].slice(0, 3).join(',');
    const before = stack.sim.stats.count('REST GET /allergies/active');
    refused(await stack.fhir(`/AllergyIntolerance?_id=${ids}&clinical-status=active`), 'too-costly', /active allergy lists of 3 patients \(at most 2\)/);
    assert.equal(stack.sim.stats.count('REST GET /allergies/active'), before, 'refused before any list was fetched');
    // Without clinical-status in the query the page stops before a third patient's list.
    const page = await stack.fhir(`/AllergyIntolerance?_id=${ids}&_count=3`);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.total, 3);
    assert.equal(page.body.entry.length, 2);
    assert.ok(page.body.link.some((l: { relation: string }) => l.relation === 'next'));
  });

  test('LIMIT_PAGE_SIZE is the page without _count, LIMIT_PAGE_MAX the largest page', async () => {
    const plain = await stack.fhir('/Patient?_id=1001,1002,1003');
    assert.equal(plain.body.entry.length, 2);
    assert.ok(plain.body.link.some((l: { relation: string }) => l.relation === 'next'));
    const big = await stack.fhir('/Immunization?patient=1187&_count=100');
    assert.equal(big.status, 200, big.text);
    assert.ok(big.body.total > 4, `patient 1187 has ${big.body.total} immunizations`);
    assert.equal(big.body.entry.length, 4);
  });
});
