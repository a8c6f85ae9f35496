// Booking into a Slot over HTTP: twenty clients racing for one slot get one 201, a booking raced
// by OSCAR's own screen is given back (OSCAR keeps only the winner), a retry after a timeout finds
// its booking instead of making a second, and a booked, cancelled or moved appointment makes its
// slot busy or free. OSCAR's rows are counted directly in the simulator's store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROVIDER, screenBooksFirst, startBookingStack, WEEKDAY, type BookingStack } from './booking-fixture.js';

let s: BookingStack;
before(async () => {
  s = await startBookingStack({ env: { CACHE_MAX_BYTES: '0', OSCAR_TIMEOUT_MS: '1500', OSCAR_RETRIES: '0' } });
  for (const d of ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']) s.schedule(d, WEEKDAY, `W${d}`);
});
after(async () => { await s.close(); });

const JSON_HEADERS = { 'content-type': 'application/fhir+json' };

function booking(date: string, start: string, end: string, extra: Record<string, unknown> = {}) {
  const hhmm = (t: string) => t.replace(':', '');
  return {
    resourceType: 'Appointment', status: 'booked',
    start: `${date}T${start}:00-05:00`, end: `${date}T${end}:00-05:00`,
    slot: [{ reference: `Slot/${PROVIDER}-${date.replaceAll('-', '')}-${hhmm(start)}` }],
    participant: [
      { actor: { reference: 'Patient/1001' }, status: 'accepted' },
      { actor: { reference: `Practitioner/${PROVIDER}` }, status: 'accepted' },
    ],
    ...extra,
  };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  s.fhir('/Appointment', { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });

/** Rows OSCAR holds for the test provider at that start, not cancelled. */
const heldAt = (date: string, start: string) =>
  s.sim.store.data.appointments.filter((a) => a.providerNo === PROVIDER && a.appointmentDate === date && a.startTime === `${start}:00` && !a.status.startsWith('C'));

const statusOf = async (date: string, hhmm: string) => (await s.fhir(`/Slot/${PROVIDER}-${date.replaceAll('-', '')}-${hhmm}`)).body.status;

describe('booking a slot', () => {
  it('twenty concurrent bookings of one slot: exactly one 201, the rest 409, one appointment in OSCAR', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(booking('2026-03-03', '09:15', '09:30'))));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)], answers.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.text).join('\n'));
    assert.equal(heldAt('2026-03-03', '09:15').length, 1);
    assert.equal(s.sim.store.data.appointments.filter((a) => a.providerNo === PROVIDER && a.appointmentDate === '2026-03-03' && a.startTime === '09:15:00').length, 1);
    const refused = answers.find((r) => r.status === 409)!;
    assert.equal(refused.body.issue[0].code, 'conflict');
    assert.equal(await statusOf('2026-03-03', '0915'), 'busy');
  });

  it('a booking raced by a direct insert in OSCAR answers 409 and OSCAR keeps only the winner', async () => {
    const fired = await screenBooksFirst(s, '2026-03-03', '09:45', async () => {
      const r = await post(booking('2026-03-03', '09:45', '10:00'));
      assert.equal(r.status, 409, r.text);
      assert.match(r.body.issue[0].diagnostics, /booked in OSCAR at the same moment/);
    });
    assert.ok(fired);
    const held = heldAt('2026-03-03', '09:45');
    assert.equal(held.length, 1);
    assert.equal(held[0]!.demographicNo, 1002);
    const ours = s.sim.store.data.appointments.filter((a) => a.providerNo === PROVIDER && a.appointmentDate === '2026-03-03' && a.startTime === '09:45:00' && a.demographicNo === 1001);
    assert.deepEqual(ours.map((a) => a.status), ['C']);
  });

  it('a retry after a timeout finds its booking (If-None-Exist) instead of booking twice', async () => {
    const identifier = { system: 'https://booking.example.org/id', value: 'req-42' };
    const body = booking('2026-03-04', '09:00', '09:15', { identifier: [identifier] });
    const rule = s.sim.faults.add({ match: { operation: 'addAppointment' }, mode: 'lateAnswer', latencyMs: 2500, times: 1 });
    const first = await post(body);
    assert.equal(first.status, 504, first.text);
    s.sim.faults.remove(rule);
    await new Promise((r) => setTimeout(r, 1500)); // OSCAR finishes the insert it was slow to answer
    const retry = await post(body, { 'If-None-Exist': `patient=Patient/1001&identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}` });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(heldAt('2026-03-04', '09:00').length, 1);
    assert.equal(String(heldAt('2026-03-04', '09:00')[0]!.appointmentNo), retry.body.id);
    // A retry without the condition cannot book twice either: the slot is busy now.
    assert.equal((await post(body)).status, 409);
    assert.equal(heldAt('2026-03-04', '09:00').length, 1);
  });

  it('refuses a slot that is not free, and a booking whose times are not the slot\'s', async () => {
    const unbookable = await post(booking('2026-03-05', '13:00', '13:15'));
    assert.equal(unbookable.status, 409);
    assert.match(unbookable.body.issue[0].diagnostics, /busy-unavailable \(not a bookable code\)/);
    const wrong = await post(booking('2026-03-05', '09:00', '09:30'));
    assert.equal(wrong.status, 422, wrong.text);
    assert.equal(heldAt('2026-03-05', '09:00').length, 0);
  });

  it('cancelling frees the slot; moving into another slot makes that one busy and frees the first', async () => {
    const r = await post(booking('2026-03-06', '10:00', '10:30'));
    assert.equal(r.status, 201, r.text);
    assert.equal(await statusOf('2026-03-06', '1000'), 'busy');
    const moved = await s.fhir(`/Appointment/${r.body.id}`, {
      method: 'PUT', headers: JSON_HEADERS,
      body: JSON.stringify({ ...booking('2026-03-06', '10:30', '11:00'), id: r.body.id }),
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(await statusOf('2026-03-06', '1000'), 'free');
    assert.equal(await statusOf('2026-03-06', '1030'), 'busy');
    const cancelled = await s.fhir(`/Appointment/${r.body.id}`, {
      method: 'PUT', headers: JSON_HEADERS,
      body: JSON.stringify({ ...booking('2026-03-06', '10:30', '11:00'), id: r.body.id, status: 'cancelled' }),
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(await statusOf('2026-03-06', '1030'), 'free');
  });

  it('refuses to move a booking into a slot another booking holds', async () => {
    const a = await post(booking('2026-03-06', '09:00', '09:15'));
    const b = await post(booking('2026-03-06', '09:15', '09:30'));
    assert.deepEqual([a.status, b.status], [201, 201]);
    const clash = await s.fhir(`/Appointment/${b.body.id}`, {
      method: 'PUT', headers: JSON_HEADERS,
      body: JSON.stringify({ ...booking('2026-03-06', '09:00', '09:15'), id: b.body.id }),
    });
    assert.equal(clash.status, 409, clash.text);
    assert.equal(heldAt('2026-03-06', '09:15').length, 1);
  });
});

describe('with the cache on', () => {
  let c: BookingStack;
  before(async () => {
    c = await startBookingStack();
    c.schedule('2026-03-03', WEEKDAY, 'Weekday');
  });
  after(async () => { await c.close(); });

  it('a search is answered from the cache, but a booking re-checks the slot in OSCAR itself', async () => {
    const search = `/Slot?schedule=Schedule/prov-${PROVIDER}&start=ge2026-03-03&start=lt2026-03-04&status=free`;
    assert.equal((await c.fhir(search)).status, 200);
    c.sim.stats.reset();
    const again = await c.fhir(search);
    assert.equal(again.status, 200);
    assert.equal(c.sim.stats.snapshot().byOperation['ScheduleService.getDayWorkSchedule'] ?? 0, 0);
    assert.ok(again.body.entry.some((e: { resource: { id: string } }) => e.resource.id === `${PROVIDER}-20260303-0900`));
    // The front desk takes 09:00; the cached day does not know.
    c.sim.store.bookFromScreen({ providerNo: PROVIDER, date: '2026-03-03', start: '09:00', minutes: 15, demographicNo: 1002 });
    c.sim.stats.reset();
    const r = await c.fhir('/Appointment', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(booking('2026-03-03', '09:00', '09:15')) });
    assert.equal(r.status, 409, r.text);
    assert.equal(c.sim.stats.snapshot().byOperation['ScheduleService.addAppointment'] ?? 0, 0);
    assert.equal(c.sim.store.data.appointments.filter((a) => a.providerNo === PROVIDER && a.appointmentDate === '2026-03-03' && a.startTime === '09:00:00').length, 1);
  });
});
