// Patient/{id}/$everything over real HTTP: the patient's whole record from every registered type
// that searches by patient, fetched in parallel, as one searchset Bundle.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, BundleEntry, Resource } from 'fhir/r4.js';
import { VACCINES } from '../../src/sim/clinic/vaccines.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
// Enough parallel OSCAR calls that fetching the types at once is visible in the timing, and no
// cache (nor change-feed polling): every $everything goes to OSCAR.
before(async () => { stack = await startStack({ env: { OSCAR_MAX_IN_FLIGHT: '16', CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0' } }); });
after(async () => { await stack.close(); });

const key = (r: Resource): string => `${r.resourceType}/${r.id}`;
const entries = (b: Bundle, mode?: string): BundleEntry[] => (b.entry ?? []).filter((e) => mode === undefined || e.search?.mode === mode);
const keys = (b: Bundle, mode?: string): string[] => entries(b, mode).map((e) => key(e.resource!));

async function everything(query = ''): Promise<Bundle> {
  const r = await stack.fhir(`/Patient/1001/$everything${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body as Bundle;
}

/** The types searchable by patient, whose records $everything gathers (README, "Operation $everything"). */
const RECORD_TYPES = ['AllergyIntolerance', 'Appointment', 'DocumentReference', 'Immunization'];

/**
 * The patient's record as the simulated OSCAR holds it, type by type, by the rules each type's
 * patient search follows (its integration test checks the same rules): every allergy, archived
 * ones too; every appointment but deleted ones (status D); every prevention of a vaccine (the
 * simulator's own vaccine list) that is not deleted; every document filed under the patient
 * whose file OSCAR still has, deleted ones too.
 */
function recordInStore(demographicNo: number): Map<string, string[]> {
  const { allergies, appointments, documents, ctlDocuments, preventions } = stack.sim.store.data;
  const vaccines = new Set(VACCINES.map((v) => v.type));
  const filed = new Set(ctlDocuments.filter((c) => c.module === 'demographic' && c.moduleId === demographicNo).map((c) => c.documentNo));
  const keysOf = (type: string, ids: number[]): string[] => ids.map((id) => `${type}/${id}`).sort();
  return new Map([
    ['AllergyIntolerance', keysOf('AllergyIntolerance', allergies.filter((r) => r.demographicNo === demographicNo).map((r) => r.allergyId))],
    ['Appointment', keysOf('Appointment', appointments.filter((r) => r.demographicNo === demographicNo && r.status !== 'D').map((r) => r.appointmentNo))],
    ['DocumentReference', keysOf('DocumentReference', documents.filter((d) => filed.has(d.documentNo) && d.file !== null).map((d) => d.documentNo))],
    ['Immunization', keysOf('Immunization', preventions.filter((r) => r.demographicNo === demographicNo && r.deleted === '0' && vaccines.has(r.preventionType)).map((r) => r.id))],
  ]);
}

test("patient 1001's record: the patient, each patient-searchable type's matches, and the referenced Practitioners", async () => {
  const b = await everything();
  assert.equal(b.resourceType, 'Bundle');
  assert.equal(b.type, 'searchset');
  assert.equal(b.link?.find((l) => l.relation === 'self')?.url, `${stack.base}/Patient/1001/$everything`);
  const matches = keys(b, 'match');
  assert.equal(matches[0], 'Patient/1001');
  assert.equal(b.total, matches.length);
  assert.equal(new Set(keys(b)).size, keys(b).length, 'each resource once');

  const record = recordInStore(1001);
  assert.deepEqual([...record.keys()], RECORD_TYPES);
  for (const [type, expected] of record) {
    assert.ok(expected.length > 0, `the simulated clinic gives patient 1001 some ${type}`);
    assert.deepEqual(matches.filter((k) => k.startsWith(`${type}/`)).sort(), expected, type);
  }
  assert.deepEqual(matches.slice(1).map((k) => k.split('/')[0]).filter((t) => !RECORD_TYPES.includes(t!)), [], 'no other types');
  const byKey = new Map(entries(b).map((e) => [key(e.resource!), e.resource!]));
  assert.equal((byKey.get('DocumentReference/1') as { description?: string } | undefined)?.description, 'CBC results');
  // The samples §1 facts about Jane Doe.
  const text = JSON.stringify(b);
  assert.match(text, /PENICILLIN G/);
  assert.match(text, /PEANUTS/);
  assert.ok(entries(b, 'match').some((e) => e.resource!.resourceType === 'Immunization' && /^2023-10-11/.test((e.resource as { occurrenceDateTime?: string }).occurrenceDateTime ?? '')));

  // Included: exactly the readable Practitioners the matches reference.
  const referenced = new Set([...text.matchAll(/"reference":"(Practitioner\/[^"]+)"/g)].map((m) => m[1]!));
  const included = keys(b, 'include');
  assert.ok(included.length > 0, 'the author of the CBC results is included');
  for (const k of included) {
    assert.ok(k.startsWith('Practitioner/') && referenced.has(k), k);
  }
  for (const k of referenced) {
    const readable = (await stack.fhir(`/${k}`)).status === 200;
    assert.equal(included.includes(k), readable, k);
  }
  for (const e of entries(b)) {
    assert.deepEqual(medplumValidate(e.resource), [], key(e.resource!));
    assert.match(e.resource!.meta?.versionId ?? '', /^[0-9a-f]{16}$/);
    assert.equal(e.fullUrl, `${stack.base}/${key(e.resource!)}`);
  }
});

test('the types are fetched at once: every type has its OSCAR call in flight together', async () => {
  await everything(); // warm: SOAP login, provider list
  const latencyMs = 250;
  const rule = stack.sim.faults.add({ match: { path: '/ws' }, mode: 'latency', latencyMs });
  try {
    stack.sim.stats.reset();
    await everything();
    const calls = stack.sim.stats.count();
    const tasks = RECORD_TYPES.length + 1; // + the Patient read
    assert.ok(calls >= tasks, `${calls} OSCAR calls`);
    // Every type (and the patient read) has a call in flight at the start.
    assert.ok(stack.sim.stats.snapshot().maxInFlight >= tasks, `at most ${stack.sim.stats.snapshot().maxInFlight} calls in flight`);
    // Parallelism is proven by the calls in flight above, not by wall-clock time, which a shared
    // machine makes noisy (bench/upstream-calls.ts measures it).
  } finally {
    stack.sim.faults.remove(rule);
  }
});

test('_type narrows the types (the Patient and Practitioners only when listed)', async () => {
  const docs = await everything('?_type=DocumentReference');
  assert.deepEqual(keys(docs), ['DocumentReference/1']);
  assert.equal(docs.total, 1);
  const some = await everything('?_type=Patient,DocumentReference,Practitioner');
  assert.deepEqual([...new Set(keys(some).map((k) => k.split('/')[0]))].sort(), ['DocumentReference', 'Patient', 'Practitioner']);
  assert.equal((await stack.fhir('/Patient/1001/$everything?_type=not-a-type')).status, 400);
  // POST with the parameters in a Parameters body
  const posted = await stack.fhir('/Patient/1001/$everything', {
    method: 'POST', headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'DocumentReference' }] }),
  });
  assert.equal(posted.status, 200, posted.text);
  assert.deepEqual(keys(posted.body), ['DocumentReference/1']);
});

test('no paging: _count is accepted and said to be ignored; start/end/_since are refused', async () => {
  const b = await everything('?_count=1');
  assert.ok(keys(b, 'match').length > 1);
  const outcome = entries(b, 'outcome')[0]?.resource as { issue: { diagnostics: string }[] } | undefined;
  assert.match(outcome?.issue[0]?.diagnostics ?? '', /_count/);
  for (const q of ['start=2020-01-01', 'end=2030-01-01', '_since=2020-01-01T00:00:00Z']) {
    const r = await stack.fhir(`/Patient/1001/$everything?${q}`);
    assert.equal(r.status, 400, q);
  }
});

test('an unknown patient is a 404', async () => {
  for (const id of ['999999', 'abc']) {
    const r = await stack.fhir(`/Patient/${id}/$everything`);
    assert.equal(r.status, 404, id);
    assert.equal(r.body.resourceType, 'OperationOutcome');
  }
});

test('the CapabilityStatement advertises $everything on Patient', async () => {
  const cs = (await stack.fhir('/metadata')).body;
  const patient = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
  assert.ok(patient.operation?.some((o: { name: string; definition: string }) => o.name === 'everything' && o.definition === 'http://hl7.org/fhir/OperationDefinition/Patient-everything'));
});
