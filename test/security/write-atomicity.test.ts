// If-Match and If-None-Exist hold under concurrency (within one facade process, src/state):
// of two writers with the same ETag one wins and the other gets 412; concurrent conditional
// creates with one health number make one chart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
before(async () => { s = await startStack(); });
after(async () => { await s.close(); });

const json = (body: unknown, method: string, headers: Record<string, string> = {}): RequestInit =>
  ({ method, headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });

describe('If-Match', () => {
  it('two concurrent updates with the same ETag: one 200, one 412, and the winner\'s text is stored', async () => {
    const row = s.sim.store.data.appointments.find((a) => a.demographicNo === 1003 && a.status !== 'D')!;
    const current = await s.fhir(`/Appointment/${row.appointmentNo}`);
    assert.equal(current.status, 200, current.text);
    const etag = current.headers.get('etag')!;
    const { meta: _m, ...body } = current.body as Appointment;
    s.sim.faults.add({ match: { operation: 'updateAppointment' }, mode: 'latency', latencyMs: 400, times: 2 });
    const [a, b] = await Promise.all(['writer A', 'writer B'].map((comment) =>
      s.fhir(`/Appointment/${row.appointmentNo}`, json({ ...body, comment }, 'PUT', { 'if-match': etag }))));
    assert.deepEqual([a!.status, b!.status].sort(), [200, 412], `${a!.text} ${b!.text}`);
    const winner = a!.status === 200 ? 'writer A' : 'writer B';
    assert.equal(s.sim.store.appointment(row.appointmentNo)?.notes, winner, 'OSCAR holds the winner\'s change, not a silent overwrite');
    assert.equal((a!.status === 412 ? a! : b!).body.issue[0].code, 'conflict');
  });
});

describe('If-None-Exist', () => {
  it('three concurrent conditional creates with one health number make one chart', async () => {
    const hcn = '9876512340';
    const ON_HCN = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
    const patient = {
      resourceType: 'Patient', name: [{ family: 'Racer', given: ['Rita'] }], gender: 'female', birthDate: '1985-05-05',
      identifier: [{ system: ON_HCN, value: hcn }],
    };
    s.sim.faults.add({ match: { operation: 'searchDemographicsByAttributes' }, mode: 'latency', latencyMs: 150, times: 3 });
    const answers = await Promise.all([1, 2, 3].map(() => s.fhir('/Patient', json(patient, 'POST', { 'if-none-exist': `identifier=${ON_HCN}|${hcn}` }))));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 200, 201], answers.map((r) => r.text).join('\n'));
    assert.equal(new Set(answers.map((r) => r.body.id)).size, 1, 'all three name the same patient');
    assert.equal(s.sim.store.data.demographics.filter((d) => d.hin === hcn).length, 1, 'one chart in OSCAR');
  });
});
