// Writes under upstream trouble: never retried blindly (one attempt reaches OSCAR whatever
// happens), never duplicated, never silently lost. When the answer to a write is lost after
// OSCAR stored it, a client retry with If-None-Exist finds the stored record instead of writing
// a second one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { assertOutcome } from './support.js';

const ON_HCN = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
const CREATE = '/ws/services/demographics';

function patient(family: string, hcn: string): Record<string, unknown> {
  return { resourceType: 'Patient', name: [{ family, given: ['MORGAN'] }], gender: 'other', birthDate: '1985-06-07', identifier: [{ system: ON_HCN, value: hcn }] };
}
const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST', headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body),
});

describe('writes under upstream failure', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { OSCAR_TIMEOUT_MS: '300', OSCAR_RETRIES: '2', OSCAR_BREAKER_THRESHOLD: '1000', CACHE_MAX_BYTES: '0' } });
  });
  after(async () => { await stack.close(); });

  const rows = (family: string): number => stack.sim.store.data.demographics.filter((d) => d.lastName === family).length;
  const hitsOf = (id: string): number => stack.sim.faults.list().find((f) => f.id === id)?.hits ?? 0;

  for (const [mode, status, code] of [['reset', 503, 'transient'], ['http500', 502, 'exception'], ['timeout', 504, 'timeout'], ['garbage', 502, 'exception']] as const) {
    it(`a create hit by '${mode}' is answered ${status}, sent to OSCAR exactly once, and stored nowhere`, async () => {
      const family = `WRITE${mode.toUpperCase()}`;
      const rule = stack.sim.faults.add({ match: { path: CREATE, method: 'POST' }, mode });
      const r = await stack.fhir('/Patient', post(patient(family, '5550001112')));
      const hits = hitsOf(rule);
      stack.sim.faults.remove(rule);
      assertOutcome(r, status, code);
      assert.equal(hits, 1, 'a write is never retried by the facade');
      assert.equal(rows(family), 0, 'the failed write stored nothing (the fault stopped it before OSCAR)');
      // The client's own retry, once OSCAR is well, stores it exactly once.
      const again = await stack.fhir('/Patient', post(patient(family, '5550001112')));
      assert.equal(again.status, 201);
      assert.equal(rows(family), 1);
    });
  }

  it('a lost answer after a stored create: the conditional retry returns the stored record, no duplicate', async () => {
    const family = 'LOSTANSWER';
    const hcn = '5550002223';
    // OSCAR stores the demographic, but the read-back that builds the answer hangs: 504.
    const rule = stack.sim.faults.add({ match: { path: '/ws/DemographicService', operation: 'getDemographic2' }, mode: 'timeout' });
    const first = await stack.fhir('/Patient', post(patient(family, hcn)));
    stack.sim.faults.remove(rule);
    assertOutcome(first, 504, 'timeout');
    assert.equal(rows(family), 1, 'OSCAR did store it: the write itself was not lost');

    const retry = await stack.fhir('/Patient', post(patient(family, hcn), { 'if-none-exist': `identifier=${ON_HCN}|${hcn}` }));
    assert.equal(retry.status, 200, 'If-None-Exist found the stored patient');
    assert.equal(retry.body.name[0].family, family);
    assert.equal(rows(family), 1, 'no duplicate');
  });

  it('an update hit by a reset is sent once and changes nothing; the retry applies it once', async () => {
    const created = await stack.fhir('/Patient', post(patient('UPDATEME', '5550003334')));
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    const changed = { ...created.body, name: [{ family: 'UPDATED', given: ['MORGAN'] }] };
    const put: RequestInit = { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(changed) };
    const rule = stack.sim.faults.add({ match: { path: CREATE, method: 'PUT' }, mode: 'reset' });
    const r = await stack.fhir(`/Patient/${id}`, put);
    const hits = hitsOf(rule);
    stack.sim.faults.remove(rule);
    assertOutcome(r, 503, 'transient');
    assert.equal(hits, 1);
    assert.equal(stack.sim.store.demographic(Number(id))?.lastName, 'UPDATEME');
    const ok = await stack.fhir(`/Patient/${id}`, put);
    assert.equal(ok.status, 200);
    assert.equal(stack.sim.store.demographic(Number(id))?.lastName, 'UPDATED');
  });
});
