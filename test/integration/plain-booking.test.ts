// Booking with plain start/end (no Slot) over HTTP: held against the practitioner's other
// bookings like a Slot booking (README "Online booking", BOOKING_PLAIN_CHECK). Expected rows
// come from the simulator's store and docs/scheduling.md (an appointment runs to its exclusive
// end; a cell holds its bookinglimit), never from the facade's code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROVIDER, screenBooksFirst, startBookingStack, WEEKDAY, type BookingStack } from './booking-fixture.js';
import { restOnlyStack, JSON_HEADERS as REST_HEADERS } from '../rest-only/setup.js';
import type { Stack } from '../helpers/stack.js';
import { timecode } from '../../src/sim/clinic/gen-schedules.js';

const JSON_HEADERS = { 'content-type': 'application/fhir+json' };

function plain(date: string, start: string, end: string, extra: Record<string, unknown> = {}, patient = 1001, provider = PROVIDER) {
  return {
    resourceType: 'Appointment', status: 'booked',
    start: `${date}T${start}:00-05:00`, end: `${date}T${end}:00-05:00`,
    participant: [
      { actor: { reference: `Patient/${patient}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${provider}` }, status: 'accepted' },
    ],
    ...extra,
  };
}

const post = (x: Stack, body: unknown, headers: Record<string, string> = {}) =>
  x.fhir('/Appointment', { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });

/** Every row OSCAR holds for the provider on that day at that start, cancelled ones included. */
const rowsAt = (x: Stack, date: string, start: string, provider = PROVIDER) =>
  x.sim.store.data.appointments.filter((a) => a.providerNo === provider && a.appointmentDate === date && a.startTime === `${start}:00`);
const heldAt = (x: Stack, date: string, start: string, provider = PROVIDER) => rowsAt(x, date, start, provider).filter((a) => !a.status.startsWith('C'));

describe('plain start/end bookings (BOOKING_PLAIN_CHECK=overlap, the default)', () => {
  let s: BookingStack;
  before(async () => {
    s = await startBookingStack({ env: { CACHE_MAX_BYTES: '0', OSCAR_TIMEOUT_MS: '1500', OSCAR_RETRIES: '0' } });
    for (const d of ['2026-03-03', '2026-03-04', '2026-03-05']) s.schedule(d, WEEKDAY, `W${d}`);
  });
  after(async () => { await s.close(); });

  it('twenty concurrent bookings of one time: exactly one 201, the rest 409, one row in OSCAR (the losers never inserted)', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(s, plain('2026-03-03', '09:15', '09:30'))));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)], answers.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.text).join('\n'));
    assert.equal(rowsAt(s, '2026-03-03', '09:15').length, 1);
    const winner = answers.find((r) => r.status === 201)!;
    const refused = answers.find((r) => r.status === 409)!;
    assert.equal(refused.body.resourceType, 'OperationOutcome');
    assert.equal(refused.body.issue[0].code, 'conflict');
    assert.equal(refused.body.issue[0].diagnostics,
      `Practitioner/${PROVIDER} is already booked at 09:15 (Appointment/${winner.body.id} 09:15-09:30); that time holds 1 booking`);
  });

  it('one minute of overlap is 409 with no patient named; a booking starting at the other\'s end is 201', async () => {
    s.appointment('2026-03-04', '10:00:00', '10:29:00', { name: 'SECRET, PERSON', demographicNo: 1002 });
    const overlap = await post(s, plain('2026-03-04', '10:29', '10:45'));
    assert.equal(overlap.status, 409, overlap.text);
    assert.doesNotMatch(overlap.text, /SECRET|PERSON|1002/);
    assert.match(overlap.body.issue[0].diagnostics, / 10:00-10:30\)/);
    const before10 = await post(s, plain('2026-03-04', '09:45', '10:01'));
    assert.equal(before10.status, 409, before10.text);
    const adjacent = await post(s, plain('2026-03-04', '10:30', '10:45'));
    assert.equal(adjacent.status, 201, adjacent.text);
    const endsAtStart = await post(s, plain('2026-03-04', '09:45', '10:00'));
    assert.equal(endsAtStart.status, 201, endsAtStart.text);
    assert.equal(heldAt(s, '2026-03-04', '10:29').length, 0);
  });

  it('a booking raced by a direct insert in OSCAR answers 409 and OSCAR keeps only the winner', async () => {
    const fired = await screenBooksFirst(s, '2026-03-05', '09:00', async () => {
      const r = await post(s, plain('2026-03-05', '09:00', '09:15'));
      assert.equal(r.status, 409, r.text);
      assert.match(r.body.issue[0].diagnostics, /at the same moment; this booking was cancelled again/);
      assert.doesNotMatch(r.text, /SCREEN/);
    });
    assert.ok(fired);
    const held = heldAt(s, '2026-03-05', '09:00');
    assert.deepEqual(held.map((a) => a.demographicNo), [1002]);
    const ours = rowsAt(s, '2026-03-05', '09:00').filter((a) => a.demographicNo === 1001);
    assert.deepEqual(ours.map((a) => a.status), ['C']);
  });

  it('a retry with If-None-Exist finds its booking instead of booking twice', async () => {
    const identifier = { system: 'https://booking.example.org/id', value: 'plain-7' };
    const body = plain('2026-03-05', '10:30', '10:45', { identifier: [identifier] });
    const first = await post(s, body);
    assert.equal(first.status, 201, first.text);
    const retry = await post(s, body, { 'If-None-Exist': `patient=Patient/1001&identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}` });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.body.id, first.body.id);
    assert.equal(rowsAt(s, '2026-03-05', '10:30').length, 1);
  });

  it('a PUT moving onto a taken time is 409 and the appointment stays; onto a free time it moves', async () => {
    const a = await post(s, plain('2026-03-05', '11:00', '11:15'));
    const b = await post(s, plain('2026-03-05', '11:15', '11:30', {}, 1003));
    assert.deepEqual([a.status, b.status], [201, 201]);
    const put = (id: string, body: unknown) => s.fhir(`/Appointment/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(body) });
    const clash = await put(b.body.id, { ...plain('2026-03-05', '11:05', '11:20', {}, 1003), id: b.body.id });
    assert.equal(clash.status, 409, clash.text);
    assert.equal(heldAt(s, '2026-03-05', '11:15')[0]?.demographicNo, 1003);
    const longer = await put(a.body.id, { ...plain('2026-03-05', '11:00', '11:16'), id: a.body.id });
    assert.equal(longer.status, 409, longer.text);
    const moved = await put(b.body.id, { ...plain('2026-03-05', '11:30', '11:45', {}, 1003), id: b.body.id });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(heldAt(s, '2026-03-05', '11:30')[0]?.demographicNo, 1003);
    assert.equal(heldAt(s, '2026-03-05', '11:15').length, 0);
    // An unchanged time is not checked again, even where the day is full.
    const same = await put(a.body.id, { ...plain('2026-03-05', '11:00', '11:15'), id: a.body.id, comment: 'note' });
    assert.equal(same.status, 200, same.text);
  });

  it('a cancelled booking brought back to booked is checked like a move: 409 where its time was taken meanwhile', async () => {
    const put = (id: string, body: unknown) => s.fhir(`/Appointment/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(body) });
    const a = await post(s, plain('2026-03-05', '15:00', '15:15'));
    assert.equal(a.status, 201, a.text);
    const cancelled = await put(a.body.id, { ...plain('2026-03-05', '15:00', '15:15'), id: a.body.id, status: 'cancelled' });
    assert.equal(cancelled.status, 200, cancelled.text);
    const b = await post(s, plain('2026-03-05', '15:00', '15:15', {}, 1003));
    assert.equal(b.status, 201, b.text);
    const revived = await put(a.body.id, { ...plain('2026-03-05', '15:00', '15:15'), id: a.body.id });
    assert.equal(revived.status, 409, revived.text);
    assert.deepEqual(heldAt(s, '2026-03-05', '15:00').map((x) => x.demographicNo), [1003]);
    // Where the time is still free, bringing it back is an ordinary update.
    const c = await post(s, plain('2026-03-05', '16:00', '16:15'));
    assert.equal((await put(c.body.id, { ...plain('2026-03-05', '16:00', '16:15'), id: c.body.id, status: 'cancelled' })).status, 200);
    const back = await put(c.body.id, { ...plain('2026-03-05', '16:00', '16:15'), id: c.body.id });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(heldAt(s, '2026-03-05', '16:00').map((x) => x.demographicNo), [1001]);
  });

  it('a move raced by a direct insert in OSCAR answers 409 and the appointment is written back where it was', async () => {
    const a = await post(s, plain('2026-03-05', '14:00', '14:15'));
    assert.equal(a.status, 201, a.text);
    // The front desk books the target time between the facade's check and its write.
    const fired = await screenBooksFirst(s, '2026-03-05', '14:30', async () => {
      const r = await s.fhir(`/Appointment/${a.body.id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ ...plain('2026-03-05', '14:30', '14:45'), id: a.body.id }) });
      assert.equal(r.status, 409, r.text);
      assert.match(r.body.issue[0].diagnostics, /this move was undone again/);
    }, 'ScheduleService.updateAppointment');
    assert.ok(fired);
    const ours = s.sim.store.appointment(Number(a.body.id))!;
    assert.deepEqual([ours.startTime, ours.status], ['14:00:00', 't']);
    assert.deepEqual(heldAt(s, '2026-03-05', '14:30').map((x) => x.demographicNo), [1002]);
  });

  it('a cell holding two bookings (bookinglimit 2) takes a second and refuses a third; a no-show or cancelled one holds nothing', async () => {
    s.sim.store.data.scheduleTemplateCodes.push({ id: 98, code: 'g', description: 'Group visit', duration: '15', color: null, confirm: 'N', bookinglimit: 2 });
    s.schedule('2026-03-06', timecode(15, [['10:00', '11:00', 'g']]), 'Groups');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await post(s, plain('2026-03-06', '10:00', '10:15'))).status);
    assert.deepEqual(answers, [201, 201, 409]);
    s.appointment('2026-03-06', '10:30:00', '10:44:00', { status: 'C' });
    s.appointment('2026-03-06', '10:30:00', '10:44:00', { status: 'C' });
    assert.equal((await post(s, plain('2026-03-06', '10:30', '10:45'))).status, 201);
    // Outside the template a moment holds one booking.
    s.appointment('2026-03-06', '13:00:00', '13:14:00');
    assert.equal((await post(s, plain('2026-03-06', '13:10', '13:20'))).status, 409);
  });
});

describe('BOOKING_PLAIN_CHECK=off and =rules', () => {
  it('off: OSCAR takes overlapping plain bookings as before, with no extra OSCAR call', async () => {
    const o = await startBookingStack({ env: { CACHE_MAX_BYTES: '0', BOOKING_PLAIN_CHECK: 'off' } });
    try {
      o.schedule('2026-03-03', WEEKDAY);
      o.sim.stats.reset();
      const answers = await Promise.all([post(o, plain('2026-03-03', '09:00', '09:15')), post(o, plain('2026-03-03', '09:00', '09:15'))]);
      assert.deepEqual(answers.map((r) => r.status), [201, 201]);
      assert.equal(heldAt(o, '2026-03-03', '09:00').length, 2);
      assert.equal(o.sim.stats.snapshot().byOperation['ScheduleService.getAppointmentsForDateRangeAndProvider2'] ?? 0, 0);
    } finally { await o.close(); }
  });

  it('rules: a plain booking must be a free, bookable Slot', async () => {
    const r = await startBookingStack({ env: { CACHE_MAX_BYTES: '0', BOOKING_PLAIN_CHECK: 'rules' } });
    try {
      r.schedule('2026-03-03', WEEKDAY);
      assert.equal((await post(r, plain('2026-03-03', '09:00', '09:15'))).status, 201);
      const unbookable = await post(r, plain('2026-03-03', '13:00', '13:15')); // 'a' Administrative Work
      assert.equal(unbookable.status, 409, unbookable.text);
      assert.match(unbookable.body.issue[0].diagnostics, /busy-unavailable \(not a bookable code\)/);
      const offGrid = await post(r, plain('2026-03-03', '09:20', '09:35'));
      assert.equal(offGrid.status, 409, offGrid.text);
      assert.equal(heldAt(r, '2026-03-03', '09:20').length, 0);
    } finally { await r.close(); }
  });
});

describe('the OSCAR calls a plain booking costs', () => {
  it('one appointment list before and one after; the template only where the time meets another booking', async () => {
    const c = await startBookingStack({ env: { CACHE_MAX_BYTES: '0' } });
    try {
      c.schedule('2026-03-03', WEEKDAY);
      const count = (op: string) => c.sim.stats.snapshot().byOperation[`ScheduleService.${op}`] ?? 0;
      c.sim.stats.reset();
      assert.equal((await post(c, plain('2026-03-03', '09:00', '09:15'))).status, 201);
      assert.deepEqual([count('getAppointmentsForDateRangeAndProvider2'), count('getDayWorkSchedule'), count('getScheduleTemplateCodes')], [2, 0, 0]);
      c.sim.stats.reset();
      assert.equal((await post(c, plain('2026-03-03', '09:10', '09:25'))).status, 409);
      assert.deepEqual([count('getAppointmentsForDateRangeAndProvider2'), count('getDayWorkSchedule'), count('getScheduleTemplateCodes'), count('addAppointment')], [1, 1, 1, 0]);
    } finally { await c.close(); }
  });
});

describe('over REST when a WAF refuses SOAP', () => {
  let r: { stack: Stack };
  before(async () => { r = await restOnlyStack(); });
  after(async () => { await r.stack.close(); });

  it('checks plain bookings for overlaps too: five racing bookings give one 201, the next minute 409, the adjacent time 201', async () => {
    const stack = r.stack;
    const doctor = stack.sim.store.data.providers.find((p) => p.providerType === 'doctor' && p.status === '1')!.providerNo;
    const patient = stack.sim.store.data.demographics[0]!.demographicNo;
    const body = (start: string, end: string) => plain('2034-01-10', start, end, {}, patient, doctor);
    const send = (b: unknown) => stack.fhir('/Appointment', { method: 'POST', headers: REST_HEADERS, body: JSON.stringify(b) });
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(body('09:00', '09:15'))));
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409, 409, 409], answers.map((a) => a.text).join('\n'));
    assert.equal(rowsAt(stack, '2034-01-10', '09:00', doctor).length, 1);
    assert.equal((await send(body('09:14', '09:30'))).status, 409);
    assert.equal((await send(body('09:15', '09:30'))).status, 201);
  });
});
