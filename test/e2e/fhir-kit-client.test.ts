// A real third-party FHIR client (fhir-kit-client) against the facade and the simulated OSCAR:
// it reads, searches, pages through, creates (conditionally) and updates Patients the way an
// integration would, and every Patient it gets back satisfies the independent validator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, Patient } from 'fhir/r4.js';
import { Client } from 'fhir-kit-client';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ON = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';

let stack: Stack;
let client: Client;
before(async () => {
  stack = await startStack();
  client = new Client({ baseUrl: stack.base });
});
after(async () => { await stack.close(); });

const patientsOf = (b: Bundle): Patient[] => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Patient);

/** The HTTP answer of a request fhir-kit-client rejected (it throws on any non-2xx status). */
async function failure(request: Promise<unknown>): Promise<{ status: number; data: { resourceType?: string } }> {
  const answer = await request.then(() => undefined, (e: { response?: { status: number; data: { resourceType?: string } } }) => e.response);
  assert.ok(answer, 'the request was refused');
  return answer;
}

function valid(p: Patient): Patient {
  assert.deepEqual(medplumValidate(p), [], `Patient/${p.id}`);
  return p;
}

test('reads a Patient', async () => {
  const p = valid(await client.read({ resourceType: 'Patient', id: '1001' }) as unknown as Patient);
  assert.equal(p.name?.[0]?.family, 'DOE');
  assert.equal(p.birthDate, '1980-01-17');
  assert.ok(p.identifier?.some((i) => i.system === ON && i.value === '9876543217'));
  const missing = await failure(client.read({ resourceType: 'Patient', id: '999999' }));
  assert.equal(missing.status, 404);
  assert.equal(missing.data.resourceType, 'OperationOutcome');
});

test('searches, with accents and the health-card system', async () => {
  const byName = await client.search({ resourceType: 'Patient', searchParams: { family: 'cote' } }) as unknown as Bundle;
  const cotes = patientsOf(byName).map(valid);
  assert.ok(cotes.length > 0);
  for (const p of cotes) assert.match(p.name![0]!.family!.normalize('NFD').replace(/\p{M}/gu, ''), /^cote/i);
  const byCard = await client.search({ resourceType: 'Patient', searchParams: { identifier: `${ON}|9876543217` } }) as unknown as Bundle;
  assert.deepEqual(patientsOf(byCard).map((p) => p.id), ['1001']);
});

test('pages through a search with nextPage until the last page', async () => {
  let bundle = await client.search({ resourceType: 'Patient', searchParams: { active: 'true', _count: '40' } }) as unknown as Bundle | undefined;
  const total = bundle!.total!;
  const active = stack.sim.store.data.demographics.filter((d) => d.patientStatus === 'AC').length;
  const seen: string[] = [];
  let pages = 0;
  while (bundle) {
    assert.ok(pages < Math.ceil(active / 40), 'no next link after the last page');
    const patients = patientsOf(bundle);
    if (pages === 0) patients.forEach(valid);
    for (const p of patients) assert.equal(p.active, true);
    seen.push(...patients.map((p) => p.id!));
    pages++;
    bundle = await client.nextPage({ bundle: bundle as never }) as unknown as Bundle | undefined;
  }
  assert.equal(pages, Math.ceil(total / 40));
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, total);
  assert.equal(total, active);
});

test('creates a Patient (conditionally: a retry does not duplicate it) and updates it', async () => {
  const hin = '7000000424';
  const body: Patient = {
    resourceType: 'Patient',
    identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'JHN' }] }, system: ON, value: hin }],
    name: [{ use: 'official', family: "O'NEIL-BÉRUBÉ", given: ['JOËL'] }],
    gender: 'male',
    birthDate: '1990-03-11', // the day Ontario went to daylight time
    telecom: [{ system: 'phone', use: 'home', value: '613-555-0191' }],
  };
  const headers = { 'If-None-Exist': `identifier=${ON}|${hin}` };
  const before = stack.sim.store.data.demographics.length;
  const created = valid(await client.create({ resourceType: 'Patient', body: body as never, options: { headers } }) as unknown as Patient);
  assert.ok(created.id);
  assert.equal(created.birthDate, '1990-03-11');
  const retried = await client.create({ resourceType: 'Patient', body: body as never, options: { headers } }) as unknown as Patient;
  assert.equal(retried.id, created.id);
  assert.equal(stack.sim.store.data.demographics.length, before + 1);

  // read-modify-write, as a careful client does (with If-Match)
  const current = await client.read({ resourceType: 'Patient', id: created.id! }) as unknown as Patient;
  const changed: Patient = { ...current, telecom: [{ system: 'phone', use: 'home', value: '613-555-0192' }, { system: 'email', value: 'joel@example.org' }] };
  const updated = valid(await client.update({
    resourceType: 'Patient', id: created.id!, body: changed as never, options: { headers: { 'If-Match': `W/"${current.meta!.versionId}"` } },
  }) as unknown as Patient);
  assert.deepEqual(updated.telecom?.map((t) => t.value), ['613-555-0192', 'joel@example.org']);
  assert.notEqual(updated.meta?.versionId, current.meta?.versionId);
  const row = stack.sim.store.demographic(Number(created.id))!;
  assert.deepEqual([row.phone, row.email, row.lastName, row.firstName], ['613-555-0192', 'joel@example.org', "O'NEIL-BÉRUBÉ", 'JOËL']);
  // a stale version is refused
  const stale = await failure(client.update({
    resourceType: 'Patient', id: created.id!, body: changed as never, options: { headers: { 'If-Match': `W/"${current.meta!.versionId}"` } },
  }));
  assert.equal(stale.status, 412);
  assert.equal(stale.data.resourceType, 'OperationOutcome');
});
