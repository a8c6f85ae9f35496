// When a write drops cached entries: only once it passed authorization and its OSCAR call was
// sent. A refused write costs OSCAR nothing and leaves the cache as it was; a write whose answer
// is lost after OSCAR applied it still drops what it touched, so no stale copy is served.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Appointment, Patient } from 'fhir/r4.js';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';
import { startStack, type Stack } from '../helpers/stack.js';

const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const put = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'PUT', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });

describe('refused writes evict nothing', () => {
  let stack: SecureStack;
  before(async () => { stack = await startSecureStack({ env: { CHANGE_POLL_SECONDS: '0' } }); });
  after(async () => { await stack.close(); });

  test('a read-only patient token: three refused PUTs of its own Patient, each followed by a read, reach OSCAR not once', async () => {
    const token = await stack.issuer.token({ scope: 'patient/Patient.rs', patient: '1001' });
    const first = await stack.as(token, '/Patient/1001');
    assert.equal(first.status, 200, first.text);
    assert.equal((await stack.as(token, '/Patient/1001')).status, 200);
    stack.sim.stats.reset();
    for (let i = 0; i < 3; i++) {
      const refused = await stack.as(token, '/Patient/1001', put(first.body as Patient));
      assert.equal(refused.status, 403, refused.text);
      const again = await stack.as(token, '/Patient/1001');
      assert.equal(again.status, 200);
      assert.equal(again.text, first.text);
    }
    assert.deepEqual(stack.sim.stats.snapshot().byOperation, {}, 'no OSCAR call: the cached entries survived the refusals');
  });

  test('an invalid Appointment PUT (refused before any OSCAR call) leaves that patient\'s appointment list cached', async () => {
    const token = await stack.backendToken('system/Appointment.cruds system/Patient.rs');
    const list = await stack.as(token, '/Appointment?patient=1001');
    assert.equal(list.status, 200, list.text);
    const mine = (list.body.entry as { resource: Appointment }[] | undefined)?.[0]?.resource;
    assert.ok(mine, 'patient 1001 has appointments');
    const read = await stack.as(token, `/Appointment/${mine.id}`);
    assert.equal(read.status, 200, read.text);
    stack.sim.stats.reset();
    const bad = { ...(read.body as Appointment), status: 'not-a-status' };
    const refused = await stack.as(token, `/Appointment/${mine.id}`, put(bad));
    assert.ok(refused.status === 400 || refused.status === 422, `${refused.status} ${refused.text}`);
    assert.equal((await stack.as(token, '/Appointment?patient=1001')).text, list.text);
    assert.equal((await stack.as(token, `/Appointment/${mine.id}`)).status, 200);
    assert.deepEqual(stack.sim.stats.snapshot().byOperation, {}, 'answered from the cache');
  });
});

describe('a write whose answer is lost after OSCAR applied it', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ env: { OSCAR_TIMEOUT_MS: '500', OSCAR_RETRIES: '0', CHANGE_POLL_SECONDS: '0', CACHE_TTL_SECONDS: '600' } }); });
  after(async () => { await stack.close(); });

  test('a Patient update that times out after OSCAR stored it: the next read shows what OSCAR holds', async () => {
    const target = stack.sim.store.data.demographics.find((d) => d.demographicNo > 1040 && d.patientStatus === 'AC' && d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)!;
    const id = target.demographicNo;
    const read = await stack.fhir(`/Patient/${id}`);
    assert.equal(read.status, 200);
    assert.equal((await stack.fhir(`/Patient/${id}`)).text, read.text, 'cached');
    const p = read.body as Patient;
    const family = 'LATEANSWER';
    const rule = stack.sim.faults.add({ match: { path: '/ws/services/demographics', method: 'PUT' }, mode: 'lateAnswer', latencyMs: 2_000, times: 1 });
    const res = await stack.fhir(`/Patient/${id}`, put({ ...p, name: [{ ...p.name![0], family }] }));
    stack.sim.faults.remove(rule);
    assert.equal(res.status, 504, res.text);
    assert.equal(stack.sim.store.demographic(id)!.lastName, family, 'OSCAR did apply the update');
    const next = await stack.fhir(`/Patient/${id}`);
    assert.equal((next.body as Patient).name?.[0]?.family, family, 'no stale cached copy');
  });
});

describe('a conditional create searches OSCAR as it is', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ env: { CHANGE_POLL_SECONDS: '0', CACHE_TTL_SECONDS: '600' } }); });
  after(async () => { await stack.close(); });

  test('If-None-Exist finds a patient given that health number in OSCAR after the same search was cached empty', async () => {
    const ON_HCN = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
    const hcn = ['2345678904', '3456789015', '4567890126', '5678901237'].find((h) => !stack.sim.store.data.demographics.some((d) => d.hin === h))!;
    const query = `identifier=${encodeURIComponent(`${ON_HCN}|${hcn}`)}`;
    assert.equal((await stack.fhir(`/Patient?${query}`)).body.total, 0);
    // The clinic records the health number on an existing chart directly in OSCAR.
    const row = stack.sim.store.data.demographics.find((d) => d.demographicNo > 1040 && d.patientStatus === 'AC')!;
    Object.assign(row, { hin: hcn, ver: '', hcType: 'ON', lastUpdateDate: stack.sim.store.nowLocal() });
    assert.equal((await stack.fhir(`/Patient?${query}`)).body.total, 0, 'the search is still answered from the cache');
    const before = stack.sim.store.data.demographics.length;
    const res = await stack.fhir('/Patient', {
      method: 'POST', headers: { ...JSON_HEADERS, 'if-none-exist': query },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'DUPLICATE', given: ['NOT'] }], gender: 'female', birthDate: '1980-01-02', identifier: [{ system: ON_HCN, value: hcn }] }),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Patient).id, String(row.demographicNo));
    assert.equal(stack.sim.store.data.demographics.length, before, 'no second chart');
  });
});
