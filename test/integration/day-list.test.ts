// The clinic's day list for reminder tools: Appointment?date=… alone, across every provider,
// with status filters and the patients included. Expected rows are read from the simulator's
// store, and the cost is counted there: one range call per OSCAR provider.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
before(async () => { s = await startStack({ sim: { patients: 60 }, env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await s.close(); });

const DAY = '2026-12-07';

function seed(): void {
  const { store } = s.sim;
  const [a, b] = store.data.providers.filter((p) => p.status === '1' && p.providerType === 'doctor');
  store.bookFromScreen({ providerNo: a!.providerNo, date: DAY, start: '09:00', minutes: 15, demographicNo: 1001, name: 'DOE, JANE' });
  store.bookFromScreen({ providerNo: b!.providerNo, date: DAY, start: '09:00', minutes: 15, demographicNo: 1002 });
  store.bookFromScreen({ providerNo: b!.providerNo, date: DAY, start: '10:00', minutes: 30, demographicNo: 1003, status: 'C' });
  store.bookFromScreen({ providerNo: a!.providerNo, date: '2026-12-08', start: '11:00', minutes: 15, demographicNo: 1004 });
}

/** Rows OSCAR holds for the days, not deleted, as appointment numbers. */
const held = (days: string[], keep: (status: string) => boolean = () => true): string[] =>
  s.sim.store.data.appointments.filter((r) => days.includes(r.appointmentDate) && !r.status.startsWith('D') && keep(r.status))
    .map((r) => String(r.appointmentNo)).sort();

const ids = (b: { entry?: { resource: { resourceType: string; id: string } }[] }, type = 'Appointment'): string[] =>
  (b.entry ?? []).filter((e) => e.resource.resourceType === type).map((e) => e.resource.id).sort();

describe('Appointment?date=… across the clinic', () => {
  before(seed);

  it('lists every provider\'s appointments of the day, at one OSCAR call per provider', async () => {
    s.sim.stats.reset();
    const r = await s.fhir(`/Appointment?date=${DAY}&_count=500`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r.body), held([DAY]));
    assert.ok(ids(r.body).length >= 3);
    const ops = s.sim.stats.snapshot().byOperation;
    assert.equal(ops['ScheduleService.getAppointmentsForDateRangeAndProvider2'], s.sim.store.data.providers.length);
  });

  it('filters by status and includes the patients', async () => {
    const r = await s.fhir(`/Appointment?date=${DAY}&status=cancelled&_include=Appointment:patient&_count=500`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r.body), held([DAY], (st) => st.startsWith('C')));
    const patients = new Set(s.sim.store.data.appointments
      .filter((x) => x.appointmentDate === DAY && x.status.startsWith('C') && x.demographicNo > 0).map((x) => String(x.demographicNo)));
    assert.deepEqual(ids(r.body, 'Patient'), [...patients].sort());
  });

  it('takes a bounded range of days, and refuses one longer than 31 days', async () => {
    const r = await s.fhir('/Appointment?date=ge2026-12-07&date=lt2026-12-09&_count=500');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r.body), held([DAY, '2026-12-08']));
    const long = await s.fhir('/Appointment?date=ge2026-12-01&date=lt2027-01-05');
    assert.equal(long.status, 400);
    assert.equal(long.body.issue[0].code, 'too-costly');
  });
});
